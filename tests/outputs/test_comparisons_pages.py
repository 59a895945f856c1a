"""The comparison pages: what they show, editing by the lead institute (bad input, stale copies,
lower roles refused), the chart JSON and the CSV, and queries that do not grow with the data."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaborations.enums import ProjectKind, ProjectStatus
from outputs import comparisons_formatting as fmt
from outputs.enums import ComparisonStatus, ReferenceMethod
from outputs.models import Comparison, ComparisonResult
from tests.collaborations.factories import cast
from tests.factories import InstituteFactory
from tests.outputs.factories import add_results, comparison_world

pytestmark = pytest.mark.django_db

C = ComparisonStatus


def test_the_detail_page_shows_reference_consistency_formulas_and_the_table(client):
    # Weighted mean of 2.0 ± 0.1, 2.2 ± 0.2, 1.9 ± 0.1 (u = U/k).
    world = comparison_world(C.PUBLISHED)
    page = client.get(world.comparison.get_absolute_url()).content.decode()
    assert "Weighted mean" in page
    # x_w = (100·2.0 + 25·2.2 + 100·1.9)/225 = 1.9778; u = 225^-½ = 0.067: three decimals.
    assert 'data-testid="reference-value">1.978 mg/kg' in page
    assert "χ²<sub>obs</sub>" in page
    assert "R<sub>B</sub>" in page
    assert "u<sub>i</sub>² \u2212 u<sub>ref</sub>²" in page  # the formula that applies is shown
    assert 'data-comparison-chart="/comparisons/test-k1/chart.json"' in page
    assert "<caption>" in page


def test_the_chart_json_has_each_labs_degree_of_equivalence(client):
    world = comparison_world(C.PUBLISHED)
    data = client.get(reverse("outputs:comparison_chart", args=[world.comparison.slug])).json()
    assert data["unit"] == "mg/kg"
    assert [point["label"] for point in data["points"]] == [
        result.institute.acronym for result in world.comparison.results.all()
    ]
    evaluation = world.comparison.evaluation()
    assert [point["d"] for point in data["points"]] == [eq.d for eq in evaluation.equivalences]
    assert [point["U"] for point in data["points"]] == [eq.U for eq in evaluation.equivalences]


def test_the_csv_is_the_table_at_full_precision(client):
    world = comparison_world(C.PUBLISHED)
    response = client.get(reverse("outputs:comparison_csv", args=[world.comparison.slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    evaluation = world.comparison.evaluation()
    assert [float(row["d_i"]) for row in rows] == [eq.d for eq in evaluation.equivalences]
    assert [row["u"] for row in rows] == ["0.1", "0.2", "0.1"]
    assert {row["unit"] for row in rows} == {"mg/kg"}


def test_a_lead_editor_adds_a_result(client):
    world = comparison_world(C.DRAFT)
    comparison = world.comparison
    client.force_login(world["lead_editor"])
    institute = InstituteFactory()
    response = client.post(
        reverse("outputs:result_create", args=[comparison.slug]),
        {
            "version": comparison.version,
            "institute": institute.pk,
            "position": 4,
            "value": "2.05",
            "uncertainty_kind": "standard",
            "uncertainty": "0.05",
            "method": "ICP-MS",
            "included": "on",
        },
    )
    assert response.status_code == 302
    result = ComparisonResult.objects.get(comparison=comparison, institute=institute)
    assert result.standard_uncertainty == 0.05
    assert Comparison.objects.get(pk=comparison.pk).version == comparison.version + 1


@pytest.mark.parametrize(
    ("field", "value", "extra"),
    [
        ("value", "two point one", {}),
        ("uncertainty", "-0.1", {}),
        ("uncertainty", "0", {}),
        ("coverage_factor", "", {"uncertainty_kind": "expanded"}),
        ("coverage_factor", "2", {"uncertainty_kind": "standard"}),
        ("value", "inf", {}),
    ],
)
def test_bad_result_input_is_a_field_error_and_nothing_is_stored(client, field, value, extra):
    world = comparison_world(C.DRAFT)
    comparison = world.comparison
    client.force_login(world["proposer"])
    data = {
        "version": comparison.version,
        "institute": comparison.project.lead_institute.pk,
        "position": 9,
        "value": "2.0",
        "uncertainty_kind": "standard",
        "uncertainty": "0.1",
        "method": "IDMS",
        **extra,
        field: value,
    }
    before = ComparisonResult.objects.count()
    response = client.post(reverse("outputs:result_create", args=[comparison.slug]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ComparisonResult.objects.count() == before


def test_a_stale_copy_of_a_result_is_refused_with_409(client):
    world = comparison_world(C.DRAFT)
    comparison = world.comparison
    result = comparison.results.first()
    client.force_login(world["proposer"])
    response = client.post(
        reverse("outputs:result_edit", args=[result.pk]),
        {
            "version": comparison.version - 1,
            "institute": result.institute.pk,
            "position": result.position,
            "value": "9.9",
            "uncertainty_kind": "expanded",
            "uncertainty": "0.2",
            "coverage_factor": "2",
            "method": "IDMS",
        },
    )
    assert response.status_code == 409
    assert ComparisonResult.objects.get(pk=result.pk).value == result.value


def test_a_fixed_reference_without_its_uncertainty_is_a_field_error(client):
    crew = cast(ProjectStatus.APPROVED, kind=ProjectKind.COMPARISON)
    client.force_login(crew["proposer"])
    response = client.post(
        reverse("outputs:comparison_create"),
        {
            "project": crew.project.pk,
            "identifier": "BIPM.EM-K10",
            "measurand": "Voltage difference",
            "unit": "nV",
            "method": ReferenceMethod.FIXED,
            "reference_value": "0",
            "coverage_factor": "2",
        },
    )
    assert response.status_code == 200
    assert "reference_uncertainty" in response.context["form"].errors
    assert not Comparison.objects.exists()


def test_an_unknown_unit_is_a_field_error(client):
    crew = cast(ProjectStatus.APPROVED, kind=ProjectKind.COMPARISON)
    client.force_login(crew["proposer"])
    response = client.post(
        reverse("outputs:comparison_create"),
        {
            "project": crew.project.pk,
            "identifier": "X-1",
            "measurand": "Something",
            "unit": "furlongs per blorp",
            "method": ReferenceMethod.MEDIAN,
            "coverage_factor": "2",
        },
    )
    assert "unit" in response.context["form"].errors
    assert not Comparison.objects.exists()


@pytest.mark.parametrize(
    "role",
    ["plain_user", "partner_member", "coordinator", "conflicted_coordinator", "staff"],
)
def test_lower_roles_cannot_open_the_editing_pages(client, role):
    world = comparison_world(C.DRAFT)
    client.force_login(world[role])
    comparison = world.comparison
    result = comparison.results.first()
    for url in (
        reverse("outputs:comparison_edit", args=[comparison.slug]),
        reverse("outputs:result_create", args=[comparison.slug]),
        reverse("outputs:result_edit", args=[result.pk]),
    ):
        assert client.get(url).status_code in (403, 404), (role, url)
    response = client.post(
        reverse("outputs:result_remove", args=[result.pk]), {"version": comparison.version}
    )
    assert ComparisonResult.objects.filter(pk=result.pk).exists(), role
    assert response.status_code in (302, 403, 404)


def test_the_transition_button_submits_and_refuses_the_partner(client):
    world = comparison_world(C.DRAFT)
    url = reverse("outputs:comparison_transition", args=[world.comparison.slug])
    client.force_login(world["partner_member"])
    assert client.post(url, {"action": "submit"}).status_code == 403
    client.force_login(world["proposer"])
    assert client.post(url, {"action": "submit"}).status_code == 302
    assert Comparison.objects.get(pk=world.comparison.pk).status == C.IN_REVIEW


def _count(client, url, django_assert_num_queries, grow):
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_list_page_queries_do_not_grow_with_comparisons(client, django_assert_num_queries):
    comparison_world(C.PUBLISHED)
    _count(
        client,
        reverse("outputs:comparison_list"),
        django_assert_num_queries,
        lambda: [comparison_world(C.PUBLISHED) for _ in range(3)],
    )


def test_detail_page_queries_do_not_grow_with_results(client, django_assert_num_queries):
    world = comparison_world(C.DRAFT)
    comparison = world.comparison
    client.force_login(world["proposer"])

    def grow():
        add_results(
            Comparison.objects.get(pk=comparison.pk),
            world["proposer"],
            [InstituteFactory() for _ in range(5)],
            [(2.0 + n / 10, 0.2, 2.0) for n in range(5)],
        )

    _count(client, comparison.get_absolute_url(), django_assert_num_queries, grow)


@pytest.mark.parametrize(
    ("d", "expanded", "value", "shown"),
    [
        # NPL in BIPM.EM-K10: published D = -0.07 nV, U = 1.0 nV.
        (-0.07, 1.0, -0.07, ("-0.07", "1.0")),
        # KRISS in CCQM-K30: 2.893 - 2.99 with U(d) = 0.0612.
        (2.893 - 2.99, 0.0612, 2.893, ("-0.097", "0.061")),
        # A value entered with fewer places than U's two significant digits need.
        (0.123456, 0.0123, 3.0, ("0.123", "0.012")),
    ],
)
def test_degrees_of_equivalence_read_as_published(d, expanded, value, shown):
    assert fmt.degree(d, expanded, value) == shown
