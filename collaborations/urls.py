from django.urls import path

from . import views
from .feeds import ApprovedProjectsFeed, NewNeedsFeed

app_name = "collaborations"

urlpatterns = [
    path("twas/", views.twa_list, name="twa_list"),
    path("twas/<slug:slug>/", views.twa_detail, name="twa_detail"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/feed.atom", ApprovedProjectsFeed(), name="project_feed"),
    path("projects/propose/", views.project_create, name="project_create"),
    path("projects/<slug:slug>/", views.project_detail, name="project_detail"),
    path("projects/<slug:slug>/edit/", views.project_edit, name="project_edit"),
    path("projects/<slug:slug>/transition/", views.project_transition, name="project_transition"),
    path("projects/<slug:slug>/review/", views.project_review, name="project_review"),
    path(
        "projects/<slug:slug>/final-report/",
        views.project_final_report,
        name="project_final_report",
    ),
    path("deliverables/<int:pk>/done/", views.deliverable_done, name="deliverable_done"),
    path("projects/<slug:slug>/join/", views.participation_request, name="participation_request"),
    path("projects/<slug:slug>/invite/", views.participation_invite, name="participation_invite"),
    path(
        "participations/<int:pk>/transition/",
        views.participation_transition,
        name="participation_transition",
    ),
    path("review/", views.review_queue, name="review_queue"),
    path("needs/", views.need_list, name="need_list"),
    path("needs/feed.atom", NewNeedsFeed(), name="need_feed"),
    path("needs/areas/<slug:area>/feed.atom", NewNeedsFeed(), name="need_area_feed"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/subscriptions/", views.need_subscriptions, name="need_subscriptions"),
    path("needs/<slug:slug>/", views.need_detail, name="need_detail"),
    path("needs/<slug:slug>/edit/", views.need_edit, name="need_edit"),
    path("needs/<slug:slug>/answer/", views.need_answer, name="need_answer"),
    path("needs/<slug:slug>/met/", views.need_met, name="need_met"),
    path("needs/<slug:slug>/close/", views.need_close, name="need_close"),
]
