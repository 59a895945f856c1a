import pytest
from django.urls import reverse

from capabilities import services
from capabilities.enums import InstituteKind
from capabilities.models import Institute
from tests.factories import InstituteFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("capabilities:institute_list")


@pytest.fixture
def unverified():
    return InstituteFactory(acronym="NEWLAB", verified=False)


def test_public_is_only_verified_institutes(unverified):
    verified = InstituteFactory()
    assert list(Institute.objects.public()) == [verified]


def test_unverified_institute_is_visible_to_its_members_and_staff_only(unverified):
    member = MembershipFactory(institute=unverified).user
    assert unverified in Institute.objects.visible_to(member)
    assert unverified in Institute.objects.visible_to(StaffFactory())
    assert unverified not in Institute.objects.visible_to(UserFactory())
    assert unverified not in Institute.objects.visible_to(MembershipFactory().user)


@pytest.mark.parametrize("viewer", ["anonymous", "plain user", "member of another institute"])
def test_unverified_institute_does_not_leak_through_pages(client, unverified, viewer):
    if viewer == "plain user":
        client.force_login(UserFactory())
    elif viewer == "member of another institute":
        client.force_login(MembershipFactory().user)
    assert client.get(unverified.get_absolute_url()).status_code == 404
    listing = client.get(LIST_URL)
    assert b"NEWLAB" not in listing.content
    home = client.get(reverse("home"))
    counted = home.context["sections"][0]["counts"]["institutes"]
    assert counted == Institute.objects.filter(verified=True).count()


def test_member_sees_their_unverified_institute_marked_as_such(client, unverified):
    client.force_login(MembershipFactory(institute=unverified).user)
    response = client.get(unverified.get_absolute_url())
    assert response.status_code == 200
    assert "not verified" in response.content.decode()


def test_filters_narrow_the_list(client):
    InstituteFactory(
        acronym="NIST", name="National Institute of Standards", economy="US", rmo="SIM"
    )
    InstituteFactory(acronym="PTB", name="Physikalisch-Technische Bundesanstalt", economy="DE")
    InstituteFactory(
        acronym="QED-C",
        name="Quantum Economic Development Consortium",
        economy="US",
        kind=InstituteKind.INDUSTRY_CONSORTIUM,
        rmo="",
    )

    def acronyms(query):
        response = client.get(LIST_URL, query)
        return [i.acronym for i in response.context["page"].object_list]

    assert acronyms({"economy": "US"}) == ["NIST", "QED-C"]
    assert acronyms({"economy": "US", "kind": "nmi"}) == ["NIST"]
    assert acronyms({"rmo": ["SIM", "EURAMET"]}) == ["NIST", "PTB"]
    assert acronyms({"q": "technische"}) == ["PTB"]
    assert acronyms({"q": "TECHNÍSCHE"}) == ["PTB"], "the name search ignores accents and case"


def test_invalid_filter_shows_the_reason_without_a_500(client):
    InstituteFactory()
    response = client.get(LIST_URL, {"rmo": "NOPE"})
    assert response.status_code == 200
    assert "rmo" in response.context["filter"].errors


def test_htmx_request_gets_only_the_results(client):
    InstituteFactory(acronym="NPL")
    response = client.get(LIST_URL, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"NPL" in response.content


def test_list_page_queries_are_constant_in_page_size(client, django_assert_num_queries):
    InstituteFactory.create_batch(3)
    with django_assert_num_queries(3) as few:  # economies on offer, count, page
        client.get(LIST_URL)
    InstituteFactory.create_batch(40)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(LIST_URL)


def test_detail_page_for_a_member_uses_few_queries(client, django_assert_max_num_queries):
    membership = MembershipFactory()
    client.force_login(membership.user)
    # session, user, institute, its testbeds, services and contacts, roles, history, inbox count,
    # the requests it received, its projects (the collaborations section), and the menu's "do
    # they coordinate a working area?"
    with django_assert_max_num_queries(12):
        assert client.get(membership.institute.get_absolute_url()).status_code == 200


def test_staff_verifies_an_institute_through_the_service(unverified):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.institute_set_verified(
            actor=MembershipFactory(institute=unverified, role="admin").user,
            institute=unverified,
            verified=True,
        )
    services.institute_set_verified(actor=StaffFactory(), institute=unverified, verified=True)
    unverified.refresh_from_db()
    assert unverified.verified


def test_rmo_is_required_for_nmis_and_refused_for_partners():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        InstituteFactory.build(kind=InstituteKind.NMI, rmo="").full_clean()
    with pytest.raises(ValidationError):
        InstituteFactory.build(kind=InstituteKind.INDUSTRY_CONSORTIUM, rmo="SIM").full_clean()
    InstituteFactory.build(kind=InstituteKind.INDUSTRY_CONSORTIUM, rmo="").full_clean()


def test_acronyms_are_unique_whatever_the_case():
    from django.db import IntegrityError

    InstituteFactory(acronym="NPL")
    with pytest.raises(IntegrityError):
        InstituteFactory(acronym="npl", slug="npl-2")
