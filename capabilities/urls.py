from django.urls import path, re_path

from . import views
from .feeds import NewServicesFeed, NewTestbedsFeed

app_name = "capabilities"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    re_path(
        r"^directory/export/(?P<fmt>csv|json)/$",
        views.directory_export,
        name="directory_export",
    ),
    path("institutes/", views.institute_list, name="institute_list"),
    path("institutes/register/", views.institute_register, name="institute_register"),
    path("institutes/<slug:slug>/", views.institute_detail, name="institute_detail"),
    path("institutes/<slug:slug>/members/", views.institute_members, name="institute_members"),
    path(
        "institutes/<slug:slug>/members/<int:pk>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path(
        "institutes/<slug:slug>/members/<int:pk>/remove/",
        views.membership_end,
        name="membership_end",
    ),
    path(
        "institutes/<slug:slug>/invitations/<uuid:uuid>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<uuid:uuid>/", views.invitation, name="invitation"),
    path("institutes/<slug:slug>/import/", views.import_start, name="import_start"),
    re_path(
        r"^import/template/(?P<kind>testbed|service)\.(?P<fmt>csv|xlsx)/$",
        views.import_template,
        name="import_template",
    ),
    path("imports/<uuid:uuid>/", views.import_detail, name="import_detail"),
    path("imports/<uuid:uuid>/apply/", views.import_apply, name="import_apply"),
    path("imports/<uuid:uuid>/progress/", views.import_progress, name="import_progress"),
    path("imports/<uuid:uuid>/records/", views.import_bulk, name="import_bulk"),
    re_path(
        r"^institutes/(?P<slug>[-\w]+)/(?P<kind>testbed|service)s/change/$",
        views.institute_bulk,
        name="institute_bulk",
    ),
    path("institutes/<slug:slug>/edit/", views.institute_edit, name="institute_edit"),
    path("institutes/<slug:slug>/testbeds/new/", views.testbed_create, name="testbed_create"),
    path("institutes/<slug:slug>/services/new/", views.service_create, name="service_create"),
    path("institutes/<slug:slug>/contacts/new/", views.contact_create, name="contact_create"),
    path("testbeds/<slug:slug>/edit/", views.testbed_edit, name="testbed_edit"),
    path("services/<slug:slug>/edit/", views.service_edit, name="service_edit"),
    path("contacts/<uuid:uuid>/edit/", views.contact_edit, name="contact_edit"),
    re_path(
        rf"^testbeds/(?P<slug>[-\w]+)/(?P<action>{views.STATE_ACTION_PATTERN})/$",
        views.testbed_state,
        name="testbed_state",
    ),
    re_path(
        rf"^services/(?P<slug>[-\w]+)/(?P<action>{views.STATE_ACTION_PATTERN})/$",
        views.service_state,
        name="service_state",
    ),
    re_path(
        rf"^contacts/(?P<uuid>[0-9a-f-]{{36}})/(?P<action>{views.STATE_ACTION_PATTERN})/$",
        views.contact_state,
        name="contact_state",
    ),
    path("markdown/preview/", views.markdown_preview, name="markdown_preview"),
    path(
        "testbeds/<slug:slug>/evidence/new/",
        views.evidence_add,
        {"kind": "testbed"},
        name="testbed_evidence_add",
    ),
    path(
        "services/<slug:slug>/evidence/new/",
        views.evidence_add,
        {"kind": "service"},
        name="service_evidence_add",
    ),
    path("evidence/<uuid:uuid>/edit/", views.evidence_edit, name="evidence_edit"),
    path("evidence/<uuid:uuid>/remove/", views.evidence_remove, name="evidence_remove"),
    # A slug never holds a dot, so no record is hidden behind a feed.
    path("testbeds/feed.atom", NewTestbedsFeed(), name="testbed_feed"),
    path("services/feed.atom", NewServicesFeed(), name="service_feed"),
    path("testbeds/<slug:slug>/", views.testbed_detail, name="testbed_detail"),
    path("services/<slug:slug>/", views.service_detail, name="service_detail"),
    path("directory/map/", views.directory_map, name="directory_map"),
    path("directory/map.json", views.directory_map_data, name="directory_map_data"),
    path(
        "testbeds/<slug:slug>/request-access/",
        views.testbed_request_access,
        name="testbed_request_access",
    ),
    path(
        "services/<slug:slug>/request-access/",
        views.service_request_access,
        name="service_request_access",
    ),
    path("testbeds/<slug:slug>/contact/", views.testbed_contact, name="testbed_contact"),
    path("services/<slug:slug>/contact/", views.service_contact, name="service_contact"),
    path("access-requests/", views.access_request_list, name="access_request_list"),
    path("access-requests/<uuid:uuid>/", views.access_request, name="access_request"),
    path(
        "access-requests/<uuid:uuid>/message/",
        views.access_request_comment,
        name="access_request_comment",
    ),
    path(
        "access-requests/<uuid:uuid>/withdraw/",
        views.access_request_withdraw,
        name="access_request_withdraw",
    ),
    path(
        "access-requests/<uuid:uuid>/<slug:action>/",
        views.access_request_answer,
        name="access_request_answer",
    ),
    path("saved-searches/", views.saved_search_list, name="saved_search_list"),
    path("saved-searches/new/", views.saved_search_create, name="saved_search_create"),
    path(
        "saved-searches/<uuid:uuid>/delete/",
        views.saved_search_delete,
        name="saved_search_delete",
    ),
    path(
        "saved-searches/<uuid:uuid>/alerts/",
        views.saved_search_alerts,
        name="saved_search_alerts",
    ),
]
