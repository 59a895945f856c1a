"""A person downloads what the portal holds about them and deletes their account: what is theirs
alone goes, what their institutes and the workflows recorded stays, attributed to a removed
user."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from capabilities import models as records
from capabilities import services as directory
from capabilities.enums import MemberRole
from collaborations.models import Project
from nmiq_portal.accounts import services
from nmiq_portal.accounts.models import ApiToken
from nmiq_portal.notifications.enums import EmailState
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from nmiq_portal.workflow.models import WorkflowEvent
from tests.collaborations.factories import ProjectFactory, TechnicalWorkingAreaFactory
from tests.factories import (
    PASSWORD,
    InstituteFactory,
    MembershipFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DATA = reverse("accounts:personal_data")
DELETE = reverse("accounts:delete")


@pytest.fixture
def person():
    """A member of an institute with a testbed, a proposal, a saved search, a token, a
    notification and an e-mail waiting in the outbox."""
    user = UserFactory(name="Ada Person", email="ada@ptb.example")
    institute = InstituteFactory(acronym="PTB")
    MembershipFactory(user=user, institute=institute, role=MemberRole.ADMIN)
    TestbedFactory(institute=institute, name="Dilution refrigerator")
    ProjectFactory(
        twa=TechnicalWorkingAreaFactory(), lead_institute=institute, proposer=user, title="Q-Ref"
    )
    directory.saved_search_create(actor=user, name="Fridges", query="q=fridge")
    services.api_token_create(actor=user, name="sync", expiry=None)
    Notification.objects.create(recipient=user, verb="test", data={"x": 1})
    OutgoingEmail.objects.create(to=user.email, subject="Hello", body="Hi")
    return user


def test_the_download_holds_what_the_portal_knows_about_the_person_and_no_secret(client, person):
    other = UserFactory(email="someone@else.example")
    directory.saved_search_create(actor=other, name="Not mine", query="q=x")
    client.force_login(person)
    response = client.get(DATA)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["email"] == "ada@ptb.example"
    assert [m["institute"] for m in data["memberships"]] == ["PTB"]
    assert [s["name"] for s in data["saved_searches"]] == ["Fridges"]
    assert [p["title"] for p in data["proposals"]] == ["Q-Ref"]
    assert "test" in [n["verb"] for n in data["notifications"]]
    assert [t["name"] for t in data["api_tokens"]] == ["sync"]
    text = response.content.decode()
    token = ApiToken.objects.get(user=person)
    assert token.digest not in text
    assert token.token_key not in text
    assert "Not mine" not in text
    assert "someone@else.example" not in text


def test_nobody_else_downloads_or_deletes_a_persons_data_not_even_staff(client, person):
    staff = StaffFactory()
    with pytest.raises(PermissionDenied):
        services.personal_data_export(actor=staff, user=person)
    with pytest.raises(PermissionDenied):
        services.account_delete(actor=staff, user=person, confirmation=person.email)
    person.refresh_from_db()
    assert person.is_active
    assert person.removed_at is None
    assert client.get(DATA).status_code == 302  # anonymous: to the sign-in page
    assert client.get(DELETE).status_code == 302


def test_a_wrong_confirmation_deletes_nothing_and_says_why_on_the_field(client, person):
    client.force_login(person)
    response = client.post(DELETE, {"confirmation": "ada@ptb.exampl"})
    assert response.status_code == 400
    assert "Error:" in response.content.decode().split("</title>")[0]
    assert "Type your e-mail address exactly" in response.content.decode()
    person.refresh_from_db()
    assert person.is_active
    with pytest.raises(ValidationError):
        services.account_delete(actor=person, user=person, confirmation="")


def test_deleting_removes_what_is_theirs_and_keeps_what_the_institute_recorded(client, person):
    other_session = type(client)()
    other_session.force_login(person)
    client.force_login(person)
    events_before = WorkflowEvent.objects.filter(actor=person).count()
    response = client.post(DELETE, {"confirmation": " ADA@ptb.example "})
    assert response.status_code == 302

    removed = get_user_model().objects.get(pk=person.pk)
    assert removed.removed_at is not None
    assert not removed.is_active
    assert str(removed) == "Removed user"
    assert "ada" not in removed.email
    assert removed.name == ""
    assert not removed.has_usable_password()
    for model, lookup in (
        (records.Membership, "user"),
        (records.SavedSearch, "user"),
        (ApiToken, "user"),
        (Notification, "recipient"),
    ):
        assert not model.objects.filter(**{lookup: removed}).exists(), model.__name__
    assert (
        not OutgoingEmail.objects.filter(to="ada@ptb.example")
        .exclude(state=EmailState.SENT)
        .exists()
    )
    # The institute's records, the proposal and the history stay, attributed to a removed user.
    assert records.Testbed.objects.filter(name="Dilution refrigerator").exists()
    assert str(Project.objects.get(title="Q-Ref").proposer) == "Removed user"
    assert WorkflowEvent.objects.filter(actor=removed).count() == events_before
    # Signed out everywhere, and cannot sign in again.
    assert other_session.get(reverse("accounts:profile")).status_code == 302
    client.post(reverse("account_login"), {"login": "ada@ptb.example", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
