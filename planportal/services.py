"""State changes for organisations, units, memberships and users."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from planportal.audit import services as audit
from planportal.audit.services import created_fields
from planportal.models import Membership, Organization, Unit
from planportal.permissions import (
    administered_q,
    deny,
    forget_access,
    get_access,
    is_self,
    manages_own,
    may_act_for,
    users_visible_to,
)
from planportal.queue import enqueue_on_commit

logger = logging.getLogger(__name__)


def _require_admin_of(actor: Any, organization_id: int, message: str) -> None:
    if not get_access(actor).is_admin_of(organization_id):
        raise deny(message)


def create_organization(*, actor: Any, name: str, slug: str, org_number: str = "",
                        language: str = Organization.Language.BOKMAL,
                        kommunenummer: str = "") -> Organization:
    """Create a kommune together with the root unit of its tree."""
    if not get_access(actor).everything:
        raise deny(_("Only a platform administrator can create organisations."))
    with transaction.atomic():
        organization = Organization(name=name, slug=slug, org_number=org_number,
                                    language=language, kommunenummer=kommunenummer)
        organization.full_clean()
        organization.save()
        audit.record(actor=actor, verb="create", obj=organization,
                     changes=created_fields(organization), organization_id=organization.pk)
        create_unit(
            actor=actor,
            organization=organization,
            parent=None,
            kind=Unit.Kind.MUNICIPALITY,
            code=slug,
            name=name,
        )
    return organization


#: What :func:`update_organization` changes; only the målform is the kommune's own.
ORGANIZATION_FIELDS = ("name", "slug", "org_number", "kommunenummer", "language")


def update_organization(*, actor: Any, organization: Organization, **fields: Any) -> Organization:
    """Change a kommune: its målform (``language``), which its own administrators choose
    (a kommune decides its målform itself), or its name, short name, organisation
    number and municipality number, which only the platform operator changes: the
    municipality number decides whose statistics the kommune imports. Fields not given
    are kept.

    The målform is the language of the kommune's documents, e-mails and public pages, and
    of its users' pages unless they choose another (:mod:`planportal.languages`).
    """
    unknown = sorted(set(fields) - set(ORGANIZATION_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    _require_admin_of(actor, organization.pk,
                      _("Only an administrator of the organisation can change it."))
    before = {name: getattr(organization, name) for name in ORGANIZATION_FIELDS}
    changed = [name for name, value in fields.items() if value != before[name]]
    if any(name != "language" for name in changed) and not get_access(actor).everything:
        raise deny(_("Organisations are changed by the platform operator."))
    if not changed:
        return organization
    for name in changed:
        setattr(organization, name, fields[name])
    with transaction.atomic():
        organization.full_clean()
        organization.save(update_fields=changed)
        audit.record(actor=actor, verb="update", obj=organization,
                     changes=audit.changes_between(
                         {name: before[name] for name in changed},
                         {name: fields[name] for name in changed}),
                     organization_id=organization.pk)
    return organization


def create_unit(
    *,
    actor: Any,
    organization: Organization,
    parent: Unit | None,
    kind: str,
    code: str,
    name: str,
    email: str = "",
) -> Unit:
    """Add a unit to the organisation's tree, one level below *parent*."""
    _require_admin_of(
        actor, organization.pk, _("Only an administrator of the organisation can change its units.")
    )
    if parent is not None and parent.organization_id != organization.pk:
        raise ValidationError({"parent": _("The parent unit belongs to another organisation.")})
    if kind not in Unit.Kind.values:
        raise ValidationError({"kind": _("Unknown level %(kind)s.") % {"kind": kind}})
    expected_depth = 0 if parent is None else Unit.DEPTH[parent.kind] + 1
    if Unit.DEPTH[kind] != expected_depth:
        raise ValidationError(
            {"kind": _("A %(kind)s cannot be placed directly under %(parent)s.")
             % {"kind": Unit.Kind(kind).label, "parent": parent or _("the top level")}}
        )
    with transaction.atomic():
        unit = Unit(
            organization=organization,
            parent=parent,
            kind=kind,
            code=code,
            name=name,
            email=email,
            path="-",
        )
        unit.full_clean(exclude=["path"])
        unit.save()
        # The path holds primary keys, so it can only be set once the row has one.
        unit.path = f"{parent.path if parent else ''}{unit.pk}/"
        Unit.objects.filter(pk=unit.pk).update(path=unit.path)
        audit.record(actor=actor, verb="create", obj=unit, changes=created_fields(unit),
                     organization_id=organization.pk)
    return unit


def add_membership(*, actor: Any, user: Any, unit: Unit, role: str) -> Membership:
    """Give *user* a role on *unit* (and so on its subtree).

    A kommune's administrator gives roles to his own people only (``users_visible_to``):
    never to another kommune's people or to accounts without a role anywhere, which
    only platform operators see. A new person comes in through :func:`invite_user`.
    """
    _require_admin_of(
        actor, unit.organization_id, _("Only an administrator of the organisation can grant roles.")
    )
    if not get_access(actor).everything and not users_visible_to(actor).filter(
            pk=user.pk).exists():
        # Not named: the id may be someone the actor must not learn anything about.
        raise ValidationError({"user": _(
            "This person has no role in your kommune. Choose one of its people, or add "
            "a new person with their e-mail address under Users."
        )})
    return _grant_membership(actor=actor, user=user, unit=unit, role=role)


def _grant_membership(*, actor: Any, user: Any, unit: Unit, role: str) -> Membership:
    """Save and audit one role; the caller has checked who the person is."""
    _require_admin_of(
        actor, unit.organization_id, _("Only an administrator of the organisation can grant roles.")
    )
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    with transaction.atomic():
        membership = Membership(user=user, unit=unit, role=role)
        membership.full_clean()
        membership.save()
        audit.record(actor=actor, verb="role_change", obj=user,
                     organization_id=unit.organization_id,
                     changes={"membership": [None, {"unit": unit.pk, "role": role}]})
    forget_access(user)
    return membership


def remove_membership(*, actor: Any, membership: Membership) -> None:
    """Take a role away from a user."""
    _require_admin_of(
        actor,
        membership.unit.organization_id,
        _("Only an administrator of the organisation can revoke roles."),
    )
    user = membership.user
    with transaction.atomic():
        audit.record(actor=actor, verb="role_change", obj=user,
                     organization_id=membership.unit.organization_id,
                     changes={"membership": [{"unit": membership.unit_id,
                                              "role": membership.role}, None]})
        membership.delete()
    forget_access(user)


def change_membership(*, actor: Any, membership: Membership, unit: Unit, role: str) -> Membership:
    """Change a role's unit or kind within the same kommune, in one step.

    Removing the last role and adding a new one would fail: the person is no longer one
    of the administrator's own people once the last role is gone (``add_membership``).
    """
    organization_id = membership.unit.organization_id
    _require_admin_of(
        actor, organization_id, _("Only an administrator of the organisation can grant roles.")
    )
    if unit.organization_id != organization_id:
        raise ValidationError({"unit": _("Choose a unit of the same kommune as the role.")})
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    before = {"unit": membership.unit_id, "role": membership.role}
    after = {"unit": unit.pk, "role": role}
    if before == after:
        return membership
    with transaction.atomic():
        membership.unit, membership.role = unit, role
        membership.full_clean()
        membership.save(update_fields=["unit", "role"])
        audit.record(actor=actor, verb="role_change", obj=membership.user,
                     organization_id=organization_id, changes={"membership": [before, after]})
    forget_access(membership.user)
    return membership


def update_unit(*, actor: Any, unit: Unit, name: str, email: str = "") -> Unit:
    """Rename a unit or change its e-mail; its place in the tree stays."""
    _require_admin_of(
        actor,
        unit.organization_id,
        _("Only an administrator of the organisation can change its units."),
    )
    before = {"name": unit.name, "email": unit.email}
    unit.name = name
    unit.email = email
    with transaction.atomic():
        unit.full_clean()
        unit.save(update_fields=["name", "email"])
        changes = audit.changes_between(before, {"name": name, "email": email})
        if changes:
            audit.record(actor=actor, verb="update", obj=unit, changes=changes)
    return unit


def username_taken(username: str, other_than: Any = None) -> bool:
    """Whether an account (other than *other_than*) has *username*, in any case.

    The login lockout counts a case-folded name, so "Kari" beside "kari" would be two
    accounts sharing one lock (and easily confused by people).
    """
    users = get_user_model().objects.filter(username__iexact=username)
    if other_than is not None:
        users = users.exclude(pk=other_than.pk)
    return users.exists()


def create_user(
    *,
    actor: Any,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    preferred_language: str = "",
    memberships: Iterable[tuple[Unit, str]] = (),
) -> Any:
    """Create a user account, with its roles (*memberships*: unit, role) in the same step.

    Only platform operators (or the system) may make staff, or an account without a
    role. A kommune's administrator creates people into his kommune: at least one of
    the roles is on one of its units, or he could not see the person he made.
    """
    access = get_access(actor)
    if not (access.everything or (access.admin_org_ids and not (is_staff or is_superuser))):
        raise deny(_("You cannot create this user."))
    memberships = list(memberships)
    if not access.everything and not any(
        unit.organization_id in access.admin_org_ids for unit, _role in memberships
    ):
        raise ValidationError({"memberships": _(
            "A new person needs a role on a unit of your kommune."
        )})
    user_model = get_user_model()
    if username_taken(username):
        raise ValidationError({"username": _("A user with that username already exists.")})
    with transaction.atomic():
        user = user_model(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            is_staff=is_staff or is_superuser,
            is_superuser=is_superuser,
            preferred_language=preferred_language,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        # Names and e-mail stay out of the trail (erasure must reach them); ids suffice.
        # The kommune of the first role, so its administrators find the event.
        audit.record(actor=actor, verb="create", obj=user, changes={
            "is_staff": [None, user.is_staff], "is_superuser": [None, user.is_superuser]},
            organization_id=memberships[0][0].organization_id if memberships else None)
        for unit, role in memberships:
            # A brand-new account has no role anywhere yet: these are its first ones.
            _grant_membership(actor=actor, user=user, unit=unit, role=role)
    return user


#: What the trail records for a person's username, names or e-mail: that the field changed
#: (or was set or emptied), never its value. The trail is append-only, so erasure could
#: not reach a name written into it.
PERSONAL_DATA = "[personal data]"
#: What the trail records for a password: that there was one and that a new one was set.
PASSWORD_HIDDEN = "[hidden]"  # noqa: S105 - a placeholder, not a password
PASSWORD_SET = "[new password]"  # noqa: S105

_ACCOUNT_PERSONAL = ("username", "first_name", "last_name", "email")
_ACCOUNT_FLAGS = ("is_staff", "is_superuser")


def _hidden(value: Any) -> str | None:
    return PERSONAL_DATA if value else None


def update_user(
    *,
    actor: Any,
    user: Any,
    username: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
) -> Any:
    """Change an account itself: username, names, e-mail, staff and operator flags
    (None = keep).

    Platform operators only: a kommune's administrator sees his people's accounts but
    changes only their roles and preferences. The active flag is not here: switching
    it off is :func:`deactivate_user`, which ends sessions and tokens too. An operator
    keeps his own operator rights (another one takes them away), so nobody locks the
    platform out by a slip. Audited: the flags with their values; username, names and
    e-mail by field only (:data:`PERSONAL_DATA`).
    """
    if not get_access(actor).everything:
        raise deny(_("Only a platform administrator can change an account."))
    wanted = {"username": username, "first_name": first_name, "last_name": last_name,
              "email": email, "is_staff": is_staff, "is_superuser": is_superuser}
    wanted = {name: value for name, value in wanted.items() if value is not None}
    if wanted.get("is_superuser"):
        wanted["is_staff"] = True  # as create_user: an operator reaches the admin
    if is_self(actor, user) and (wanted.get("is_superuser") is False
                                 or wanted.get("is_staff") is False):
        raise ValidationError({"is_superuser": _(
            "You cannot take away your own operator rights: ask another platform "
            "administrator.")})
    new_username = wanted.get("username")
    if new_username is not None and username_taken(new_username, other_than=user):
        raise ValidationError({"username": _("A user with that username already exists.")})
    fields = [*_ACCOUNT_PERSONAL, *_ACCOUNT_FLAGS]
    before = audit.snapshot(user, fields)
    for name, value in wanted.items():
        setattr(user, name, value)
    after = audit.snapshot(user, fields)
    changed = [name for name in fields if before[name] != after[name]]
    if not changed:
        return user
    try:
        user.full_clean(exclude=["password"])
    except ValidationError:
        for name in changed:  # the caller's object stays the stored account
            setattr(user, name, before[name])
        raise
    changes = {name: ([before[name], after[name]] if name in _ACCOUNT_FLAGS
                      else [_hidden(before[name]), _hidden(after[name])]) for name in changed}
    with transaction.atomic():
        user.save(update_fields=changed)
        audit.record(actor=actor, verb="update", obj=user, changes=changes)
    if set(changed) & set(_ACCOUNT_FLAGS):
        forget_access(user)
    logger.info("Account of user %s changed: %s", user.pk, ", ".join(changed))
    return user


def set_password(*, actor: Any, user: Any, password: str | None) -> Any:
    """Give *user* a new password, or none (*password* None: no password sign-in).

    Platform operators, or the person themself; a kommune's administrator never sets
    another person's password (it would hand him their account in every kommune). The
    password validators decide (errors name ``password1``).

    Everything the old password let in ends with it: every session (the epoch is
    raised) and every API token (``POST /api/v1/auth/token/`` hands one out for the
    password), each token with its own event (:func:`end_sessions_and_tokens`). A caller
    changing the actor's own password keeps the actor's current session with
    ``update_session_auth_hash``. Audited without the secret (:data:`PASSWORD_SET`).
    """
    from django.contrib.auth import password_validation

    if not manages_own(actor, user):
        raise deny(_("Only a platform administrator can set another person's password."))
    if password is not None:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from exc
    had_password = user.has_usable_password()
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        epoch = user.session_epoch
        revoked = end_sessions_and_tokens(user, actor=actor)
        audit.record(actor=actor, verb="update", obj=user, changes={
            "password": [PASSWORD_HIDDEN if had_password else None,
                         PASSWORD_SET if password is not None else None],
            "session_epoch": [epoch, user.session_epoch]})
    logger.info("Password of user %s %s, %s API tokens revoked", user.pk,
                "set" if password is not None else "removed", revoked)
    return user


def invite_user(
    *,
    actor: Any,
    email: str,
    first_name: str,
    last_name: str,
    unit: Unit,
    role: str,
) -> Any:
    """Add a new person to the kommune of *unit*: an account, its role on *unit*, and an
    invitation e-mail with a one-time link to set a password (:mod:`planportal.invitations`).

    How a kommune's administrator brings in someone who is not yet one of his people
    (he can never pick another kommune's people, even by their e-mail address). The
    account gets no password; the username is made by :func:`_invitee_username`, the same
    way whether or not the address is known elsewhere. An address one of his own people
    already has is refused, naming that: he can see them anyway.
    """
    _require_admin_of(actor, unit.organization_id, _(
        "Only an administrator of the organisation can add people to it."))
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": _("Give the new person's e-mail address.")})
    if users_visible_to(actor).filter(email__iexact=email).exists():
        raise ValidationError({"email": _(
            "One of your people already has this e-mail address: give them the role "
            "under Memberships instead."
        )})
    with transaction.atomic():
        user = create_user(
            actor=actor, username=_invitee_username(email), password=None, email=email,
            first_name=first_name, last_name=last_name, memberships=[(unit, role)],
        )
        _send_invitation(actor=actor, user=user, organization_id=unit.organization_id)
    return user


#: Letters and digits that cannot be mistaken for each other when typed from an e-mail.
_USERNAME_RANDOM = "abcdefghjkmnpqrstuvwxyz23456789"


def _invitee_username(email: str) -> str:
    """The username of an invited person: the e-mail's local part and six random
    characters, always (``kari.nordmann-x7k2m9``).

    Never the address itself with a ``-2`` when it is taken: that told a kommune's
    administrator that someone, somewhere, already had an account with it. A drawn name
    that exists is drawn again, which looks like any other draw.
    """
    local = re.sub(r"[^\w.+-]", "", email.split("@")[0].lower())[:100] or "bruker"
    for _attempt in range(20):
        candidate = f"{local}-{get_random_string(6, _USERNAME_RANDOM)}"
        if not username_taken(candidate):
            return candidate
    raise RuntimeError("No free username after 20 random draws")  # 31⁶ names: never


def _invitation_organization_id(actor: Any, user: Any) -> int | None:
    """The kommune an invitation is from: the first of *actor*'s kommuner where *user*
    has a role (any kommune of theirs for platform operators)."""
    roles = Membership.objects.filter(administered_q(actor, "unit__"), user=user).order_by("pk")
    return roles.values_list("unit__organization_id", flat=True).first()


def _send_invitation(*, actor: Any, user: Any, organization_id: int) -> None:
    """Audit an invitation and send its e-mail once the transaction commits."""
    audit.record(actor=actor, verb="token", obj=user, organization_id=organization_id,
                 changes={"invitation": [None, "sent"]})
    enqueue_on_commit("planportal.tasks.send_invitation", user.pk, organization_id)


def resend_invitation(*, actor: Any, user: Any) -> Any:
    """Send *user* a new invitation e-mail; earlier links stop working.

    For an administrator's own people (``users_visible_to``) who have never signed in
    and have no password: someone with one sets or resets it another way. The person
    gets a fresh unusable password, which ends every earlier link (the token covers the
    password hash).
    """
    if not users_visible_to(actor).filter(pk=user.pk).exists():
        raise deny(_("You cannot invite this user."))
    if not user.is_active:
        raise ValidationError({"user": _("A deactivated user cannot be invited.")})
    if user.last_login is not None:
        raise ValidationError({"user": _(
            "%(user)s has signed in already: an invitation is only for someone who never "
            "has.") % {"user": user}})
    if user.has_usable_password():
        # Its hash would not change, so earlier links would keep working.
        raise ValidationError({"user": _(
            "%(user)s already has a password: an invitation is for someone without one.")
            % {"user": user}})
    if not user.email:
        raise ValidationError({"email": _(
            "%(user)s has no e-mail address to send the invitation to.") % {"user": user}})
    organization_id = _invitation_organization_id(actor, user)
    if organization_id is None:
        raise ValidationError({"user": _(
            "%(user)s has no role in your kommune to be invited to.") % {"user": user}})
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        _send_invitation(actor=actor, user=user, organization_id=organization_id)
    logger.info("Invitation sent again to user %s", user.pk)
    return user


def accept_invitation(*, user: Any, token: str, password: str) -> Any:
    """The invited person sets their first password with the link's *token*.

    The token is checked again on the locked row, so two submissions of one link set
    one password; a used, expired or altered token is refused (``token``), a password
    the validators reject names ``password1``. The person is the actor of the event.
    """
    from django.contrib.auth import password_validation

    from planportal.invitations import invitation_tokens

    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if locked is None or not locked.is_active or not invitation_tokens.check_token(
                locked, token):
            raise ValidationError({"token": _(
                "This invitation link is no longer valid. Ask your administrator for a new "
                "invitation.")})
        try:
            password_validation.validate_password(password, locked)
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from exc
        locked.set_password(password)
        locked.save(update_fields=["password"])
        audit.record(actor=locked, verb="update", obj=locked,
                     organization_id=Membership.objects.filter(user=locked).order_by("pk")
                     .values_list("unit__organization_id", flat=True).first(),
                     changes={"invitation": ["sent", "accepted"]})
    logger.info("User %s accepted the invitation and set a password", locked.pk)
    return locked


def update_preferences(
    *,
    actor: Any,
    user: Any,
    preferred_language: str | None = None,
    reminder_emails: bool | None = None,
) -> Any:
    """Change a user's language and whether they get reminder e-mails (None = keep).

    Users change their own; an organisation's administrators change their members'.
    """
    if not (is_self(actor, user) or users_visible_to(actor).filter(pk=user.pk).exists()):
        raise deny(_("You cannot change this user's preferences."))
    changed: list[str] = []
    if preferred_language is not None and preferred_language != user.preferred_language:
        # get_user_model(), not type(user): a view passes request.user, a lazy proxy.
        if preferred_language not in get_user_model().Language.values:
            raise ValidationError({"preferred_language": _(
                "Unknown language %(language)s: choose nb, nn or en, or nothing to "
                "follow your kommune."
            ) % {"language": preferred_language}})
        user.preferred_language = preferred_language
        changed.append("preferred_language")
    if reminder_emails is not None and reminder_emails != user.reminder_emails:
        user.reminder_emails = bool(reminder_emails)
        changed.append("reminder_emails")
    if changed:
        with transaction.atomic():
            user.save(update_fields=changed)
            audit.record(actor=actor, verb="preferences", obj=user,
                         changes={name: [None, getattr(user, name)] for name in changed})
    return user




def end_sessions_and_tokens(user: Any, *, actor: Any) -> int:
    """Revoke the user's API tokens and raise their session epoch; returns tokens revoked.

    The one way a person's access ends at once (log out everywhere, deactivation,
    erasure, a new password): each revoked token gets its own audit event by *actor*
    (:func:`planportal.tokens.revoke_all_tokens`); the caller records the sessions'
    end in its own event. Callers have checked that *actor* may act for *user*.
    """
    from planportal.tokens import revoke_all_tokens

    revoked = revoke_all_tokens(actor=actor, user=user)
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    return len(revoked)


def log_out_everywhere(*, actor: Any, user: Any) -> Any:
    """End every session of *user* on every device and revoke all their API tokens.

    The session hash includes ``session_epoch`` (``User._get_session_auth_hash``), so
    raising it makes Django reject every existing session on its next request. Audited:
    one event for the sessions (the epoch's change) and one per revoked token.
    """
    if not may_act_for(actor, user):
        raise deny(_("You cannot log this user out."))
    with transaction.atomic():
        revoked = end_sessions_and_tokens(user, actor=actor)
        audit.record(actor=actor, verb="update", obj=user, changes={
            "session_epoch": [user.session_epoch - 1, user.session_epoch]})
    logger.info(
        "All sessions of user %s ended, %s API tokens revoked", user.pk, revoked
    )
    return user


def deactivate_user(*, actor: Any, user: Any) -> Any:
    """Deactivate *user*: they cannot log in, and every session and API token ends at once.

    Audited: one event per revoked token (:func:`end_sessions_and_tokens`), then the
    deactivation with the number of tokens it revoked."""
    if is_self(actor, user):
        raise deny(_("You cannot deactivate your own account."))
    if not may_act_for(actor, user):
        raise deny(_("You cannot deactivate this user."))
    with transaction.atomic():
        was_active = user.is_active
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        revoked = end_sessions_and_tokens(user, actor=actor)  # one event per token
        audit.record(actor=actor, verb="deactivate", obj=user, changes={
            "is_active": [was_active, False], "api_tokens_revoked": [0, revoked]})
    logger.info(
        "User %s deactivated, %s API tokens revoked", user.pk, revoked
    )
    return user
