import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from capabilities import services
from capabilities.enums import MemberRole
from capabilities.models import Institute, Membership
from capabilities.services import institutes
from nmiq_portal.notifications.models import Notification
from tests.factories import InstituteFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("capabilities:institute_register")
KRISS = {
    "name": "Korea Research Institute of Standards and Science",
    "acronym": "KRISS",
    "kind": "nmi",
    "economy": "KR",
    "rmo": "APMP",
    "website": "https://www.kriss.re.kr",
    "description": "Quantum metrology: single-photon sources, cryogenic current comparators.",
}


def test_registering_makes_an_unverified_institute_with_its_registrant_as_admin(client):
    staff = StaffFactory()
    person = UserFactory(name="Ji-won Kim")
    client.force_login(person)
    response = client.post(REGISTER, {**KRISS, "website": "www.kriss.re.kr"})
    institute = Institute.objects.get(acronym="KRISS")
    assert response.status_code == 302
    assert response.url == institute.get_absolute_url()
    assert institute.slug.startswith("kriss--"), "provisional until staff verify it"
    assert not institute.verified
    assert institute.website == "https://www.kriss.re.kr"
    assert Membership.objects.get(institute=institute).user == person
    assert Membership.objects.get(institute=institute).role == MemberRole.ADMIN
    notification = Notification.objects.get(recipient=staff)
    assert notification.title == "Ji-won Kim registered KRISS; it waits for verification"
    assert notification.url == reverse("admin:capabilities_institute_change", args=[institute.pk])
    assert client.get(institute.get_absolute_url()).status_code == 200
    assert institute not in Institute.objects.public()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.post(REGISTER, KRISS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Institute.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rmo": ""}, "rmo"),
        ({"kind": "industry_consortium"}, "rmo"),
        ({"economy": "XX"}, "economy"),
        ({"acronym": ""}, "acronym"),
        ({"website": "not a url"}, "website"),
    ],
)
def test_invalid_registration_names_the_field_and_creates_nothing(client, change, field):
    client.force_login(UserFactory())
    response = client.post(REGISTER, {**KRISS, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Institute.objects.exists()
    assert not Membership.objects.exists()


def test_a_verified_institutes_acronym_is_refused_whatever_its_case(client):
    InstituteFactory(acronym="KRISS")
    client.force_login(UserFactory())
    response = client.post(REGISTER, {**KRISS, "acronym": "kriss"})
    assert "acronym" in response.context["form"].errors
    assert Institute.objects.count() == 1


def test_registering_tells_nothing_of_an_unverified_namesake(client):
    """Neither a refusal nor the slug reveals that an institute nobody may see yet exists."""
    hidden = services.institute_register(actor=UserFactory(), **KRISS)
    client.force_login(UserFactory())
    response = client.post(REGISTER, {**KRISS, "acronym": "kriss"})
    assert response.status_code == 302
    mine = Institute.objects.exclude(pk=hidden.pk).get()
    assert mine.slug.startswith("kriss--")
    assert mine.slug != hidden.slug


def test_verifying_gives_the_readable_slug_and_refuses_a_verified_namesake():
    staff, person = StaffFactory(), UserFactory()
    first = services.institute_register(actor=person, **{**KRISS, "acronym": "Q-Star"})
    second = services.institute_register(actor=person, **{**KRISS, "acronym": "QStar"})
    third = services.institute_register(actor=UserFactory(), **{**KRISS, "acronym": "Q Star"})
    namesake = services.institute_register(actor=UserFactory(), **{**KRISS, "acronym": "qstar"})
    verified = [
        services.institute_set_verified(actor=staff, institute=institute, verified=True)
        for institute in (first, second, third)
    ]
    assert [institute.slug for institute in verified] == ["q-star", "qstar", "q-star-2"]
    with pytest.raises(ValidationError) as refused:
        services.institute_set_verified(actor=staff, institute=namesake, verified=True)
    assert "acronym" in refused.value.message_dict
    namesake.refresh_from_db()
    assert not namesake.verified


def test_one_person_cannot_flood_the_verification_queue(monkeypatch):
    monkeypatch.setattr(institutes, "MAX_PENDING_REGISTRATIONS", 1)
    person = UserFactory()
    services.institute_register(actor=person, **KRISS)
    with pytest.raises(ValidationError):
        services.institute_register(actor=person, **{**KRISS, "acronym": "KRISS2"})
    assert Institute.objects.count() == 1


@pytest.mark.parametrize("actor", ["plain user", "editor", "admin of another institute"])
def test_only_its_admins_and_staff_change_an_institute(actor):
    institute = InstituteFactory(name="Old name")
    user = {
        "plain user": UserFactory,
        "editor": lambda: MembershipFactory(institute=institute, role=MemberRole.EDITOR).user,
        "admin of another institute": lambda: MembershipFactory(role=MemberRole.ADMIN).user,
    }[actor]()
    with pytest.raises(PermissionDenied):
        services.institute_update(actor=user, institute=institute, name="New name")
    institute.refresh_from_db()
    assert institute.name == "Old name"
    admin = MembershipFactory(institute=institute, role=MemberRole.ADMIN).user
    services.institute_update(actor=admin, institute=institute, name="New name")
    institute.refresh_from_db()
    assert institute.name == "New name"


def test_verification_and_deletion_are_for_staff_only():
    institute = InstituteFactory(verified=False)
    admin = MembershipFactory(institute=institute, role=MemberRole.ADMIN).user
    with pytest.raises(PermissionDenied):
        services.institute_delete(actor=admin, institute=institute)
    with pytest.raises(PermissionDenied):
        services.institute_create(actor=admin, **KRISS)
    services.institute_delete(actor=StaffFactory(), institute=institute)
    assert not Institute.objects.exists()


class TestAdmin:
    """The admin is staff's door, and goes through the same services."""

    INLINE = {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}

    def test_staff_add_an_institute_through_the_admin(self, client):
        client.force_login(StaffFactory(is_superuser=True))
        response = client.post(
            reverse("admin:capabilities_institute_add"), {**KRISS, "slug": "kriss", **self.INLINE}
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        institute = Institute.objects.get()
        assert (institute.acronym, institute.verified) == ("KRISS", False)

    def test_admin_edit_reports_the_rmo_rule_on_its_field(self, client):
        institute = InstituteFactory(acronym="NIST", slug="nist", economy="US", rmo="SIM")
        client.force_login(StaffFactory(is_superuser=True))
        url = reverse("admin:capabilities_institute_change", args=[institute.pk])
        data = {**KRISS, "acronym": "NIST", "slug": "nist", "rmo": "", **self.INLINE}
        response = client.post(url, data)
        assert response.status_code == 200
        assert "rmo" in response.context["adminform"].form.errors
        institute.refresh_from_db()
        assert institute.rmo == "SIM"

    def test_verify_action(self, client):
        institute = InstituteFactory(verified=False)
        client.force_login(StaffFactory(is_superuser=True))
        client.post(
            reverse("admin:capabilities_institute_changelist"),
            {"action": "verify", "_selected_action": [institute.pk]},
        )
        institute.refresh_from_db()
        assert institute.verified

    def test_verify_action_reports_a_refusal_and_verifies_the_others(self, client):
        InstituteFactory(acronym="KRISS")
        namesake = InstituteFactory(acronym="kriss", slug="kriss-x", verified=False)
        other = InstituteFactory(verified=False)
        client.force_login(StaffFactory(is_superuser=True))
        response = client.post(
            reverse("admin:capabilities_institute_changelist"),
            {"action": "verify", "_selected_action": [namesake.pk, other.pk]},
            follow=True,
        )
        shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
        assert ("success", "1 institute changed.") in shown
        assert any(level == "error" and "kriss" in text for level, text in shown), shown
        namesake.refresh_from_db()
        other.refresh_from_db()
        assert (namesake.verified, other.verified) == (False, True)

    def test_staff_edit_an_institute_through_the_admin(self, client):
        institute = InstituteFactory(acronym="NIST", slug="nist", economy="US", rmo="SIM")
        client.force_login(StaffFactory(is_superuser=True))
        url = reverse("admin:capabilities_institute_change", args=[institute.pk])
        data = {**KRISS, "acronym": "NIST", "slug": "nist", "economy": "US", "rmo": "SIM"}
        response = client.post(url, {**data, **self.INLINE})
        assert response.status_code == 302
        institute.refresh_from_db()
        assert institute.name == KRISS["name"]
