"""Testbed, service and institute pages: who sees them, what they show, schema.org data."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capabilities import services
from capabilities.enums import UncertaintyMode, Visibility
from capabilities.models import ReadinessLevel, TechnologyArea
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {"testbed": TestbedFactory, "service": ServiceFactory}
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def make_record(kind: str, case: str):
    factory = FACTORIES[kind]
    if case == "public":
        return factory()
    if case == "members only":
        return factory(visibility=Visibility.MEMBERS)
    if case == "own institute only":
        return factory(visibility=Visibility.INSTITUTE)
    if case == "draft":
        return factory(published=False)
    if case == "retired":
        return services.record_retire(actor=StaffFactory(), record=factory())
    if case == "unverified institute":
        return factory(institute=InstituteFactory(verified=False))
    raise AssertionError(case)


def viewer_of(record, viewer: str):
    if viewer == "anonymous":
        return None
    if viewer == "plain user":
        return UserFactory()
    if viewer == "member of a verified institute":
        return MembershipFactory().user
    if viewer == "member of an unverified institute":
        return MembershipFactory(institute=InstituteFactory(verified=False)).user
    if viewer == "member of its institute":
        return MembershipFactory(institute=record.institute).user
    if viewer == "staff":
        return StaffFactory()
    raise AssertionError(viewer)


VIEWERS = [
    "anonymous",
    "plain user",
    "member of a verified institute",
    "member of an unverified institute",
    "member of its institute",
    "staff",
]
#: case -> the viewers (in VIEWERS order) who may open the page.
MAY_SEE = {
    "public": VIEWERS,
    "members only": ["member of a verified institute", "member of its institute", "staff"],
    "own institute only": ["member of its institute", "staff"],
    "draft": ["member of its institute", "staff"],
    "retired": ["member of its institute", "staff"],
    "unverified institute": ["member of its institute", "staff"],
}
BADGE = {
    "members only": "NMI-Q members only",
    "own institute only": "own institute only",
    "draft": "draft",
    "retired": "retired",
    "unverified institute": "institute not verified",
}


def get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("kind", FACTORIES)
@pytest.mark.parametrize("case", MAY_SEE)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_who_may_open_a_record_page(client, kind, case, viewer):
    record = make_record(kind, case)
    response = get(client, viewer_of(record, viewer), record.get_absolute_url())
    expected = 200 if viewer in MAY_SEE[case] else 404
    assert response.status_code == expected
    if expected == 200 and case in BADGE:
        assert BADGE[case] in response.content.decode(), "the page says who else sees it"


@pytest.mark.parametrize("kind", FACTORIES)
def test_unknown_slug_is_404(client, kind):
    url = reverse(f"capabilities:{kind}_detail", kwargs={"slug": "no-such-record"})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("kind", FACTORIES)
def test_demo_data_is_marked(client, kind):
    record = FACTORIES[kind](institute=InstituteFactory(demo=True))
    assert "demo data" in client.get(record.get_absolute_url()).content.decode()


def test_testbed_page_shows_what_a_metrologist_expects(client):
    cryogenics = TechnologyArea.objects.get(slug="cryogenics")
    trl = ReadinessLevel.objects.filter(scale__slug="trl").order_by("level").last()
    testbed = TestbedFactory(
        name="Dilution refrigerator DR-2",
        summary="Cryogenic characterisation of superconducting devices.",
        description="Cooling to **base temperature**.\n\n<script>alert(1)</script>",
        technology_areas=[cryogenics],
        temperature_min_k=0.01,
        temperature_max_k=4.2,
        frequency_min_hz=4e9,
        frequency_max_hz=8e9,
        wavelength_min_nm=1550,
        wavelength_max_nm=1550,
        access_modes=["remote", "send_in"],
        audiences=["industry"],
        si_traceable=True,
        readiness=trl,
        city="Braunschweig",
        latitude=52.29,
        longitude=10.46,
        quantities=["noise temperature", "T1"],
        links=[
            {"title": "Facility page", "url": "https://example.org/dr2"},
            {"title": "Bad", "url": "javascript:alert(1)"},
        ],
    )
    page = client.get(testbed.get_absolute_url()).content.decode()
    assert testbed.institute.get_absolute_url() in page
    assert "<strong>base temperature</strong>" in page
    assert "<script>alert(1)</script>" not in page, "the description is sanitised"
    assert "Quantum computing" in page
    assert "Superconducting circuits" in page
    assert "Cryogenics (dilution refrigerators)" in page
    assert "10\u00a0mK \u2013 4.2\u00a0K" in page, "below 1 K in millikelvin"
    assert "4\u00a0GHz \u2013 8\u00a0GHz" in page
    assert "1550\u00a0nm" in page
    assert "Remote, Send-in samples" in page
    assert "Industry" in page
    assert "Traceable to the SI" in page
    assert "Operational" in page
    assert f"{trl.level} — {trl.name}" in page
    assert "Braunschweig" in page
    assert "noise temperature, T1" in page
    assert "https://example.org/dr2" in page
    assert "javascript:" not in page


def test_service_page_shows_the_kcdb_like_block(client):
    testbed = TestbedFactory(name="Optical power bench")
    service = ServiceFactory(
        institute=testbed.institute,
        testbed=testbed,
        name="Optical power calibration",
        quantity="Optical power in single-mode fibre",
        range_lower=0.01,
        range_upper=10,
        range_unit="mW",
        uncertainty_mode=UncertaintyMode.RELATIVE,
        uncertainty_lower=0.5,
        uncertainty_upper=1.2,
        uncertainty_unit="%",
        coverage_factor="2.00",
        confidence_level="95.0",
        method="Comparison with a cryogenic radiometer",
        parameters=[{"name": "Wavelength", "value": "1550 nm"}],
        traceability="Cryogenic radiometer, PTB",
        lead_time="4 to 6 weeks",
        kcdb_code="EURAMET-PR-DE-00000ABC-1",
    )
    sibling = ServiceFactory(institute=testbed.institute, testbed=testbed, name="Sibling")
    page = client.get(service.get_absolute_url()).content.decode()
    assert "Optical power in single-mode fibre" in page
    assert "0.01\u00a0mW \u2013 10\u00a0mW" in page
    assert "0.5\u00a0% \u2013 1.2\u00a0%" in page
    assert "relative" in page
    assert "<var>k</var> = 2" in page
    assert "95&nbsp;%" in page
    assert "Comparison with a cryogenic radiometer" in page
    assert '<th scope="row">Wavelength</th><td>1550 nm</td>' in page
    assert "Cryogenic radiometer, PTB" in page
    assert "4 to 6 weeks" in page
    assert "https://www.bipm.org/kcdb/cmc/quick-search?keywords=EURAMET-PR-DE-00000ABC-1" in page
    assert testbed.get_absolute_url() in page
    assert sibling.get_absolute_url() in page, "the other services of its testbed"


@pytest.mark.parametrize(
    ("mode", "fields", "shown"),
    [
        (
            UncertaintyMode.ABSOLUTE,
            {"uncertainty_lower": 2, "uncertainty_unit": "µW"},
            "from 2\u00a0µW",
        ),
        (
            UncertaintyMode.EQUATION,
            {"uncertainty_equation": "Q[0.5 %, 0.02 µW/W]"},
            '<code class="uncertainty-equation">Q[0.5 %, 0.02 µW/W]</code>',
        ),
        (
            UncertaintyMode.TABLE,
            {"uncertainty_table": "Power,U\n1 mW,0.5 %\n"},
            "<td>1 mW</td><td>0.5 %</td>",
        ),
    ],
)
def test_each_way_of_stating_the_uncertainty_is_shown(client, mode, fields, shown):
    service = ServiceFactory(uncertainty_mode=mode, **fields)
    assert shown in client.get(service.get_absolute_url()).content.decode()


def test_related_testbed_the_viewer_may_not_see_is_not_shown(client):
    hidden = TestbedFactory(name="Secret cryostat", visibility=Visibility.INSTITUTE)
    service = ServiceFactory(institute=hidden.institute, testbed=hidden)
    page = client.get(service.get_absolute_url()).content.decode()
    assert "Secret cryostat" not in page
    client.force_login(MembershipFactory(institute=hidden.institute).user)
    assert "Secret cryostat" in client.get(service.get_absolute_url()).content.decode()


def test_services_the_viewer_may_not_see_are_not_listed_on_the_testbed(client):
    testbed = TestbedFactory()
    ServiceFactory(
        institute=testbed.institute, testbed=testbed, name="Draft service", published=False
    )
    assert "Draft service" not in client.get(testbed.get_absolute_url()).content.decode()


# --- Contacts ---------------------------------------------------------------------------------


@pytest.fixture
def contact_testbed():
    institute = InstituteFactory()
    contact = ContactFactory(
        institute=institute, name="Ada Lovelace", phone="+49 531 592 0", email="ada@nmi.example"
    )
    return TestbedFactory(institute=institute, contacts=[contact])


def test_anonymous_visitors_see_no_contact_email(client, contact_testbed):
    url = contact_testbed.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Ada Lovelace" in page
    assert "+49 531 592 0" in page
    assert "ada@nmi.example" not in page, "neither in the page nor in its JSON-LD"
    assert f"{reverse('account_login')}?next={url}" in page
    assert "Sign in to see the e-mail address" in page


def test_signed_in_users_see_contact_email(client, contact_testbed):
    client.force_login(UserFactory())
    page = client.get(contact_testbed.get_absolute_url()).content.decode()
    assert 'href="mailto:ada@nmi.example"' in page
    ld = json.loads(JSON_LD.search(page).group(1))
    assert ld["provider"]["contactPoint"][0]["email"] == "ada@nmi.example"


def test_without_own_contacts_the_institutes_listed_contacts_are_shown(client):
    institute = InstituteFactory()
    ContactFactory(institute=institute, name="Listed Person")
    ContactFactory(institute=institute, name="Draft Person", published=False)
    testbed = TestbedFactory(institute=institute)
    page = client.get(testbed.get_absolute_url()).content.decode()
    assert "Listed Person" in page
    assert "Draft Person" not in page


# --- Institute page ---------------------------------------------------------------------------


def test_institute_page_lists_what_the_viewer_may_see(client):
    institute = InstituteFactory()
    TestbedFactory(institute=institute, name="Public bench")
    TestbedFactory(institute=institute, name="Peer bench", visibility=Visibility.MEMBERS)
    ServiceFactory(institute=institute, name="Draft calibration", published=False)
    ContactFactory(institute=institute, name="Grace Hopper", email="grace@nmi.example")

    page = client.get(institute.get_absolute_url()).content.decode()
    assert "Public bench" in page
    assert "Grace Hopper" in page
    assert "Peer bench" not in page
    assert "Draft calibration" not in page
    assert "grace@nmi.example" not in page

    client.force_login(MembershipFactory(institute=institute).user)
    page = client.get(institute.get_absolute_url()).content.decode()
    assert "Peer bench" in page
    assert "NMI-Q members only" in page
    assert "Draft calibration" in page
    assert "draft" in page
    assert "grace@nmi.example" in page


# --- schema.org JSON-LD -----------------------------------------------------------------------


def json_ld(client, url) -> dict:
    match = JSON_LD.search(client.get(url).content.decode())
    assert match, "the page carries schema.org data"
    return json.loads(match.group(1))


def test_json_ld_of_each_page(client):
    institute = InstituteFactory(acronym="PTB", name="Physikalisch-Technische Bundesanstalt")
    ContactFactory(institute=institute, email="hidden@ptb.example")
    testbed = TestbedFactory(institute=institute, name="Clock lab", latitude=52.3, longitude=10.5)
    service = ServiceFactory(institute=institute, name="Frequency calibration", kcdb_code="")

    organisation = json_ld(client, institute.get_absolute_url())
    assert organisation["@context"] == "https://schema.org"
    assert organisation["@type"] == "Organization"
    assert organisation["name"] == "Physikalisch-Technische Bundesanstalt"
    assert organisation["alternateName"] == "PTB"
    assert organisation["address"]["addressCountry"] == "DE"
    assert "email" not in organisation["contactPoint"][0]

    place = json_ld(client, testbed.get_absolute_url())
    assert "Place" in place["@type"]
    assert place["name"] == "Clock lab"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 52.3, "longitude": 10.5}
    assert place["provider"]["alternateName"] == "PTB"
    assert place["url"].endswith(testbed.get_absolute_url())

    offered = json_ld(client, service.get_absolute_url())
    assert offered["@type"] == "Service"
    assert offered["serviceType"] == "Calibration"
    assert offered["provider"]["name"] == "Physikalisch-Technische Bundesanstalt"
    assert offered["areaServed"]["name"] == "DE"
    assert "hidden@ptb.example" not in json.dumps([organisation, place, offered])


def test_json_ld_cannot_break_out_of_its_script_element(client):
    name = "</script><script>alert(1)</script> & more"
    testbed = TestbedFactory(name=name)
    page = client.get(testbed.get_absolute_url()).content.decode()
    block = JSON_LD.search(page).group(1)
    assert "<" not in block
    assert ">" not in block
    assert "&" not in block
    assert json.loads(block)["name"] == name


# --- Query counts -----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _testbed_with(size: int, institute):
    areas = list(TechnologyArea.objects.filter(path__contains="/")[:size])
    contacts = [ContactFactory(institute=institute) for _ in range(size)]
    testbed = TestbedFactory(institute=institute, technology_areas=areas, contacts=contacts)
    for _ in range(size):
        ServiceFactory(institute=institute, testbed=testbed)
    return testbed


@pytest.mark.parametrize("viewer", ["anonymous", "member of its institute"])
def test_detail_pages_make_the_same_number_of_queries_at_two_sizes(client, viewer):
    institute = InstituteFactory()
    if viewer != "anonymous":
        client.force_login(MembershipFactory(institute=institute).user)
    small, large = _testbed_with(1, institute), _testbed_with(5, institute)
    for record in (small, large):  # more history too
        with_summary = services.record_update(
            actor=StaffFactory(), record=record, version=record.version, summary="Changed."
        )
        assert with_summary.version > record.version
    assert _queries(client, small.get_absolute_url()) == _queries(client, large.get_absolute_url())
    small_service = small.services.first()
    large_service = large.services.first()
    assert _queries(client, small_service.get_absolute_url()) == _queries(
        client, large_service.get_absolute_url()
    )


@pytest.mark.parametrize("viewer", ["anonymous", "member of its institute"])
def test_institute_page_makes_the_same_number_of_queries_at_two_sizes(client, viewer):
    small, large = InstituteFactory(), InstituteFactory()
    if viewer != "anonymous":
        user = MembershipFactory(institute=small).user
        MembershipFactory(institute=large, user=user)
        client.force_login(user)
    for institute, size in ((small, 1), (large, 6)):
        for _ in range(size):
            TestbedFactory(institute=institute)
            ServiceFactory(institute=institute)
            ContactFactory(institute=institute)
    assert _queries(client, small.get_absolute_url()) == _queries(client, large.get_absolute_url())
