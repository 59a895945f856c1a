"""Staff create working areas and name their coordinators here; projects are only shown."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from nmiq_portal.core.admin import ReadOnly

from .models import Deliverable, Participation, Project, TechnicalWorkingArea


@admin.register(TechnicalWorkingArea)
class TechnicalWorkingAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "active", "min_institutes", "min_economies"]
    list_filter = ["active"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["coordinators"]
    fields = [
        "number",
        "slug",
        "title",
        "scope",
        "active",
        "coordinators",
        "min_institutes",
        "min_economies",
        "review_scale_max",
        "reviews_required",
    ]


class DeliverableInline(ReadOnly, admin.TabularInline):
    model = Deliverable
    extra = 0
    fields = ["title", "due_date", "done"]
    readonly_fields = fields


class ParticipationInline(ReadOnly, admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["institute", "role", "status", "initiated_by", "created_at"]
    readonly_fields = fields
    verbose_name_plural = _("Participations (changed on the project's page)")


@admin.register(Project)
class ProjectAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["acronym", "title", "twa", "kind", "lead_institute", "status", "submitted_at"]
    list_filter = ["status", "kind", "twa"]
    search_fields = ["acronym", "title", "lead_institute__acronym"]
    list_select_related = ["twa", "lead_institute"]
    inlines = [DeliverableInline, ParticipationInline]
