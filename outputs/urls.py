from django.urls import path  # noqa: F401 - each kind adds its pages below

app_name = "outputs"

urlpatterns = []
