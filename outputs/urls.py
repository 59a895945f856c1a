from django.urls import path

# --- guides ---
from .feeds import GuideVersionFeed
from .views import guides

app_name = "outputs"

urlpatterns = []

# --- guides ---
urlpatterns += [
    path("guides/", guides.guide_list, name="guide_list"),
    path("guides/feed/", GuideVersionFeed(), name="guide_feed"),
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
