"""The workflow record, shown to staff and never edited."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from nmiq_portal.core.admin import ReadOnly

from .models import WorkflowEvent


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "created_at",
        "workflow",
        "object_id",
        "action",
        "from_state",
        "to_state",
        "actor",
    ]
    list_filter = ["workflow", "action"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "created_at"


class WorkflowEventInline(ReadOnly, GenericTabularInline):
    """The moves of the object an admin page shows, oldest first, read-only."""

    model = WorkflowEvent
    ct_field = "content_type"
    ct_fk_field = "object_id"
    extra = 0
    fields = ["created_at", "actor", "action", "from_state", "to_state", "comment"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]
