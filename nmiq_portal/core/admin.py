"""What the admin pages of every app share."""


class ReadOnly:
    """Mixed into a ModelAdmin or an inline: shown to staff, changed only through the portal's
    pages (which call the services, and so the workflow engine for every state)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
