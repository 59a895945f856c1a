from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<uuid:uuid>/revoke/", views.token_revoke, name="token_revoke"),
    path("profile/data/", views.personal_data, name="personal_data"),
    path("profile/delete/", views.account_delete, name="delete"),
    path("language/", views.switch_language, name="switch_language"),
]
