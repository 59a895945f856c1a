"""The outputs in the admin, one block per kind: shown to staff, changed through the pages."""

from django.contrib import admin

from nmiq_portal.core.admin import ReadOnly

# --- comparisons ---
from .models import Comparison, ComparisonResult


class ComparisonResultInline(ReadOnly, admin.TabularInline):
    model = ComparisonResult
    fields = ["position", "institute", "reported_as", "value", "uncertainty_kind", "uncertainty"]
    readonly_fields = fields


@admin.register(Comparison)
class ComparisonAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["identifier", "measurand", "method", "status", "published_at"]
    list_filter = ["status", "method"]
    search_fields = ["identifier", "measurand"]
    inlines = [ComparisonResultInline]
