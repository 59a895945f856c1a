from django.urls import path

from . import views

app_name = "capabilities"

urlpatterns = [
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
]
