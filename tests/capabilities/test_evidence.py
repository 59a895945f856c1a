"""Evidence, "how we know": the model's rules, who may add, edit and remove it, the pages, the
API, and that a record's evidence shows exactly where the record does."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capabilities import services
from capabilities.enums import EvidenceKind, MemberRole, Visibility
from capabilities.models import Evidence, Service
from nmiq_portal.core.exceptions import StaleEdit
from tests.factories import (
    MembershipFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
)
from tests.support import person

pytestmark = pytest.mark.django_db

FACTORIES = {"testbed": TestbedFactory, "service": ServiceFactory}
API = {"testbed": "/api/v1/testbeds/", "service": "/api/v1/services/"}
K10 = {
    "kind": EvidenceKind.COMPARISON,
    "title": "Key comparison of Josephson voltage standards at 1.018 V",
    "url": "https://www.bipm.org/kcdb/comparison?id=1381",
    "reference": "BIPM.EM-K10.a",
    "year": 2019,
}
PAPER = {
    "kind": EvidenceKind.PAPER,
    "title": "Final report of the comparison",
    "doi": "10.1088/0026-1394/51/1A/01001",
}

REFUSED = ["anonymous", "plain user", "member of another institute"]
ALLOWED = [MemberRole.EDITOR, MemberRole.ADMIN, "staff"]


def _user(role, institute):
    """A person in ``role`` towards ``institute``, an AnonymousUser for anonymous."""
    return person(role, institute) or AnonymousUser()


def _evidence(record, **data) -> Evidence:
    return services.evidence_add(actor=StaffFactory(), record=record, **{**K10, **data})


def _snapshot():
    return list(Evidence.objects.order_by("pk").values_list("pk", *services.EVIDENCE_FIELDS))


# --- The model ----------------------------------------------------------------------------------


def test_evidence_belongs_to_exactly_one_record(institute):
    testbed = TestbedFactory(institute=institute)
    service = ServiceFactory(institute=institute)
    for targets in ({}, {"testbed": testbed, "service": service}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Evidence.objects.create(**targets, **K10)


def test_evidence_without_url_doi_or_reference_is_refused_on_those_fields(institute):
    evidence = Evidence(testbed=TestbedFactory(institute=institute), kind="paper", title="A paper")
    with pytest.raises(ValidationError) as error:
        evidence.full_clean()
    assert {"url", "doi", "reference"} <= set(error.value.message_dict)
    with pytest.raises(IntegrityError), transaction.atomic():
        evidence.save()


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("doi", "10.1088/0026-1394/51/1A/01001", True),
        ("doi", "10.1038/s41586-019-1666-5", True),
        ("doi", "doi.org/10.1088/x", False),
        ("doi", "10.12/short-registrant", False),
        ("doi", "10.1088/with space", False),
        ("year", 1900, True),
        ("year", 2100, True),
        ("year", 1899, False),
        ("year", 2101, False),
    ],
)
def test_doi_and_year_are_checked(institute, field, value, valid):
    evidence = Evidence(testbed=TestbedFactory(institute=institute), **{**K10, field: value})
    if valid:
        evidence.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            evidence.full_clean()
        assert field in error.value.message_dict


def test_doi_url_is_the_doi_resolver(institute):
    evidence = Evidence(**PAPER)
    assert evidence.doi_url == "https://doi.org/10.1088/0026-1394/51/1A/01001"
    assert Evidence(**K10).doi_url == ""


# --- Services: who may add, change and remove ----------------------------------------------------


@pytest.mark.parametrize("kind", ["testbed", "service"])
@pytest.mark.parametrize("role", REFUSED)
def test_outsiders_may_not_add_change_or_remove_evidence(institute, kind, role):
    record = FACTORIES[kind](institute=institute)
    evidence = _evidence(record)
    actor = _user(role, institute)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.evidence_add(actor=actor, record=record, **PAPER)
    with pytest.raises(PermissionDenied):
        services.evidence_update(actor=actor, evidence=evidence, version=1, title="Changed")
    with pytest.raises(PermissionDenied):
        services.evidence_remove(actor=actor, evidence=evidence)
    assert _snapshot() == before


@pytest.mark.parametrize("kind", ["testbed", "service"])
@pytest.mark.parametrize("role", ALLOWED)
def test_members_and_staff_add_change_and_remove_evidence(institute, kind, role):
    record = FACTORIES[kind](institute=institute)
    actor = _user(role, institute)
    evidence = services.evidence_add(actor=actor, record=record, **PAPER)
    assert getattr(evidence, kind) == record
    changed = services.evidence_update(
        actor=actor, evidence=evidence, version=evidence.version, year=2014
    )
    assert Evidence.objects.get(pk=evidence.pk).year == changed.year == 2014
    services.evidence_remove(actor=actor, evidence=evidence)
    assert not Evidence.objects.exists()
    labels = list(evidence.history.order_by("pgh_id").values_list("pgh_label", flat=True))
    assert labels == ["insert", "update", "delete"]  # a withdrawn item stays on file


def test_service_refuses_evidence_without_a_source_on_its_fields(institute):
    record = TestbedFactory(institute=institute)
    with pytest.raises(ValidationError) as error:
        services.evidence_add(actor=StaffFactory(), record=record, kind="paper", title="A paper")
    assert "doi" in error.value.message_dict
    evidence = _evidence(record)
    with pytest.raises(ValidationError) as error:
        services.evidence_update(
            actor=StaffFactory(), evidence=evidence, version=1, doi="not a DOI"
        )
    assert "doi" in error.value.message_dict
    assert Evidence.objects.get().doi == ""


def test_an_edit_made_on_a_stale_copy_is_refused_with_what_changed(institute):
    """Regression: two editors correcting one item of evidence; the second silently
    overwrote the first."""
    evidence = _evidence(TestbedFactory(institute=institute))
    first, second = StaffFactory(), StaffFactory()
    services.evidence_update(actor=first, evidence=evidence, version=1, year=2014)
    with pytest.raises(StaleEdit) as stale:
        services.evidence_update(actor=second, evidence=evidence, version=1, year=1999)
    assert [field for field, _then, _now in stale.value.changes] == ["year"]
    stored = Evidence.objects.get()
    assert (stored.year, stored.version) == (2014, 2)


def test_the_edit_page_answers_409_with_the_editors_input_and_the_change(client, institute):
    record = TestbedFactory(institute=institute)
    evidence = _evidence(record)
    services.evidence_update(actor=StaffFactory(), evidence=evidence, version=1, year=2014)
    client.force_login(StaffFactory())
    edit = reverse("capabilities:evidence_edit", kwargs={"uuid": evidence.uuid})
    response = client.post(edit, _post_data(title="Mine", reference="CCQM-K30", version="1"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this while you were editing" in page
    assert 'value="Mine"' in page
    assert 'name="version" value="2"' in page
    assert Evidence.objects.get().title == evidence.title


# --- Views ---------------------------------------------------------------------------------------


def _add_url(record):
    kind = record._meta.model_name
    return reverse(f"capabilities:{kind}_evidence_add", kwargs={"slug": record.slug})


def _post_data(**data):
    return {
        "kind": "paper",
        "title": "Final report",
        "url": "",
        "doi": "",
        "reference": "",
        "year": "",
        "note": "",
        **data,
    }


@pytest.mark.parametrize("kind", ["testbed", "service"])
@pytest.mark.parametrize("role", REFUSED)
def test_outsiders_are_refused_by_the_evidence_pages(client, institute, kind, role):
    record = FACTORIES[kind](institute=institute)
    evidence = _evidence(record)
    user = _user(role, institute)
    if user.is_authenticated:
        client.force_login(user)
    expected = 302 if role == "anonymous" else 403  # anonymous: to the sign-in page
    before = _snapshot()
    edit = reverse("capabilities:evidence_edit", kwargs={"uuid": evidence.uuid})
    remove = reverse("capabilities:evidence_remove", kwargs={"uuid": evidence.uuid})
    assert client.get(_add_url(record)).status_code == expected
    assert client.post(_add_url(record), _post_data(doi=PAPER["doi"])).status_code == expected
    assert client.get(edit).status_code == expected
    assert client.post(edit, _post_data(reference="CHANGED")).status_code == expected
    assert client.post(remove).status_code == expected
    assert _snapshot() == before


@pytest.mark.parametrize("kind", ["testbed", "service"])
@pytest.mark.parametrize("role", ALLOWED)
def test_members_and_staff_use_the_evidence_pages(client, institute, kind, role):
    record = FACTORIES[kind](institute=institute)
    client.force_login(_user(role, institute))
    assert client.get(_add_url(record)).status_code == 200
    response = client.post(
        _add_url(record),
        _post_data(doi="https://doi.org/10.1088/0026-1394/51/1A/01001", url="www.bipm.org/x"),
    )
    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url() + "#how-we-know"
    evidence = Evidence.objects.get()
    assert (evidence.doi, evidence.url) == (
        "10.1088/0026-1394/51/1A/01001",
        "https://www.bipm.org/x",
    )
    assert getattr(evidence, kind) == record

    edit = reverse("capabilities:evidence_edit", kwargs={"uuid": evidence.uuid})
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, _post_data(title="Renamed", reference="CCQM-K30", year="2008", version="1")
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.title, evidence.reference, evidence.year, evidence.doi) == (
        "Renamed",
        "CCQM-K30",
        2008,
        "",
    )

    remove = reverse("capabilities:evidence_remove", kwargs={"uuid": evidence.uuid})
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not Evidence.objects.exists()


def test_form_without_a_source_shows_the_error_and_saves_nothing(client, institute):
    record = TestbedFactory(institute=institute)
    client.force_login(_user(MemberRole.EDITOR, institute))
    response = client.post(_add_url(record), _post_data())
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"url", "doi", "reference"}
    response = client.post(_add_url(record), _post_data(doi="10.1/bad"))
    assert "doi" in response.context["form"].errors
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_evidence_of_a_record_the_user_may_not_open_is_404(client, institute, kind):
    draft = FACTORIES[kind](institute=institute, published=False)
    evidence = _evidence(draft)
    client.force_login(MembershipFactory(role=MemberRole.ADMIN).user)  # another institute
    before = _snapshot()
    assert client.get(_add_url(draft)).status_code == 404
    assert client.post(_add_url(draft), _post_data(doi=PAPER["doi"])).status_code == 404
    edit = reverse("capabilities:evidence_edit", kwargs={"uuid": evidence.uuid})
    assert client.get(edit).status_code == 404
    remove = reverse("capabilities:evidence_remove", kwargs={"uuid": evidence.uuid})
    assert client.post(remove).status_code == 404
    assert _snapshot() == before


# --- The record pages: "How we know" --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_page_shows_how_we_know_with_links(client, institute, kind):
    record = FACTORIES[kind](institute=institute)
    _evidence(record)
    _evidence(record, **{**PAPER, "url": "", "reference": ""})
    html = client.get(record.get_absolute_url()).content.decode()
    assert 'id="how-we-know"' in html
    assert "How we know" in html
    assert 'href="https://doi.org/10.1088/0026-1394/51/1A/01001"' in html
    assert 'href="https://www.bipm.org/kcdb/comparison?id=1381"' in html
    assert "BIPM.EM-K10.a" in html
    assert "(2019)" in html
    assert "Add evidence" not in html  # the buttons are for the institute's people
    assert (
        reverse("capabilities:evidence_remove", kwargs={"uuid": Evidence.objects.first().uuid})
        not in html
    )


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_editors_see_the_buttons_and_visitors_no_empty_section(client, institute, kind):
    record = FACTORIES[kind](institute=institute)
    assert 'id="how-we-know"' not in client.get(record.get_absolute_url()).content.decode()
    evidence = _evidence(record)
    client.force_login(_user(MemberRole.EDITOR, institute))
    html = client.get(record.get_absolute_url()).content.decode()
    assert _add_url(record) in html
    assert reverse("capabilities:evidence_edit", kwargs={"uuid": evidence.uuid}) in html
    assert reverse("capabilities:evidence_remove", kwargs={"uuid": evidence.uuid}) in html


@pytest.mark.parametrize("kind", ["testbed", "service"])
@pytest.mark.parametrize("hidden", ["draft", "members only"])
def test_evidence_of_a_hidden_record_never_appears(client, api, institute, kind, hidden):
    if hidden == "draft":
        record = FACTORIES[kind](institute=institute, published=False)
    else:
        record = FACTORIES[kind](institute=institute, visibility=Visibility.MEMBERS)
    _evidence(record, title="Secret comparison")
    assert client.get(record.get_absolute_url()).status_code == 404
    assert api.get(f"{API[kind]}{record.uuid}/").status_code == 404
    assert "Secret comparison" not in api.get(API[kind]).content.decode()
    assert not Evidence.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_api_gives_the_evidence_of_a_record(api, institute, kind):
    record = FACTORIES[kind](institute=institute)
    _evidence(record, **{"doi": PAPER["doi"]})
    item = api.get(f"{API[kind]}{record.uuid}/").json()
    assert item["evidence"] == [
        {
            "kind": "comparison",
            "title": K10["title"],
            "url": K10["url"],
            "doi": PAPER["doi"],
            "doi_url": f"https://doi.org/{PAPER['doi']}",
            "reference": "BIPM.EM-K10.a",
            "year": 2019,
            "portal_url": "",
        }
    ]


# --- Query counts -------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", ["testbed", "service"])
@pytest.mark.parametrize("viewer", ["anonymous", "member of its institute"])
def test_page_queries_do_not_grow_with_evidence(client, institute, kind, viewer):
    if viewer != "anonymous":
        client.force_login(MembershipFactory(institute=institute).user)
    small, large = FACTORIES[kind](institute=institute), FACTORIES[kind](institute=institute)
    _evidence(small)
    for year in range(2010, 2016):
        _evidence(large, year=year)
    assert _queries(client, small.get_absolute_url()) == _queries(client, large.get_absolute_url())


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_api_list_queries_do_not_grow_with_evidence(api, institute, kind):
    for _ in range(12):
        record = FACTORIES[kind](institute=institute)
        _evidence(record)
        _evidence(record, **PAPER)
    assert _queries(api, f"{API[kind]}?page_size=2") == _queries(api, f"{API[kind]}?page_size=12")


# --- Demo data ------------------------------------------------------------------------------------


def test_seed_demo_cites_the_kcdb_cmcs_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    metas = Service.objects.get(institute__acronym="METAS", name__startswith="S-parameter")
    assert list(metas.evidence.values_list("reference", flat=True)) == ["EURAMET-EM-CH-00000GFB-5"]
    # The two KCDB CMCs, and NRC's citation of the comparison the outputs demo publishes.
    assert Evidence.objects.filter(output_id__isnull=True).count() == 2
    assert Evidence.objects.count() == 3
