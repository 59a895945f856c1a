"""Every admin page opens for a superuser; those that only show (the ReadOnly ones) refuse to
add, change or delete even to a superuser, whose every other permission is granted."""

import pytest
from django.contrib import admin
from django.urls import reverse

from nmiq_portal.core.admin import ReadOnly
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.label, model_admin) for model, model_admin in admin.site._registry.items()
)
SHOWN_ONLY = [
    (label, model_admin) for label, model_admin in REGISTERED if isinstance(model_admin, ReadOnly)
]


def _url(model_admin, page: str, *args) -> str:
    meta = model_admin.model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{page}", args=args)


@pytest.fixture
def superuser(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("label", "model_admin"), REGISTERED, ids=[label for label, _ in REGISTERED]
)
def test_every_admin_list_opens(superuser, label, model_admin):
    assert superuser.get(_url(model_admin, "changelist")).status_code == 200


@pytest.mark.parametrize(
    ("label", "model_admin"), SHOWN_ONLY, ids=[label for label, _ in SHOWN_ONLY]
)
def test_a_shown_only_admin_refuses_to_add_to_a_superuser(superuser, label, model_admin):
    assert superuser.get(_url(model_admin, "add")).status_code == 403
    assert superuser.post(_url(model_admin, "add"), {}).status_code == 403


def test_the_shown_only_admins_are_those_of_the_workflow_and_the_records():
    labels = {label for label, _ in SHOWN_ONLY}
    assert {
        "workflow.WorkflowEvent",
        "capabilities.Membership",
        "capabilities.AccessRequest",
        "collaborations.Project",
    } <= labels
