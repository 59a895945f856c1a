"""The landscape against a hand-built world: counts of public items per area (sub-areas
included, an item in two areas of a subtree once), current levels and trends, gaps as
sentences, the same data on the page, in the exports and the API, and one query per kind of
count whatever the number of areas."""

import csv
import datetime
import io

import pytest

from capabilities.enums import TestbedStatus as RecordStatus
from capabilities.models import ReadinessLevel, TechnologyArea
from collaborations.enums import NeedVisibility
from outputs.enums import AssessmentStatus, TermStatus
from outputs.models import Benchmark
from outputs.selectors import COUNTED_KINDS, landscape, landscape_data
from tests.collaborations.factories import (
    ProjectFactory,
    TechnicalWorkingAreaFactory,
    need_posted,
)
from tests.factories import (
    AssessmentFactory,
    BenchmarkFactory,
    BenchmarkResultFactory,
    GuideFactory,
    GuideVersionFactory,
    InstituteFactory,
    TermFactory,
    TestbedFactory,
)
from tests.support import shared_data

pytestmark = pytest.mark.django_db

QP, CRYO, SPD = "quantum-processors", "cryogenics", "single-photon-detectors"
NOTHING = {kind.key: 0 for kind in COUNTED_KINDS}


def _srl(level):
    return ReadinessLevel.objects.get(scale__slug="srl", level=level)


def build():
    """Quantum processors: an agreed term (and a proposal), a benchmark with three published
    results of one institute (and a draft of another), one of them from an active project;
    SRL 2 then SRL 3 published, SRL 5 in draft. Cryogenics: an operational testbed (and a
    planned one, and an unpublished one). A published guide in both areas, a draft guide in
    single-photon detectors, which has SRL 4 published, a public open need (and a members-only
    one) and nothing else."""
    area = {slug: TechnologyArea.objects.get(slug=slug) for slug in (QP, CRYO, SPD)}
    TermFactory(technology_area=area[QP], state=TermStatus.AGREED)
    TermFactory(technology_area=area[QP])
    guide = GuideFactory(technology_areas=[area[QP], area[CRYO]])
    GuideVersionFactory(guide=guide, state="published")
    GuideVersionFactory(guide=GuideFactory(technology_areas=[area[SPD]]), state="draft")
    benchmark = BenchmarkFactory(technology_area=area[QP])
    lab = InstituteFactory()
    project = ProjectFactory(twa=benchmark.twa, lead_institute=lab, state="active")
    BenchmarkResultFactory(benchmark=benchmark, institute=lab, state="published", project=project)
    for _ in range(2):
        BenchmarkResultFactory(benchmark=benchmark, institute=lab, state="published")
    BenchmarkResultFactory(benchmark=benchmark, state="draft")
    lab_of_testbeds = InstituteFactory()
    TestbedFactory(institute=lab_of_testbeds, technology_areas=[area[CRYO]])
    TestbedFactory(
        institute=lab_of_testbeds, technology_areas=[area[CRYO]], status=RecordStatus.PLANNED
    )
    TestbedFactory(institute=lab_of_testbeds, technology_areas=[area[CRYO]], published=False)
    twa = TechnicalWorkingAreaFactory()
    for level, day, state in ((2, 1, "published"), (3, 2, "published"), (5, 3, "draft")):
        AssessmentFactory(
            technology_area=area[QP],
            twa=twa,
            level=_srl(level),
            assessed_on=datetime.date(2026, day, 1),
            state=state,
        )
    AssessmentFactory(technology_area=area[SPD], twa=twa, level=_srl(4), state="published")
    need_posted(area=SPD)
    need_posted(area=SPD, visibility=NeedVisibility.MEMBERS)


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        build()
        yield


@pytest.fixture
def world(_world, db):
    return {row.area.slug: row for row in landscape().rows}


def test_an_area_counts_the_public_items_of_its_subtree_once(world):
    assert world[QP].counts == {
        **NOTHING,
        "terms": 1,
        "guides": 1,
        "benchmarks": 1,
        "results": 3,
        "projects": 1,
    }
    assert world[CRYO].counts == {**NOTHING, "guides": 1, "testbeds": 1}
    expected_parent = {**world[QP].counts, "testbeds": 1}
    assert world["superconducting"].counts == expected_parent
    assert world["computing"].counts == expected_parent
    assert world[SPD].counts == {**NOTHING, "needs": 1}
    assert world["sensing-timing"].counts == NOTHING


def test_the_current_level_is_the_latest_published_and_its_trend_comes_from_the_series(world):
    assert world[QP].readiness.current.level_label == "SRL 3"
    assert (world[QP].readiness.trend, world[SPD].readiness.trend) == ("rising", "first")
    assert world[SPD].readiness.current.level_label == "SRL 4"
    assert world["superconducting"].readiness is None


def test_gaps_are_named_once_at_the_area_they_belong_to(world):
    gaps = [gap for row in world.values() for gap in row.gaps]
    qp_name, benchmark = world[QP].area.name, Benchmark.objects.get().name
    assert (
        f"{qp_name}: results of one institute only for the benchmark “{benchmark}” (3 results)"
        in gaps
    )
    assert "Single-photon detectors: SRL 4 claimed and no published guide" in gaps
    assert "Single-photon detectors: 1 open industry need and no operational testbed" in gaps
    assert not world["superconducting"].gaps
    assert not world["computing"].gaps
    assert not [gap for gap in gaps if "SRL 5" in gap]


def test_each_benchmark_whose_results_come_from_one_institute_is_named_at_its_area(world):
    """Two benchmarks of single-photon sources, each measured by one institute (another each),
    are named; one measured by two institutes, or with only a draft result, is not."""
    sources = TechnologyArea.objects.get(slug="single-photon-sources")
    first, second = InstituteFactory(), InstituteFactory()
    lonely = {}
    for name, institutes in (("G(2) at 1550 nm", [first, first]), ("HOM visibility", [second])):
        lonely[name] = BenchmarkFactory(name=name, technology_area=sources)
        for institute in institutes:
            BenchmarkResultFactory(benchmark=lonely[name], institute=institute, state="published")
    shared = BenchmarkFactory(name="Brightness", technology_area=sources)
    for institute in (first, second):
        BenchmarkResultFactory(benchmark=shared, institute=institute, state="published")
    draft_only = BenchmarkFactory(name="Purity", technology_area=sources)
    BenchmarkResultFactory(benchmark=draft_only, institute=first, state="draft")
    rows = {row.area.slug: row for row in landscape().rows}
    assert rows["single-photon-sources"].gaps == [
        "Single-photon sources: results of one institute only for the benchmarks "
        "“G(2) at 1550 nm” (2 results), “HOM visibility” (1 result)"
    ]
    assert not [gap for gap in rows["communication"].gaps if "one institute" in gap]


@pytest.mark.usefixtures("_world")
def test_the_landscape_is_one_query_per_kind_whatever_the_number_of_areas(
    db, django_assert_num_queries
):
    # The areas, the published assessments, one query per kind of count, then the benchmarks
    # whose results come from one institute.
    expected = 3 + len(COUNTED_KINDS)
    with django_assert_num_queries(expected):
        few = landscape()
    parent = TechnologyArea.objects.get(slug=QP)
    for n in range(40):
        TechnologyArea.objects.create(name=f"Sub-area {n}", slug=f"sub-area-{n}", parent=parent)
    with django_assert_num_queries(expected):
        many = landscape()
    assert len(many.rows) == len(few.rows) + 40


@pytest.mark.usefixtures("_world")
def test_the_page_shows_levels_trends_counts_and_gaps_in_words(client):
    response = client.get("/landscape/")
    assert response.status_code == 200
    page = response.content.decode()
    for words in ("SRL 3", "Rising", "First assessment"):
        assert words in page
    assert '<span aria-hidden="true">↑</span>' in page
    assert "results of one institute only for the benchmark" in page
    assert 'scope="row"' in page
    assert 'scope="col"' in page
    assert 'href="/guides/?area=quantum-processors"' in page


@pytest.mark.usefixtures("_world")
def test_the_exports_and_the_api_give_the_same_table(client, api):
    as_json = client.get("/landscape/export/json/").json()
    assert api.get("/api/v1/landscape/").json() == as_json
    assert as_json == landscape_data(landscape())
    rows = list(csv.DictReader(io.StringIO(client.get("/landscape/export/csv/").content.decode())))
    by_path = {row["path"]: row for row in rows}
    qp = by_path["computing/superconducting/quantum-processors"]
    assert (qp["scale"], qp["level"], qp["trend"], qp["results"]) == ("srl", "3", "rising", "3")
    assert len(rows) == TechnologyArea.objects.count()


@pytest.mark.usefixtures("_world")
def test_the_landscape_is_the_same_for_every_viewer(client):
    anonymous = client.get("/landscape/export/json/").json()
    author = AssessmentFactory(state=AssessmentStatus.DRAFT).author
    client.force_login(author)
    assert client.get("/landscape/export/json/").json() == anonymous
