from django.urls import path

from . import feeds

# --- comparisons ---
from .views import comparisons as comparison_views

app_name = "outputs"

urlpatterns = [
    # --- comparisons ---
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
