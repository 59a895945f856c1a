"""Writes on accounts: profile and personal API tokens."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nmiq_portal.core.permissions import require

from .models import ApiToken, User

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
def api_token_create(*, actor: User, name: str, expiry: timedelta) -> tuple[ApiToken, str]:
    """Make a personal token; the returned string is the only time the token is seen."""
    require(actor, "accounts.create_token")
    User.objects.select_for_update().get(pk=actor.pk)
    if ApiToken.objects.filter(user=actor).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            {"name": _("You have %(max)d tokens; revoke one first.") % {"max": MAX_TOKENS_PER_USER}}
        )
    return ApiToken.objects.create(user=actor, expiry=expiry, name=name)


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke one of one's own tokens; it stops working at once."""
    require(actor, "accounts.revoke_token", token)
    token.delete()
