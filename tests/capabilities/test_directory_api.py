"""The read API of the directory: /api/v1/testbeds/, services/, contacts/, technology-areas/."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from capabilities import models, services
from capabilities.enums import UncertaintyMode, Visibility
from capabilities.models import Contact, ReadinessLevel, Service, TechnologyArea
from nmiq_portal.accounts import services as account_services
from tests import factories
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    StaffFactory,
    UserFactory,
)
from tests.support import shared_data

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "testbed": "/api/v1/testbeds/",
    "service": "/api/v1/services/",
    "contact": "/api/v1/contacts/",
}
FACTORIES = {
    "testbed": factories.TestbedFactory,
    "service": ServiceFactory,
    "contact": ContactFactory,
}


# --- Who sees what ------------------------------------------------------------------------------


@pytest.fixture
def home():
    return InstituteFactory(acronym="HOME")


def _record(kind, case, home):
    """One record of ``kind`` in the situation ``case``."""
    factory = FACTORIES[kind]
    extra = {}
    if case in ("members", "institute"):
        extra["visibility"] = case
    if case == "unverified":
        return factory(institute=InstituteFactory(verified=False), name="Record unverified")
    record = factory(institute=home, published=case != "draft", name=f"Record {case}", **extra)
    if case == "retired":
        record = services.record_retire(actor=StaffFactory(), record=record)
    return record


def _viewer(who, home):
    return {
        "anonymous": lambda: None,
        "plain user": UserFactory,
        "member of another verified institute": lambda: MembershipFactory().user,
        "member of an unverified institute": lambda: (
            MembershipFactory(institute=InstituteFactory(verified=False)).user
        ),
        "own member": lambda: MembershipFactory(institute=home).user,
        "staff": StaffFactory,
    }[who]()


VIEWERS = [
    "anonymous",
    "plain user",
    "member of another verified institute",
    "member of an unverified institute",
    "own member",
    "staff",
]
ANYONE = set(VIEWERS)
PEERS = {"member of another verified institute", "own member", "staff"}
OWN = {"own member", "staff"}
#: case -> who sees it
SEEN_BY = {
    "public": ANYONE,
    "members": PEERS,
    "institute": OWN,
    "draft": OWN,
    "retired": OWN,
    "unverified": {"staff"},
}
CONTACT_CASES = ["public", "draft", "retired", "unverified"]  # contacts have no visibility

MATRIX = [
    (kind, case, viewer)
    for kind in ("testbed", "service", "contact")
    for case in (SEEN_BY if kind != "contact" else CONTACT_CASES)
    for viewer in VIEWERS
]


@pytest.mark.parametrize(("kind", "case", "viewer"), MATRIX)
def test_visibility_matrix_for_list_and_detail(api, home, kind, case, viewer):
    record = _record(kind, case, home)
    user = _viewer(viewer, home)
    if user is not None:
        api.force_authenticate(user)
    seen = viewer in SEEN_BY[case]

    listed = api.get(ENDPOINTS[kind])
    assert listed.status_code == 200
    uuids = {item["uuid"] for item in listed.json()["results"]}
    assert (str(record.uuid) in uuids) is seen

    detail = api.get(f"{ENDPOINTS[kind]}{record.uuid}/")
    assert detail.status_code == (200 if seen else 404)
    if not seen:
        assert detail["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_the_api_answers_exactly_what_visible_to_lets_through(api, home, kind):
    """Same door as the pages: the list is the model's ``visible_to`` set, nothing more."""
    for case in SEEN_BY:
        _record(kind, case, home)
    model = {"testbed": models.Testbed, "service": Service}[kind]
    for user in (
        None,
        UserFactory(),
        MembershipFactory().user,
        MembershipFactory(institute=home).user,
    ):
        api.force_authenticate(user)
        expected = model.objects.visible_to(user or AnonymousUser())
        response = api.get(ENDPOINTS[kind])
        assert {item["uuid"] for item in response.json()["results"]} == {
            str(u) for u in expected.values_list("uuid", flat=True)
        }


def test_a_personal_token_opens_members_only_records(api, home):
    record = _record("testbed", "members", home)
    url = f"{ENDPOINTS['testbed']}{record.uuid}/"
    assert api.get(url).status_code == 404
    peer = MembershipFactory().user
    _token, secret = account_services.api_token_create(
        actor=peer, name="sync", expiry=timedelta(days=30)
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.get(url)
    assert response.status_code == 200
    assert response.json()["visibility"] == "members"


def test_a_session_opens_own_drafts(client, home):
    draft = _record("service", "draft", home)
    client.force_login(MembershipFactory(institute=home).user)
    response = client.get(f"{ENDPOINTS['service']}{draft.uuid}/")
    assert response.status_code == 200
    assert response.json()["published"] is False


def test_service_does_not_reveal_a_testbed_its_reader_may_not_see(api, home):
    hidden = factories.TestbedFactory(institute=home, visibility=Visibility.INSTITUTE)
    service = ServiceFactory(institute=home, testbed=hidden)
    url = f"{ENDPOINTS['service']}{service.uuid}/"
    assert api.get(url).json()["testbed"] is None
    api.force_authenticate(MembershipFactory(institute=home).user)
    assert api.get(url).json()["testbed"] == str(hidden.uuid)


def test_records_list_only_contacts_their_reader_may_see(api, home):
    listed = ContactFactory(institute=home, name="Listed")
    draft = ContactFactory(institute=home, name="Draft", published=False)
    testbed = factories.TestbedFactory(institute=home, contacts=[listed, draft])
    url = f"{ENDPOINTS['testbed']}{testbed.uuid}/"
    assert api.get(url).json()["contacts"] == [str(listed.uuid)]
    api.force_authenticate(MembershipFactory(institute=home).user)
    assert api.get(url).json()["contacts"] == [str(draft.uuid), str(listed.uuid)]


# --- Contacts: e-mail for signed-in clients only ------------------------------------------------


def test_contact_email_is_left_out_for_anonymous_clients(api):
    contact = ContactFactory(email="ada@nmi.example.org", phone="+49 531 592 0")
    for url in (ENDPOINTS["contact"], f"{ENDPOINTS['contact']}{contact.uuid}/"):
        data = api.get(url).json()
        item = data["results"][0] if "results" in data else data
        assert "email" not in item
        assert item["phone"] == "+49 531 592 0"
        assert "ada@nmi.example.org" not in str(data)


@pytest.mark.parametrize("viewer", ["plain user", "member of another verified institute", "staff"])
def test_contact_email_is_given_to_authenticated_clients(api, viewer):
    contact = ContactFactory(email="ada@nmi.example.org")
    api.force_authenticate(_viewer(viewer, contact.institute))
    data = api.get(f"{ENDPOINTS['contact']}{contact.uuid}/").json()
    assert data["email"] == "ada@nmi.example.org"


def test_contact_representation(api):
    contact = ContactFactory(name="Ada Lovelace", function="Head of quantum metrology")
    data = api.get(f"{ENDPOINTS['contact']}{contact.uuid}/").json()
    assert data["name"] == "Ada Lovelace"
    assert data["function"] == "Head of quantum metrology"
    assert data["url"] == f"http://testserver{ENDPOINTS['contact']}{contact.uuid}/"
    assert data["html_url"] == f"http://testserver{contact.get_absolute_url()}"
    assert data["institute"] == {
        "uuid": str(contact.institute.uuid),
        "acronym": contact.institute.acronym,
        "name": contact.institute.name,
        "url": f"http://testserver/api/v1/institutes/{contact.institute.uuid}/",
    }


def test_contacts_filter_by_institute_and_name(api):
    ptb = InstituteFactory(acronym="PTB", slug="ptb")
    ContactFactory(institute=ptb, name="Ada Lovelace")
    ContactFactory(institute=ptb, name="Émilie du Châtelet")
    ContactFactory(name="Grace Hopper")

    def names(query):
        return [item["name"] for item in api.get(ENDPOINTS["contact"], query).json()["results"]]

    assert names({"institute": "ptb"}) == ["Ada Lovelace", "Émilie du Châtelet"]
    assert names({"q": "chatelet"}) == ["Émilie du Châtelet"]
    assert len(names({"q": "head of quantum"})) == 3


# --- What a testbed and a service look like -----------------------------------------------------


def test_testbed_representation(api, client):
    cryogenics = TechnologyArea.objects.get(slug="cryogenics")
    trl = ReadinessLevel.objects.get(scale__slug="trl", level=6)
    testbed = factories.TestbedFactory(
        name="Millikelvin microwave testbed",
        summary="S-parameters of cryogenic components.",
        description="# Setup\n\nA *dilution* refrigerator.<script>alert(1)</script>",
        technology_areas=[cryogenics],
        access_modes=["on_site", "send_in"],
        audiences=["industry", "academia"],
        si_traceable=True,
        quantities=["attenuation", "noise temperature"],
        readiness=trl,
        city="Braunschweig",
        latitude=52.29,
        longitude=10.46,
        links=[{"title": "Paper", "url": "https://doi.org/10.1000/1"}],
        temperature_min_k=0.01,
        temperature_max_k=300,
        frequency_min_hz=4e9,
    )
    data = api.get(f"{ENDPOINTS['testbed']}{testbed.uuid}/").json()
    assert data["uuid"] == str(testbed.uuid)
    assert data["url"] == f"http://testserver/api/v1/testbeds/{testbed.uuid}/"
    assert client.get(data["html_url"].removeprefix("http://testserver")).status_code == 200
    assert data["name"] == "Millikelvin microwave testbed"
    assert data["summary"] == "S-parameters of cryogenic components."
    assert data["description"].startswith("# Setup")
    assert "<em>dilution</em>" in data["description_html"]
    assert "<script" not in data["description_html"]
    assert data["institute"]["acronym"] == testbed.institute.acronym
    assert data["technology_areas"] == ["cryogenics"]
    assert data["access_modes"] == ["on_site", "send_in"]
    assert data["audiences"] == ["industry", "academia"]
    assert data["si_traceable"] is True
    assert data["status"] == "operational"
    assert data["visibility"] == "public"
    assert data["published"] is True
    assert data["operating_ranges"] == {
        "temperature": {"min": 0.01, "max": 300.0, "unit": "K"},
        "frequency": {"min": 4e9, "max": None, "unit": "Hz"},
        "wavelength": None,
    }
    assert data["location"] == {"city": "Braunschweig", "latitude": 52.29, "longitude": 10.46}
    assert data["links"] == [{"title": "Paper", "url": "https://doi.org/10.1000/1"}]
    assert data["quantities"] == ["attenuation", "noise temperature"]
    assert data["readiness"] == {"scale": "trl", "level": 6, "name": trl.name}


def test_testbed_without_optional_parts_gives_nulls(api):
    testbed = factories.TestbedFactory()
    data = api.get(f"{ENDPOINTS['testbed']}{testbed.uuid}/").json()
    assert data["readiness"] is None
    assert data["location"] is None
    assert data["operating_ranges"] == {"temperature": None, "frequency": None, "wavelength": None}
    assert data["links"] == []


def test_service_representation_is_shaped_like_a_kcdb_cmc(api, client):
    institute = InstituteFactory()
    testbed = factories.TestbedFactory(institute=institute)
    service = ServiceFactory(
        institute=institute,
        name="Optical power in single-mode fibre",
        kind="calibration",
        quantity="Optical power",
        range_lower=1,
        range_upper=10,
        range_unit="mW",
        uncertainty_mode=UncertaintyMode.RELATIVE,
        uncertainty_lower=0.5,
        uncertainty_upper=1.2,
        uncertainty_unit="%",
        coverage_factor=2,
        confidence_level=95,
        method="Calorimetric",
        parameters=[{"name": "Wavelength", "value": "1550 nm"}],
        traceability="Cryogenic radiometer",
        lead_time="4 to 6 weeks",
        charging="commercial",
        kcdb_code="EURAMET-PR-DE-00000ABC-1",
        wavelength_min_nm=1500,
        wavelength_max_nm=1600,
        testbed=testbed,
    )
    data = api.get(f"{ENDPOINTS['service']}{service.uuid}/").json()
    assert client.get(data["html_url"].removeprefix("http://testserver")).status_code == 200
    assert data["kind"] == "calibration"
    assert data["quantity"] == "Optical power"
    assert data["range"] == {
        "lower": 1.0,
        "upper": 10.0,
        "unit": "mW",
        "base_lower": pytest.approx(0.001),
        "base_upper": pytest.approx(0.01),
        "base_unit": service.range_base_unit,
    }
    assert data["uncertainty"] == {
        "mode": "relative",
        "lower": 0.5,
        "upper": 1.2,
        "unit": "%",
        "equation": "",
        "table": "",
        "coverage_factor": 2.0,
        "confidence_level": 95.0,
        # As the KCDB's cmcUncertaintyBaseUnit: the relative uncertainty at each end, in W.
        "base_lower": pytest.approx(0.5e-2 * 0.001),
        "base_upper": pytest.approx(1.2e-2 * 0.01),
        "base_unit": service.range_base_unit,
    }
    assert data["method"] == "Calorimetric"
    assert data["parameters"] == [{"name": "Wavelength", "value": "1550 nm"}]
    assert data["traceability"] == "Cryogenic radiometer"
    assert data["lead_time"] == "4 to 6 weeks"
    assert data["charging"] == "commercial"
    assert data["kcdb_code"] == "EURAMET-PR-DE-00000ABC-1"
    assert data["testbed"] == str(testbed.uuid)
    assert data["status"] == "offered"
    assert data["operating_ranges"]["wavelength"] == {"min": 1500.0, "max": 1600.0, "unit": "nm"}


def test_service_without_a_range_gives_null(api):
    service = ServiceFactory()
    data = api.get(f"{ENDPOINTS['service']}{service.uuid}/").json()
    assert data["range"] is None
    assert data["testbed"] is None
    assert data["uncertainty"]["mode"] == "absolute"


# --- Filters, sort, pagination ------------------------------------------------------------------


def _names(api, kind, query):
    response = api.get(ENDPOINTS[kind], query)
    assert response.status_code == 200, response.json()
    return [item["name"] for item in response.json()["results"]]


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_area_filter_includes_sub_areas(api, kind):
    factory = FACTORIES[kind]
    factory(
        name="Dilution fridge", technology_areas=[TechnologyArea.objects.get(slug="cryogenics")]
    )
    factory(
        name="Qubit chip", technology_areas=[TechnologyArea.objects.get(slug="quantum-processors")]
    )
    factory(name="QKD link", technology_areas=[TechnologyArea.objects.get(slug="qkd")])
    assert _names(api, kind, {"area": "cryogenics"}) == ["Dilution fridge"]
    assert _names(api, kind, {"area": "superconducting"}) == ["Dilution fridge", "Qubit chip"]
    assert _names(api, kind, {"area": "computing"}) == ["Dilution fridge", "Qubit chip"]
    assert _names(api, kind, {"area": ["cryogenics", "qkd"]}) == ["Dilution fridge", "QKD link"]


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_temperature_filter_matches_by_overlap_in_any_unit(api, kind):
    factory = FACTORIES[kind]
    factory(name="Dilution fridge", temperature_min_k=0.01, temperature_max_k=4)
    factory(name="Room temperature bench", temperature_min_k=290, temperature_max_k=310)
    factory(name="No range")
    assert _names(api, kind, {"temperature_min": "20 mK", "temperature_max": "1 K"}) == [
        "Dilution fridge"
    ]
    assert _names(api, kind, {"temperature_min": "4 K"}) == [
        "Dilution fridge",
        "Room temperature bench",
    ]
    assert _names(api, kind, {"temperature_max": "5 mK"}) == []


def test_filters_of_the_page_work_through_the_api(api):
    nist = InstituteFactory(acronym="NIST", slug="nist", economy="US", rmo="SIM")
    ptb = InstituteFactory(acronym="PTB", slug="ptb", economy="DE", rmo="EURAMET")
    ServiceFactory(institute=nist, name="Calibration of SNSPDs", kind="calibration")
    ServiceFactory(institute=ptb, name="Training in cryogenics", kind="training", si_traceable=True)
    assert _names(api, "service", {"economy": "US"}) == ["Calibration of SNSPDs"]
    assert _names(api, "service", {"rmo": "EURAMET"}) == ["Training in cryogenics"]
    assert _names(api, "service", {"kind": "training"}) == ["Training in cryogenics"]
    assert _names(api, "service", {"si": "true"}) == ["Training in cryogenics"]
    assert _names(api, "service", {"q": "snspd"}) == ["Calibration of SNSPDs"]


def test_institute_filter_takes_the_slug_as_on_the_page(api):
    nist = InstituteFactory(acronym="NIST", slug="nist", economy="US", rmo="SIM")
    ServiceFactory(institute=nist, name="Calibration of SNSPDs")
    ServiceFactory(name="Another")
    assert _names(api, "service", {"institute": "nist"}) == ["Calibration of SNSPDs"]
    assert api.get(ENDPOINTS["service"], {"institute": "nowhere"}).status_code == 400


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"temperature_min": "20 parsecs"}, "temperature_min"),
        ({"area": "no-such-area"}, "area"),
        ({"sort": "random"}, "sort"),
    ],
)
def test_invalid_filters_are_problem_details_with_the_field(api, query, field):
    response = api.get(ENDPOINTS["testbed"], query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_sort_by_name_update_and_relevance(api):
    first = factories.TestbedFactory(name="Alpha cryostat", summary="A testbed.")
    factories.TestbedFactory(name="Beta", summary="Cryostat for qubits.")
    services.record_update(actor=StaffFactory(), record=first, version=None, summary="Edited.")
    assert _names(api, "testbed", {}) == ["Alpha cryostat", "Beta"]
    assert _names(api, "testbed", {"sort": "updated"}) == ["Alpha cryostat", "Beta"]
    assert _names(api, "testbed", {"sort": "name"}) == ["Alpha cryostat", "Beta"]
    factories.TestbedFactory(name="Gamma")
    assert _names(api, "testbed", {"sort": "updated"})[0] == "Gamma"
    ranked = _names(api, "testbed", {"q": "cryostat"})
    assert ranked[0] == "Alpha cryostat", "a name match ranks above a summary match"


@pytest.fixture(scope="class")
def fifty_five_records(kind, django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        area = TechnologyArea.objects.get(slug="cryogenics")
        institute = InstituteFactory()
        contacts = ContactFactory.create_batch(2, institute=institute)
        for _ in range(55):
            if kind == "contact":
                ContactFactory(institute=institute)
            elif kind == "testbed":
                factories.TestbedFactory(
                    institute=institute,
                    technology_areas=[area],
                    contacts=contacts,
                    readiness=ReadinessLevel.objects.first(),
                )
            else:
                ServiceFactory(
                    institute=institute,
                    technology_areas=[area],
                    contacts=contacts,
                )
        yield


class TestListQueries:
    """55 records of a kind, made once for both page sizes."""

    @pytest.mark.parametrize("kind", ["testbed", "service", "contact"], scope="class")
    @pytest.mark.parametrize("page_size", [5, 50])
    @pytest.mark.usefixtures("fifty_five_records")
    def test_list_queries_are_constant_in_page_size(
        self, api, kind, page_size, django_assert_num_queries
    ):
        api.force_authenticate(MembershipFactory().user)
        # The count and the rows (testbeds and services with their areas and contacts), and
        # the evidence of testbeds and services ("how we know").
        expected = {"testbed": 3, "service": 3, "contact": 2}[kind]
        with django_assert_num_queries(expected):
            response = api.get(ENDPOINTS[kind], {"page_size": page_size})
        assert len(response.json()["results"]) == page_size


# --- Technology areas ---------------------------------------------------------------------------


def test_technology_areas_are_public_with_parent_and_path(api, client):
    response = api.get("/api/v1/technology-areas/", {"page_size": 200})
    assert response.status_code == 200
    assert response.json()["count"] == TechnologyArea.objects.count()
    by_slug = {item["slug"]: item for item in response.json()["results"]}
    cryogenics = by_slug["cryogenics"]
    assert cryogenics["parent"] == "superconducting"
    assert cryogenics["path"] == "computing/superconducting/cryogenics"
    assert cryogenics["depth"] == 2
    assert by_slug["computing"]["parent"] is None
    assert cryogenics["url"] == "http://testserver/api/v1/technology-areas/cryogenics/"
    html = client.get(cryogenics["html_url"].removeprefix("http://testserver"))
    assert html.status_code == 200
    detail = api.get(cryogenics["url"])
    assert detail.status_code == 200
    assert detail.json() == cryogenics


def test_technology_areas_filter_by_subtree_parent_and_root(api):
    def slugs(query):
        response = api.get("/api/v1/technology-areas/", {"page_size": 200, **query})
        return [item["slug"] for item in response.json()["results"]]

    assert slugs({"area": "superconducting"}) == [
        "superconducting",
        "cryogenics",
        "quantum-processors",
        "readout-chain",
        "shielding",
        "signal-delivery",
    ]
    assert "superconducting" in slugs({"parent": "computing"})
    assert "cryogenics" not in slugs({"parent": "computing"})
    assert slugs({"root": "true"}) == sorted(
        TechnologyArea.objects.filter(parent=None).values_list("slug", flat=True)
    )
    assert slugs({"q": "cryogenics"}) == ["cryogenics"]


@pytest.mark.parametrize("page_size", [5, 50])
def test_technology_area_queries_are_constant_in_page_size(
    api, page_size, django_assert_num_queries
):
    with django_assert_num_queries(2):
        response = api.get("/api/v1/technology-areas/", {"page_size": page_size})
    assert len(response.json()["results"]) == min(page_size, TechnologyArea.objects.count())


# --- Writes that are not offered (the others: tests/capabilities/test_api_writes.py) ------------


WRITERS = ["anonymous", "plain user", "own member", "staff"]


@pytest.mark.parametrize("viewer", WRITERS)
@pytest.mark.parametrize("kind", ["testbed", "service", "contact", "technology-area"])
def test_put_and_technology_area_writes_answer_405_for_everyone(api, home, viewer, kind):
    if kind == "technology-area":
        base, key = "/api/v1/technology-areas/", "cryogenics"
        methods = ("post", "put", "patch", "delete")
    else:
        base, key = ENDPOINTS[kind], FACTORIES[kind](institute=home).uuid
        methods = ("put",)
    user = _viewer(viewer, home)
    if user is not None:
        api.force_authenticate(user)
    detail = f"{base}{key}/"
    for method in methods:
        url = base if method == "post" else detail
        response = getattr(api, method)(url, {"name": "Changed"})
        assert response.status_code == 405, (method, url, response.json())
        assert response.json()["code"] == "method_not_allowed"
    assert Contact.objects.filter(name="Changed").count() == 0
    assert models.Testbed.objects.filter(name="Changed").count() == 0
    assert Service.objects.filter(name="Changed").count() == 0


# --- Schema -------------------------------------------------------------------------------------


def test_schema_documents_the_directory_endpoints(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    for path in (
        "/api/v1/testbeds/",
        "/api/v1/testbeds/{uuid}/",
        "/api/v1/services/",
        "/api/v1/services/{uuid}/",
        "/api/v1/contacts/",
        "/api/v1/contacts/{uuid}/",
    ):
        methods = {"get", "patch", "delete"} if path.endswith("{uuid}/") else {"get", "post"}
        assert set(schema["paths"][path]) == methods, path
    for path in ("/api/v1/technology-areas/", "/api/v1/technology-areas/{slug}/"):
        assert set(schema["paths"][path]) == {"get"}, path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/testbeds/"]["get"]["parameters"]}
    assert {"q", "area", "economy", "institute", "temperature_min", "sort", "page_size"} <= (
        parameters
    )
    components = schema["components"]["schemas"]
    testbed = components["Testbed"]["properties"]
    assert testbed["operating_ranges"]["allOf"][0]["$ref"].endswith("/OperatingRanges")
    assert components["OperatingRange"]["properties"]["unit"]["$ref"]
    service = components["Service"]["properties"]
    assert {"range", "uncertainty", "parameters", "testbed", "kcdb_code"} <= set(service)
    assert "email" not in components["Contact"].get("required", []), "absent for anonymous"
    assert "email" in components["Contact"]["properties"]


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_a_detail_request_builds_no_list_filterset(api, monkeypatch, kind):
    from capabilities import filters

    record = FACTORIES[kind]()
    built = []
    filterset = filters.TestbedFilterSet if kind == "testbed" else filters.ServiceFilterSet
    original = filterset.__init__
    monkeypatch.setattr(
        filterset,
        "__init__",
        lambda self, *args, **kwargs: built.append(1) or original(self, *args, **kwargs),
    )
    assert api.get(f"{ENDPOINTS[kind]}{record.uuid}/").status_code == 200
    assert built == []
    assert api.get(ENDPOINTS[kind]).status_code == 200
    assert built == [1]  # the list still filters
