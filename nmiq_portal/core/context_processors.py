"""What every page's template may use."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import user_facts


def site(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "SITE_URL": settings.SITE_URL,
        "unread_notifications": SimpleLazyObject(
            lambda: user_facts.get(user, "unread_notifications") if signed_in else 0
        ),
    }
