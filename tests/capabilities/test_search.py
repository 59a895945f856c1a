"""The directory search: ranking, typos, accents, websearch syntax, facets, ranges, doors."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capabilities import exports, search, selectors
from capabilities import models as directory
from capabilities.enums import Visibility
from capabilities.models import Evidence, Service, TechnologyArea
from capabilities.selectors import directory as directory_selectors
from capabilities.selectors import facets as facet_selectors
from tests.factories import (
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("capabilities:directory")
ANYONE = AnonymousUser()


def names(params, user=ANYONE, kind="testbed"):
    return sorted(
        selectors.directory_matches(user=user, params=params)[kind].values_list("name", flat=True)
    )


def ranked(params, user=ANYONE):
    return [row[2] for row in selectors.directory_search(user=user, params=params).rows]


# --- The query parser -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "tsquery"),
    [
        ("cryogenic", "'cryogenic':*"),
        ("cryogenic amplifier", "'cryogenic':* & 'amplifier':*"),
        ('"probe station"', "'probe station'"),
        ("cryogenic -optical", "'cryogenic':* & !'optical'"),
        (
            "qkd OR qrng",
            "(('qkd':* | 'quantum key distribution')"
            " | ('qrng':* | 'quantum random number generator'))",
        ),
        # "on wafer" would be read as "wafer" alone ("on" is a stop word): not a form of it.
        ("on-wafer", "('on-wafer' | 'onwafer':*)"),
        ("a&b | !c:* <->", "'ab':* & 'c:*'"),
        ("' ) ; drop table", "'drop':* & 'table':*"),
        ("", None),
        ("!!! ---", None),
    ],
)
def test_typed_text_becomes_a_quoted_tsquery(typed, tsquery):
    assert search.tsquery(typed) == tsquery


@pytest.mark.parametrize(
    ("typed", "finds"),
    [
        ("a & b", False),
        ("x:*", False),
        ("((", False),
        ("'", False),
        ("\\", False),
        ("!", False),
        ("<->", False),
        ("-", False),
        ('"', False),
        ("probe & station", True),
        ("probe:* | nothing", False),  # only the word OR means "either"
        ("!probe station", True),
    ],
)
def test_operators_typed_by_people_never_reach_postgres_unquoted(typed, finds):
    TestbedFactory(name="Cryogenic probe station")
    found = names({"q": [typed]})
    assert found == (["Cryogenic probe station"] if finds else [])


# --- Full text ------------------------------------------------------------------------------


def test_a_name_match_ranks_above_a_description_match():
    TestbedFactory(name="Optical fibre link", summary="", description="Also cryogenic tests.")
    TestbedFactory(name="Cryogenic probe station", summary="", description="")
    assert ranked({"q": ["cryogenic"]}) == ["Cryogenic probe station", "Optical fibre link"]


def test_a_summary_match_ranks_between_name_and_description():
    TestbedFactory(name="Alpha", summary="", description="A dilution refrigerator.")
    TestbedFactory(name="Beta", summary="Dilution refrigerator at 10 mK.", description="")
    TestbedFactory(name="Dilution refrigerator", summary="", description="")
    assert ranked({"q": ["dilution refrigerator"]}) == ["Dilution refrigerator", "Beta", "Alpha"]


def test_a_typo_in_a_name_still_finds_it():
    TestbedFactory(name="Cryogenic on-wafer probe station")
    TestbedFactory(name="Optical clock comparison")
    assert names({"q": ["cryogenc"]}) == ["Cryogenic on-wafer probe station"]


def test_prefixes_match():
    TestbedFactory(name="Cryogenic probe station")
    assert names({"q": ["cryo"]}) == ["Cryogenic probe station"]


@pytest.mark.parametrize("typed", ["resistance etalon", "résistance étalon", "RESISTANCE"])
def test_accents_are_ignored_both_ways(typed):
    TestbedFactory(name="Étalon de résistance de Hall quantique")
    TestbedFactory(name="Gravimètre")
    assert names({"q": [typed]}) == ["Étalon de résistance de Hall quantique"]


def test_quoted_words_match_as_a_phrase():
    TestbedFactory(name="Probe station for qubits")
    TestbedFactory(name="Station for probe cards")
    assert names({"q": ['"probe station"']}) == ["Probe station for qubits"]


def test_a_minus_excludes_a_word():
    TestbedFactory(name="Cryogenic optical cryostat")
    TestbedFactory(name="Cryogenic microwave cryostat")
    assert names({"q": ["cryogenic -optical"]}) == ["Cryogenic microwave cryostat"]


def test_or_accepts_either_word():
    TestbedFactory(name="QKD link")
    TestbedFactory(name="QRNG lab")
    TestbedFactory(name="Gravimeter")
    assert names({"q": ["qkd OR qrng"]}) == ["QKD link", "QRNG lab"]


def test_a_search_finds_testbeds_services_and_institutes_together():
    institute = InstituteFactory(acronym="PTB", name="Physikalisch-Technische Bundesanstalt")
    from capabilities import services

    services.index_for_search(institute)
    TestbedFactory(name="Ion trap testbed", institute=institute)
    ServiceFactory(name="Ion trap characterisation", institute=institute)
    matches = selectors.directory_matches(user=ANYONE, params={"q": ["bundesanstalt"]})
    assert [i.acronym for i in matches["institute"]] == ["PTB"]
    # The institute's name is indexed (with a low weight) on its records too.
    assert matches["testbed"].count() == 1
    assert matches["service"].count() == 1


def test_highlighted_snippets_escape_the_text_and_mark_the_words(client):
    TestbedFactory(
        name="Amplifier bench",
        summary="",
        description="A <b>bold</b> <script>alert(1)</script> cryogenic & amplifier.",
    )
    response = client.get(DIRECTORY, {"q": "cryogenic"})
    html = response.content.decode()
    assert "<mark>cryogenic</mark>" in html
    assert "<b>bold</b>" not in html
    assert "<script>alert" not in html
    assert "&amp; amplifier" in html


# --- Ranges ---------------------------------------------------------------------------------


@pytest.fixture
def fridge():
    return TestbedFactory(name="Fridge", temperature_min_k=1, temperature_max_k=300)


@pytest.mark.parametrize(
    ("low", "high", "found"),
    [
        ("4 K", "4 K", True),
        ("300 K", "", True),  # touches the top end
        ("", "1 K", True),  # touches the bottom end
        ("300.1 K", "", False),
        ("20 mK", "0.5 K", False),
        ("-272.5 °C", "-272 °C", True),  # 0.65 K to 1.15 K overlaps at 1 K
        ("500 K", "2 K", True),  # ends given the wrong way round
    ],
)
def test_temperature_ranges_match_by_overlap_ends_included(fridge, low, high, found):
    params = {"temperature_min": [low], "temperature_max": [high]}
    assert names(params) == (["Fridge"] if found else [])


def test_a_value_typed_in_the_search_box_filters_the_ranges(fridge):
    TestbedFactory(name="Fridge for millikelvin", temperature_min_k=0.01, temperature_max_k=0.1)
    assert names({"q": ["fridge 4 K"]}) == ["Fridge"]
    assert names({"q": ["fridge 20 mK"]}) == ["Fridge for millikelvin"]


def test_a_single_temperature_is_a_point():
    TestbedFactory(name="Room temperature bench", temperature_min_k=293)
    assert names({"temperature_min": ["290 K"], "temperature_max": ["295 K"]}) == [
        "Room temperature bench"
    ]
    assert names({"temperature_min": ["294 K"]}) == []


def test_a_record_without_the_range_never_matches_a_range_filter(fridge):
    TestbedFactory(name="No ranges")
    assert names({"temperature_min": ["0 K"]}) == ["Fridge"]


def test_1550_nm_finds_a_range_stored_in_thz_and_in_nm():
    ServiceFactory(
        name="Fibre power meter calibration",
        quantity="Optical power",
        range_lower=190,
        range_upper=200,
        range_unit="THz",
    )
    TestbedFactory(name="Telecom detector bench", wavelength_min_nm=1500, wavelength_max_nm=1600)
    TestbedFactory(name="Visible detector bench", wavelength_min_nm=400, wavelength_max_nm=700)
    TestbedFactory(name="Optical frequency comb", frequency_min_hz=185e12, frequency_max_hz=195e12)
    params = {"q": ["1550 nm"]}
    assert names(params) == ["Optical frequency comb", "Telecom detector bench"]
    assert names(params, kind="service") == ["Fibre power meter calibration"]
    assert names({"wavelength_min": ["1.55 µm"], "wavelength_max": ["1.55 µm"]}, kind="service")


def test_a_bad_unit_is_reported_on_the_field_and_ignored(client, fridge):
    response = client.get(DIRECTORY, {"temperature_min": "4 zorks"})
    assert response.status_code == 200
    assert "is not a unit we know" in response.content.decode()
    response = client.get(DIRECTORY, {"temperature_min": "4 GHz"})
    assert "is not a unit of temperature" in response.content.decode()


# --- Facets ---------------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    de = InstituteFactory(acronym="PTB", economy="DE", rmo="EURAMET")
    us = InstituteFactory(acronym="NIST", economy="US", rmo="SIM")
    jp = InstituteFactory(acronym="NMIJ", economy="JP", rmo="APMP")
    cryogenics = TechnologyArea.objects.get(slug="cryogenics")
    qkd = TechnologyArea.objects.get(slug="qkd")
    TestbedFactory(institute=de, technology_areas=[cryogenics], access_modes=["remote"])
    TestbedFactory(institute=us, technology_areas=[cryogenics], access_modes=["on_site", "remote"])
    TestbedFactory(institute=jp, technology_areas=[qkd], si_traceable=True)
    ServiceFactory(institute=de, technology_areas=[qkd], kind="testing")
    ServiceFactory(institute=us, kind="calibration", si_traceable=True)
    return {"de": de, "us": us, "jp": jp}


def facet(facets, key):
    return {value.value: value.count for value in next(f for f in facets if f.key == key).values}


def test_single_valued_facets_add_up_to_the_results(catalogue):
    params = {"type": ["testbed", "service"]}
    facets = selectors.directory_search(user=ANYONE, params=params).facets
    total = sum(m.count() for m in selectors.directory_matches(user=ANYONE, params=params).values())
    assert total == 5
    assert sum(facet(facets, "economy").values()) == total
    assert sum(facet(facets, "rmo").values()) == total
    assert sum(facet(facets, "institute").values()) == total
    assert facet(facets, "type") == {"testbed": 3, "service": 2, "institute": 3}


def test_a_facet_counts_what_choosing_each_value_would_give(catalogue):
    params = {"economy": ["DE"], "type": ["testbed", "service"]}
    facets = selectors.directory_search(user=ANYONE, params=params).facets
    # The economy facet ignores its own choice, so other economies still show their counts …
    assert facet(facets, "economy") == {"DE": 2, "US": 2, "JP": 1}
    # … while the other facets count within the chosen economy.
    assert facet(facets, "type") == {"testbed": 1, "service": 1, "institute": 1}
    assert facet(facets, "kind") == {"testing": 1}


def test_the_technology_tree_counts_records_below_each_area(catalogue):
    facets = selectors.directory_search(user=ANYONE, params={"type": ["testbed"]}).facets
    areas = facet(facets, "area")
    assert areas["cryogenics"] == 2
    assert areas["superconducting"] == 2
    assert areas["computing"] == 2
    assert areas["qkd"] == 1
    assert areas["communication"] == 1
    assert names({"area": ["computing"]}) == sorted(names({"area": ["cryogenics"]}))


def test_array_and_boolean_facets(catalogue):
    facets = selectors.directory_search(user=ANYONE, params={}).facets
    assert facet(facets, "access") == {"remote": 2, "on_site": 1}
    assert facet(facets, "si") == {"on": 2}
    assert len(names({"access": ["on_site"]})) == 1
    assert len(names({"si": ["on"]})) + len(names({"si": ["on"]}, kind="service")) == 2


def test_the_evidence_facet_counts_and_keeps_the_records_with_evidence(catalogue):
    with_paper = directory.Testbed.objects.get(institute=catalogue["jp"])
    Evidence.objects.create(testbed=with_paper, kind="paper", title="A paper", doi="10.1088/x")
    service = Service.objects.get(institute=catalogue["us"])
    for title in ("First", "Second"):  # two pieces count the record once
        Evidence.objects.create(service=service, kind="paper", title=title, doi="10.1088/y")
    facets = selectors.directory_search(user=ANYONE, params={}).facets
    assert facet(facets, "has_evidence") == {"on": 2}
    assert names({"has_evidence": ["on"]}) == [with_paper.name]
    assert names({"has_evidence": ["on"]}, kind="service") == [service.name]
    assert facet(
        selectors.directory_search(user=ANYONE, params={"has_evidence": ["on"]}).facets, "type"
    ) == {"testbed": 1, "service": 1}


def test_record_only_filters_leave_institutes_out(catalogue):
    matches = selectors.directory_matches(user=ANYONE, params={"access": ["remote"]})
    assert matches["institute"].count() == 0
    matches = selectors.directory_matches(user=ANYONE, params={"kind": ["testing"]})
    assert matches["testbed"].count() == 0
    assert matches["service"].count() == 1


# --- Who sees what, in every door of the search ---------------------------------------------


@pytest.fixture
def hidden():
    owner = InstituteFactory(acronym="OWN")
    TestbedFactory(name="Open bench", institute=owner)
    TestbedFactory(name="Peers bench", institute=owner, visibility=Visibility.MEMBERS)
    TestbedFactory(name="Own bench", institute=owner, visibility=Visibility.INSTITUTE)
    TestbedFactory(name="Draft bench", institute=owner, published=False)
    unverified = InstituteFactory(acronym="NEW", verified=False)
    TestbedFactory(name="Unverified bench", institute=unverified)
    return owner


VIEWERS = {
    "anonymous": lambda owner: None,
    "plain user": lambda owner: UserFactory(),
    "member of another verified institute": lambda owner: MembershipFactory().user,
    "member of an unverified institute": lambda owner: (
        MembershipFactory(institute=InstituteFactory(verified=False)).user
    ),
    "member of the institute": lambda owner: MembershipFactory(institute=owner).user,
}
SEES = {
    "anonymous": ["Open bench"],
    "plain user": ["Open bench"],
    "member of another verified institute": ["Open bench", "Peers bench"],
    "member of an unverified institute": ["Open bench"],
    "member of the institute": ["Draft bench", "Open bench", "Own bench", "Peers bench"],
}


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_every_door_of_the_search_shows_only_what_the_viewer_may_see(client, hidden, viewer):
    user = VIEWERS[viewer](hidden)
    if user:
        client.force_login(user)
    expected = SEES[viewer]
    assert names({"q": ["bench"]}, user=user or ANYONE) == expected

    page = client.get(DIRECTORY, {"q": "bench"}).content.decode()
    for name in ["Open bench", "Peers bench", "Own bench", "Draft bench", "Unverified bench"]:
        assert (name in page) == (name in expected), name

    facets = selectors.directory_search(user=user or ANYONE, params={"q": ["bench"]}).facets
    assert facet(facets, "type")["testbed"] == len(expected)

    rows = list(
        csv.DictReader(
            io.StringIO(
                _body(
                    client.get(
                        reverse("capabilities:directory_export", args=["csv"]), {"q": "bench"}
                    )
                ).lstrip("\ufeff")
            )
        )
    )
    assert sorted(row["name"] for row in rows) == expected
    data = json.loads(
        _body(client.get(reverse("capabilities:directory_export", args=["json"]), {"q": "bench"}))
    )
    assert sorted(row["name"] for row in data) == expected


def _body(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


# --- Exports and the page -------------------------------------------------------------------


def test_csv_export_defuses_formulas_and_shows_values_as_the_page_does(client):
    TestbedFactory(
        name='=HYPERLINK("http://evil")', summary="+cmd|' /C calc'!A0", temperature_min_k=4
    )
    text = _body(client.get(reverse("capabilities:directory_export", args=["csv"])))
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["summary"].startswith("'+cmd")
    assert row["operating_ranges"] == "Temperature: from 4\u00a0K"


def _exported(client, fmt: str) -> dict:
    body = _body(client.get(reverse("capabilities:directory_export", args=[fmt]), {"q": "probe"}))
    if fmt == "json":
        return {row["name"]: row["technology_areas"] for row in json.loads(body)}
    rows = csv.DictReader(io.StringIO(body.lstrip("\ufeff")))
    return {row["name"]: row["technology_areas"] for row in rows}


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_reads_each_kind_in_one_query_with_its_areas(
    client, fmt, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(exports, "CHUNK", 4)  # rows come in chunks: many of them here
    areas = list(TechnologyArea.objects.order_by("path")[:3])
    institute = InstituteFactory()

    def add(count, start=0):
        for number in range(start, start + count):
            testbed = TestbedFactory(institute=institute, name=f"Probe testbed {number}")
            testbed.technology_areas.set(areas[: 1 + number % 3])
            service = ServiceFactory(institute=institute, name=f"Probe service {number}")
            service.technology_areas.set(areas[number % 3 :])

    add(2)
    _exported(client, fmt)  # what a process reads once (its caches) is not counted
    with CaptureQueriesContext(connection) as few:
        _exported(client, fmt)
    add_more = 9
    add(add_more, start=2)
    with django_assert_num_queries(len(few.captured_queries)):
        exported = _exported(client, fmt)
    shown = {area.slug for area in areas} if fmt == "json" else {area.name for area in areas}
    assert len(exported) == 2 * (2 + add_more)
    for name, cell in exported.items():
        listed = cell if fmt == "json" else cell.split("; ")
        assert listed, name
        assert set(listed) <= shown, name
        # In the tree's order, as the page lists them.
        order = [area.slug if fmt == "json" else area.name for area in areas]
        assert listed == sorted(listed, key=order.index), name


def test_export_follows_the_filters(client, catalogue):
    data = json.loads(
        _body(
            client.get(reverse("capabilities:directory_export", args=["json"]), {"economy": "JP"})
        )
    )
    assert {row["institute"] for row in data} == {"NMIJ"}
    assert {row["type"] for row in data} == {"testbed", "institute"}


def test_htmx_gets_only_the_facets_and_results(client, catalogue):
    response = client.get(DIRECTORY, {"economy": "DE"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="facet-economy"' in html
    full = client.get(DIRECTORY, {"economy": "DE"}).content.decode()
    assert "<html" in full
    assert 'name="q"' in full


def test_every_state_of_the_search_is_a_link(client, catalogue):
    response = client.get(DIRECTORY, {"q": "testbed", "economy": "DE", "sort": "name"})
    html = response.content.decode()
    assert 'value="testbed"' in html
    assert "economy=DE" in html  # the export and map links carry the search


@pytest.mark.parametrize("kept", [False, True], ids=["counted", "kept"])
def test_the_page_queries_are_constant_in_page_size(
    client, monkeypatch, django_assert_num_queries, django_assert_max_num_queries, kept
):
    from django.core.cache.backends.dummy import DummyCache

    from capabilities.views import search as views

    cryogenics = TechnologyArea.objects.get(slug="cryogenics")
    for _ in range(3):
        TestbedFactory(technology_areas=[cryogenics])
        ServiceFactory()
    search = {"q": "testbed service", "area": "cryogenics", "economy": "DE"}
    if not kept:
        monkeypatch.setattr(facet_selectors, "cache", DummyCache("none", {}))
    client.get(DIRECTORY, search)  # the synonyms are read once, then kept in the cache

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    # The area's and institutes' slugs, the facets' counts with the number of results (none
    # when a public search's counts are kept: the feed's last event instead), the facets'
    # labels, one page of results, the records of each kind with their areas.
    with django_assert_max_num_queries(9 if kept else 10) as few:
        client.get(DIRECTORY, search)
    monkeypatch.setattr(views, "PAGE_SIZE", 50)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(DIRECTORY, search)


def test_the_institute_facet_filters_by_slug(client, catalogue):
    matches = selectors.directory_matches(user=ANYONE, params={"institute": ["nist"]})
    assert {t.institute.acronym for t in matches["testbed"]} == {"NIST"}
    assert [i.acronym for i in matches["institute"]] == ["NIST"]
    assert client.get(DIRECTORY, {"institute": "nist"}).status_code == 200


def test_the_institute_facet_shows_the_largest_and_any_chosen(monkeypatch, catalogue):
    monkeypatch.setattr(directory_selectors, "INSTITUTE_FACET_SIZE", 1)
    TestbedFactory(institute=catalogue["us"])
    facets = selectors.directory_search(user=ANYONE, params={"institute": ["nmij"]}).facets
    # NIST: itself, two records and one more; NMIJ: itself and one record.
    assert facet(facets, "institute") == {"nist": 4, "nmij": 2}


def test_snippets_drop_markdown_marks(client):
    TestbedFactory(name="Bench", summary="", description="Works **inside the cryostat** at `4 K`.")
    html = client.get(DIRECTORY, {"q": "cryostat"}).content.decode()
    assert "<mark>cryostat</mark>" in html
    assert "**" not in html


def test_results_sort_by_relevance_name_or_last_update():
    import time_machine

    with time_machine.travel("2026-01-01"):
        TestbedFactory(name="beta cryostat", summary="", description="")
    with time_machine.travel("2026-03-01"):
        TestbedFactory(name="Alpha bench", summary="", description="A cryostat inside.")
    with time_machine.travel("2026-02-01"):
        TestbedFactory(name="Gamma cryostat", summary="", description="")

    def order(sort, **params):
        search = selectors.directory_search(user=ANYONE, params=params, sort=sort)
        return [row[2] for row in search.rows if row[0] == "testbed"]

    assert order("name") == ["Alpha bench", "beta cryostat", "Gamma cryostat"]
    assert order("updated") == ["Alpha bench", "Gamma cryostat", "beta cryostat"]
    assert order("relevance", q=["cryostat"])[-1] == "Alpha bench"


@pytest.mark.parametrize("sort", ["relevance", "name", "updated"])
def test_a_record_that_matches_without_a_search_vector_does_not_break_the_sort(client, sort):
    """Regression: an institute whose vector was not written yet (made outside the services,
    e.g. by a data fix) matched by its name, ranked None, and the page answered 500."""
    unindexed = InstituteFactory(acronym="QUBITLAB", name="Qubit Laboratory")
    indexed = TestbedFactory(name="Qubit laboratory cryostat")
    type(unindexed).objects.filter(pk=unindexed.pk).update(search_vector=None)
    response = client.get(DIRECTORY, {"q": "qubit laboratory", "sort": sort})
    assert response.status_code == 200
    assert indexed.name in response.content.decode()
