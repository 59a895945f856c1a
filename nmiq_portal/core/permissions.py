"""The one way services check permissions."""

from django.core.exceptions import PermissionDenied


def require(actor, perm: str, obj=None) -> None:
    """Raise PermissionDenied unless ``actor`` has ``perm`` on ``obj`` (a django-rules check)."""
    if actor is None or not actor.is_active or not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)
