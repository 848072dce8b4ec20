"""State changes for kommune login: provider configuration, OIDC users, lifting locks."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from planportal import services as core_services
from planportal.access import SYSTEM, deny, get_access
from planportal.audit import services as audit
from planportal.login.models import LoginFailure, OrganizationLoginProvider
from planportal.models import Membership, Unit

logger = logging.getLogger(__name__)

PROVIDER_FIELDS = ("organization", "provider_id", "name", "server_url", "client_id", "secret",
                   "new_user_role", "is_active")
# What the audit trail records for the client secret: that it was set, never a value
# (neither plain nor encrypted).
SECRET_HIDDEN = "[hidden]"  # noqa: S105 - a placeholder, not a password
SECRET_SET = "[new secret]"  # noqa: S105


def save_login_provider(
    *, actor: Any, provider: OrganizationLoginProvider | None, data: dict[str, Any]
) -> OrganizationLoginProvider:
    """Create or change an organisation's OIDC provider; platform operators only.

    A provider decides who becomes a member of an organisation, so a kommune's own
    administrator cannot point one at another kommune. A blank ``secret`` keeps the stored
    one. The audit event says whether the secret changed, never what it was or became.
    """
    if not get_access(actor).everything:
        raise deny(_("Only a platform administrator can configure login providers."))
    provider = provider or OrganizationLoginProvider()
    if provider.pk and data.get("provider_id", provider.provider_id) != provider.provider_id:
        # Existing accounts are keyed by the provider id; renaming it would orphan them.
        raise ValidationError({"provider_id": _("The provider id cannot be changed once saved.")})
    if provider.pk and data.get("organization", provider.organization) != provider.organization:
        raise ValidationError(
            {"organization": _("A provider cannot be moved to another organisation.")}
        )
    audited = [name for name in PROVIDER_FIELDS if name != "secret"]
    before = audit.snapshot(provider, audited) if provider.pk else None
    had_secret = bool(provider.pk and provider.secret)
    for name in audited:
        if name in data:
            setattr(provider, name, data[name])
    new_secret = data.get("secret") or ""
    if new_secret:
        provider.secret = new_secret
    # else: a blank secret field keeps the stored secret (*provider* is the stored row).
    with transaction.atomic():
        provider.full_clean()
        provider.save()
        if before is None:
            changes = audit.created_fields(provider)
            if new_secret:
                changes["secret"] = [None, SECRET_SET]
            audit.record(actor=actor, verb="create", obj=provider, changes=changes)
        else:
            changes = audit.changes_between(before, audit.snapshot(provider, audited))
            if new_secret:
                changes["secret"] = [SECRET_HIDDEN if had_secret else None, SECRET_SET]
            if changes:
                audit.record(actor=actor, verb="update", obj=provider, changes=changes)
    logger.info("Login provider %s saved for organisation %s", provider.provider_id,
                provider.organization_id)
    return provider


def _unique_username(base: str) -> str:
    user_model = get_user_model()
    base = re.sub(r"[^\w.@+-]", "", base)[:140] or "bruker"
    candidate, n = base, 1
    while user_model.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def provision_oidc_user(
    *,
    provider: OrganizationLoginProvider,
    uid: str,
    claims: dict[str, Any],
) -> Any:
    """Create the user and the provider link for a first OIDC login through *provider*.

    The user gets the provider's ``new_user_role`` (a reader role at the organisation's
    top unit, or nothing) and nothing anywhere else. The link is keyed by
    (provider id, subject), so a later login finds this user by subject, not by e-mail.
    """
    from allauth.socialaccount.models import SocialAccount

    if not provider.is_active:
        raise deny(_("This login provider is switched off."))
    if not uid:
        raise ValidationError({"sub": _("The identity provider sent no subject.")})
    if SocialAccount.objects.filter(provider=provider.provider_id, uid=uid).exists():
        raise ValidationError({"sub": _("This identity is already linked to a user.")})
    with transaction.atomic():
        user = core_services.create_user(
            actor=SYSTEM,
            username=_unique_username(
                str(claims.get("preferred_username") or claims.get("email") or
                    f"{provider.provider_id}-{uid}")
            ),
            password=None,
            email=str(claims.get("email") or "")[:254],
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        SocialAccount.objects.create(
            user=user, provider=provider.provider_id, uid=uid, extra_data=claims
        )
        if provider.new_user_role == OrganizationLoginProvider.NewUserRole.READER:
            root = Unit.objects.get(organization_id=provider.organization_id, parent__isnull=True)
            core_services.add_membership(
                actor=SYSTEM, user=user, unit=root, role=Membership.Role.READER
            )
    logger.info("User %s created by OIDC login through %s", user.pk, provider.provider_id)
    return user


def unlock(*, actor: Any, failures: Any) -> int:
    """Lift the given brute-force locks at once; platform operators only."""
    if not get_access(actor).everything:
        raise deny(_("Only a platform administrator can lift login locks."))
    with transaction.atomic():
        deleted, _rows = LoginFailure.objects.filter(
            pk__in=[failure.pk for failure in failures]
        ).delete()
    logger.info("%s login locks lifted", deleted)
    return deleted
