"""Organisations (kommuner), their unit trees, users and role memberships."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from planportal.access import Role as MembershipRole
from planportal.querysets import MembershipQuerySet, OrganizationQuerySet, UnitQuerySet


class User(AbstractUser):
    """A person who signs in; access comes from :class:`Membership` rows, not from flags."""

    class Language(models.TextChoices):
        # Blank: follow the målform of the user's kommune (planportal.languages).
        KOMMUNE = "", _("As my kommune writes (bokmål or nynorsk)")
        BOKMAL = "nb", _("Norwegian Bokmål")
        NYNORSK = "nn", _("Norwegian Nynorsk")
        ENGLISH = "en", _("English")

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=Language.choices,
        default=Language.KOMMUNE,
        blank=True,
    )
    reminder_emails = models.BooleanField(
        _("reminder e-mails"),
        default=True,
        help_text=_("Deadline reminders, status nudges and sector digests by e-mail."),
    )
    # Raised by "log out everywhere" and deactivation: it is part of the session hash,
    # so every session signed with the old value stops being valid at once.
    session_epoch = models.PositiveIntegerField(_("session generation"), default=0, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's password-based session hash, salted with :attr:`session_epoch` too.

        Epoch 0 keeps Django's own hash, so adding the field logged nobody out.
        """
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "planportal.User.session_epoch",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Organization(models.Model):
    """A kommune using Planportal; every plan and unit belongs to exactly one.

    ``language`` is the kommune's målform (its written standard, bokmål or nynorsk): the
    language of its plan text, and so of its documents, its public pages, its e-mails
    and, unless they choose otherwise, its users' pages (:mod:`planportal.languages`).
    """

    class Language(models.TextChoices):
        BOKMAL = "nb", _("bokmål")
        NYNORSK = "nn", _("nynorsk")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    org_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    # Statistics (SSB's region codes) name a kommune by it: "3421" is Trysil.
    kommunenummer = models.CharField(
        _("municipality number"), max_length=4, blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Four digits, e.g. 3421."))],
        help_text=_("The kommune's four-digit number, as statistics name it."),
    )
    language = models.CharField(
        _("written standard"),
        max_length=8,
        choices=Language.choices,
        default=Language.BOKMAL,
        help_text=_("Bokmål or nynorsk: the language of the kommune's documents, e-mails "
                    "and public pages, and of its users' pages unless they choose another."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["kommunenummer"], condition=~Q(kommunenummer=""),
                name="organization_kommunenummer_unique",
                violation_error_message=_("Another kommune has this municipality number."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node of the unit tree: kommune → sektor → enhet → avdeling.

    ``path`` is a materialised path of primary keys ("12/45/78/"), kept by the unit
    services, so a whole subtree is one ``path__startswith`` filter on any database.
    """

    class Kind(models.TextChoices):
        MUNICIPALITY = "kommune", _("municipality")
        SECTOR = "sektor", _("sector")
        UNIT = "enhet", _("unit")
        DEPARTMENT = "avdeling", _("department")

    # Depth of each kind; a child must sit exactly one level below its parent.
    DEPTH = {Kind.MUNICIPALITY: 0, Kind.SECTOR: 1, Kind.UNIT: 2, Kind.DEPARTMENT: 3}

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="units",
        verbose_name=_("organisation"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    kind = models.CharField(_("level"), max_length=10, choices=Kind.choices)
    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    path = models.CharField(_("tree path"), max_length=255, editable=False, db_index=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"],
                name="unit_code_unique_per_organization",
                violation_error_message=_("A unit with this code already exists."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="kommune", parent__isnull=True))
                | (~Q(kind="kommune") & Q(parent__isnull=False)),
                name="unit_only_municipality_is_root",
                violation_error_message=_(
                    "The municipality is the root of the tree; every other unit needs a parent."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Membership(models.Model):
    """A user's role on a unit; the role reaches the unit's whole subtree."""

    # Defined with the rules (planportal.access), which must not import this module.
    Role = MembershipRole

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="membership_unique_user_unit_role",
                violation_error_message=_("The user already has this role on this unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class UserPreferences(User):
    """A user's e-mail preferences, as their own admin page (changed through a service)."""

    class Meta:
        proxy = True
        verbose_name = _("e-mail preferences")
        verbose_name_plural = _("e-mail preferences")


from planportal.token_models import ApiToken  # noqa: E402,F401
