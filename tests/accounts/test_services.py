from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from nmiq_portal.accounts import services
from nmiq_portal.accounts.models import ApiToken
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("actor", ["another person", "staff"])
def test_only_the_person_changes_their_profile(actor):
    person = UserFactory(name="Ada")
    other = UserFactory() if actor == "another person" else StaffFactory()
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=other, user=person, name="Mallory")
    person.refresh_from_db()
    assert person.name == "Ada"


def test_profile_update_validates_what_it_saves():
    person = UserFactory()
    with pytest.raises(ValidationError):
        services.profile_update(actor=person, user=person, language="xx")


@pytest.mark.parametrize("actor", ["anonymous", "inactive"])
def test_tokens_are_for_active_signed_in_people(actor):
    who = AnonymousUser() if actor == "anonymous" else UserFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=who, name="x", expiry=timedelta(days=1))
    assert not ApiToken.objects.exists()


def test_nobody_else_revokes_a_token():
    owner = UserFactory()
    token, _ = services.api_token_create(actor=owner, name="mine", expiry=timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=UserFactory(), token=token)
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_number_of_tokens_is_capped(monkeypatch):
    monkeypatch.setattr(services, "MAX_TOKENS_PER_USER", 2)
    person = UserFactory()
    for n in range(2):
        services.api_token_create(actor=person, name=f"t{n}", expiry=timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        services.api_token_create(actor=person, name="one too many", expiry=timedelta(days=1))
    assert "name" in error.value.message_dict
