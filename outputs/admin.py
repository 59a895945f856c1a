"""Staff see the outputs here; they change them on the portal's pages, through the services."""

from django.contrib import admin

from nmiq_portal.core.admin import ReadOnly

# --- guides ---
from .models import Guide, GuideVersion


class GuideVersionInline(ReadOnly, admin.TabularInline):
    model = GuideVersion
    extra = 0
    fields = ["number", "status", "published_at", "original_name", "size", "page_count"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Guide)
class GuideAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "twa", "created_at"]
    list_filter = ["twa"]
    search_fields = ["title", "slug"]
    list_select_related = ["twa"]
    inlines = [GuideVersionInline]


@admin.register(GuideVersion)
class GuideVersionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["guide", "number", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["guide__title", "number"]
    list_select_related = ["guide"]
    exclude = ["file"]
