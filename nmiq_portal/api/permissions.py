"""Who may use which method of the API: the one permission class every endpoint runs."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, IsAuthenticatedOrReadOnly


class ApiPermission(IsAuthenticatedOrReadOnly):
    """Anyone reads, the signed-in write (the services decide what), and a personal token made
    read-only never writes: its unsafe requests are refused before any view runs."""

    message = _("This token is read-only; make a token that may write to change anything.")

    def has_permission(self, request, view):
        if request.method not in SAFE_METHODS and getattr(request.auth, "read_only", False):
            return False
        return super().has_permission(request, view)
