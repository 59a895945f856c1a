"""The outputs in the admin, one block per kind: shown to staff, changed through the pages."""

from django.contrib import admin

from nmiq_portal.core.admin import ReadOnly

from .models import Benchmark, BenchmarkResult, Comparison, ComparisonResult, Guide, GuideVersion

# --- comparisons ---


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


# --- guides ---


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


# --- benchmarks ---


@admin.register(Benchmark)
class BenchmarkAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "metric", "unit", "twa", "technology_area"]
    list_filter = ["twa"]
    search_fields = ["name", "metric", "slug"]
    list_select_related = ["twa", "technology_area"]


@admin.register(BenchmarkResult)
class BenchmarkResultAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "benchmark",
        "institute",
        "provider",
        "device",
        "value",
        "measured_on",
        "status",
    ]
    list_filter = ["status", "benchmark"]
    search_fields = ["benchmark__name", "device", "provider", "institute__acronym"]
    list_select_related = ["benchmark", "institute"]
    exclude = ["samples", "sample_times"]
