"""The personal data accounts keep: the profile, personal tokens and sign-in addresses."""

from allauth.account.models import EmailAddress

from .models import ApiToken
from .personal_data import PersonalData, register


def _profile(user) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "language": user.language,
        "notification_delivery": user.notification_delivery,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def _tokens(user) -> list[dict]:
    """Names and dates only: the portal keeps a digest, never the token itself."""
    return [
        {
            "name": token.name,
            "created": token.created.isoformat(),
            "expiry": token.expiry.isoformat() if token.expiry else None,
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "read_only": token.read_only,
        }
        for token in ApiToken.objects.filter(user=user).order_by("created")
    ]


def _addresses(user) -> list[dict]:
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("email")
    ]


def _erase_addresses(user) -> None:
    EmailAddress.objects.filter(user=user).delete()


register(PersonalData("profile", export=_profile))
register(PersonalData("api_tokens", export=_tokens))
register(PersonalData("email_addresses", export=_addresses, erase=_erase_addresses))
