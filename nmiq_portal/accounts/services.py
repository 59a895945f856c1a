"""Writes on accounts: profile, personal API tokens, personal data and account deletion."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nmiq_portal.core.permissions import require

from .models import ApiToken, User
from .personal_data import registered

MAX_TOKENS_PER_USER = 20


@transaction.atomic
def profile_update(*, actor: User, user: User, **changes) -> User:
    """Change a person's name, language or notification preference (only their own)."""
    require(actor, "accounts.change_profile", user)
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean()
    user.save(update_fields=list(changes))
    return user


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, expiry: timedelta, read_only: bool = False
) -> tuple[ApiToken, str]:
    """Make a personal token; the returned string is the only time the token is seen.

    A read-only token may do through the API only what a safe method does (see
    ``nmiq_portal.api.permissions``)."""
    require(actor, "accounts.create_token")
    User.objects.select_for_update().get(pk=actor.pk)
    if ApiToken.objects.filter(user=actor).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            {"name": _("You have %(max)d tokens; revoke one first.") % {"max": MAX_TOKENS_PER_USER}}
        )
    return ApiToken.objects.create(user=actor, expiry=expiry, name=name, read_only=read_only)


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke one of one's own tokens; it stops working at once."""
    require(actor, "accounts.revoke_token", token)
    token.delete()


def personal_data_export(*, actor: User, user: User) -> dict:
    """Everything the portal holds about ``user``, from each part that keeps some; only for
    themselves."""
    require(actor, "accounts.export_personal_data", user)
    return {
        "exported_at": timezone.now().isoformat(),
        **{item.key: item.export(user) for item in registered()},
    }


@transaction.atomic
def account_delete(*, actor: User, user: User, confirmation: str) -> User:
    """Delete ``user``'s account (only their own, confirmed by typing their e-mail address).

    What is theirs alone goes (tokens, saved searches, inbox, memberships, e-mails not yet sent,
    sign-in addresses); what their institutes and the workflows recorded stays, attributed to a
    removed user: the row remains, without name, address or password, and cannot sign in.
    Every session of theirs ends at its next request: the password changes, and with it the
    hash Django keeps in each session.
    """
    require(actor, "accounts.delete_account", user)
    if confirmation.strip().lower() != user.email.lower():
        raise ValidationError(
            {"confirmation": _("Type your e-mail address exactly to confirm the deletion.")}
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    for item in registered():
        if item.erase is not None:
            item.erase(user)
    ApiToken.objects.filter(user=user).delete()
    user.email = f"removed-{user.uuid}@users.invalid"
    user.name = ""
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.removed_at = timezone.now()
    user.set_unusable_password()
    user.save()
    return user
