from django.urls import path, re_path

from . import feeds
from .views import benchmarks, glossary, guides, landscape
from .views import comparisons as comparison_views

app_name = "outputs"

urlpatterns = [
    path("glossary/", glossary.term_list, name="term_list"),
    path("glossary/feed/", feeds.AgreedTermsFeed(), name="term_feed"),
    path("glossary/propose/", glossary.term_propose, name="term_propose"),
    path("glossary/review/", glossary.term_review, name="term_review"),
    path("glossary/<slug:slug>/", glossary.term_detail, name="term_detail"),
    path("glossary/<slug:slug>/edit/", glossary.term_edit, name="term_edit"),
    path("glossary/<slug:slug>/transition/", glossary.term_transition, name="term_transition"),
    path("glossary/<slug:slug>/supersede/", glossary.term_supersede, name="term_supersede"),
]

# --- comparisons ---
urlpatterns += [
    path("comparisons/", comparison_views.comparison_list, name="comparison_list"),
    path("comparisons/new/", comparison_views.comparison_create, name="comparison_create"),
    path("comparisons/feed/", feeds.ComparisonFeed(), name="comparison_feed"),
    path("comparisons/results/<int:pk>/edit/", comparison_views.result_edit, name="result_edit"),
    path(
        "comparisons/results/<int:pk>/remove/",
        comparison_views.result_remove,
        name="result_remove",
    ),
    path("comparisons/<slug:slug>/", comparison_views.comparison_detail, name="comparison_detail"),
    path(
        "comparisons/<slug:slug>/chart.json",
        comparison_views.comparison_chart,
        name="comparison_chart",
    ),
    path(
        "comparisons/<slug:slug>/results.csv",
        comparison_views.comparison_csv,
        name="comparison_csv",
    ),
    path("comparisons/<slug:slug>/edit/", comparison_views.comparison_edit, name="comparison_edit"),
    path("comparisons/<slug:slug>/cite/", comparison_views.comparison_cite, name="comparison_cite"),
    path(
        "comparisons/<slug:slug>/results/new/",
        comparison_views.result_create,
        name="result_create",
    ),
    path(
        "comparisons/<slug:slug>/transition/",
        comparison_views.comparison_transition,
        name="comparison_transition",
    ),
]

# --- guides ---
urlpatterns += [
    path("guides/", guides.guide_list, name="guide_list"),
    path("guides/feed/", feeds.GuideVersionFeed(), name="guide_feed"),
    path("guides/new/", guides.guide_create, name="guide_create"),
    path("guides/<slug:slug>/", guides.guide_detail, name="guide_detail"),
    path("guides/<slug:slug>/edit/", guides.guide_edit, name="guide_edit"),
    path("guides/<slug:slug>/latest/", guides.guide_latest, name="guide_latest"),
    path("guides/<slug:slug>/latest/file/", guides.guide_latest_file, name="guide_latest_file"),
    path("guides/<slug:slug>/upload/", guides.guide_version_create, name="guide_version_create"),
    path("guides/<slug:slug>/v/<str:number>/", guides.guide_version, name="guide_version"),
    path(
        "guides/<slug:slug>/v/<str:number>/file/",
        guides.guide_version_file,
        name="guide_version_file",
    ),
    path(
        "guides/<slug:slug>/v/<str:number>/cite/",
        guides.guide_version_cite,
        name="guide_version_cite",
    ),
    path(
        "guides/<slug:slug>/v/<str:number>/edit/",
        guides.guide_version_edit,
        name="guide_version_edit",
    ),
    path(
        "guides/<slug:slug>/v/<str:number>/transition/",
        guides.guide_version_transition,
        name="guide_version_transition",
    ),
]

# --- benchmarks ---
_RESULT = "benchmarks/<slug:slug>/results/<uuid:uuid>/"
urlpatterns += [
    path("benchmarks/", benchmarks.benchmark_list, name="benchmark_list"),
    path("benchmarks/new/", benchmarks.benchmark_create, name="benchmark_create"),
    path("benchmarks/feed/", feeds.BenchmarkResultFeed(), name="benchmark_result_feed"),
    path("benchmarks/import/", benchmarks.result_import_start, name="result_import_start"),
    path(
        "benchmarks/import/<uuid:uuid>/",
        benchmarks.result_import_detail,
        name="result_import_detail",
    ),
    path(
        "benchmarks/import/<uuid:uuid>/apply/",
        benchmarks.result_import_apply,
        name="result_import_apply",
    ),
    path("benchmarks/<slug:slug>/", benchmarks.benchmark_detail, name="benchmark_detail"),
    path("benchmarks/<slug:slug>/edit/", benchmarks.benchmark_edit, name="benchmark_edit"),
    path("benchmarks/<slug:slug>/chart.json", benchmarks.benchmark_chart, name="benchmark_chart"),
    path(
        "benchmarks/<slug:slug>/results/new/",
        benchmarks.result_create,
        name="benchmark_result_create",
    ),
    path(_RESULT, benchmarks.result_detail, name="benchmark_result_detail"),
    path(f"{_RESULT}samples.json", benchmarks.result_samples, name="benchmark_result_samples"),
    path(f"{_RESULT}edit/", benchmarks.result_edit, name="benchmark_result_edit"),
    path(f"{_RESULT}transition/", benchmarks.result_transition, name="benchmark_result_transition"),
    path(f"{_RESULT}cite/", benchmarks.result_cite, name="benchmark_result_cite"),
]

# --- readiness ---
urlpatterns += [
    path("landscape/", landscape.landscape_page, name="landscape"),
    re_path(
        r"^landscape/export/(?P<fmt>csv|json)/$",
        landscape.landscape_export,
        name="landscape_export",
    ),
    path("landscape/assessments/new/", landscape.assessment_create, name="assessment_create"),
    path(
        "landscape/assessments/<uuid:uuid>/", landscape.assessment_detail, name="assessment_detail"
    ),
    path(
        "landscape/assessments/<uuid:uuid>/edit/",
        landscape.assessment_edit,
        name="assessment_edit",
    ),
    path(
        "landscape/assessments/<uuid:uuid>/transition/",
        landscape.assessment_transition,
        name="assessment_transition",
    ),
]
