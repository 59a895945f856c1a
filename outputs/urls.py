from django.urls import path

from . import feeds
from .views import glossary

app_name = "outputs"

urlpatterns = []

# --- glossary ---
urlpatterns += [
    path("glossary/", glossary.term_list, name="term_list"),
    path("glossary/feed/", feeds.AgreedTermsFeed(), name="term_feed"),
    path("glossary/propose/", glossary.term_propose, name="term_propose"),
    path("glossary/review/", glossary.term_review, name="term_review"),
    path("glossary/<slug:slug>/", glossary.term_detail, name="term_detail"),
    path("glossary/<slug:slug>/edit/", glossary.term_edit, name="term_edit"),
    path("glossary/<slug:slug>/transition/", glossary.term_transition, name="term_transition"),
    path("glossary/<slug:slug>/supersede/", glossary.term_supersede, name="term_supersede"),
]
