"""The demo comparisons come out as published: CCQM-K30's KCRV is the arithmetic mean 2.99 mg/kg
of its nine included results, and BIPM.EM-K10 gives back the published Dᵢ and Uᵢ in nV; seeding
again changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from capabilities.models import Evidence, Service
from nmiq_portal.workflow import events_for
from outputs.demo import CITATION, K10, K30
from outputs.enums import ComparisonStatus, ReferenceMethod
from outputs.models import Comparison, ComparisonResult
from tests.support import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield


@pytest.fixture
def seeded(_seeded):
    return {c.identifier: c for c in Comparison.objects.public()}


def test_both_comparisons_are_published_through_the_engine(seeded):
    assert set(seeded) == {"CCQM-K30", "BIPM.EM-K10"}
    for comparison in seeded.values():
        assert comparison.status == ComparisonStatus.PUBLISHED
        actions = [event.action for event in events_for(comparison)]
        assert actions == ["create", "submit", "publish"]


def test_ccqm_k30_reference_value_is_the_published_kcrv(seeded, client):
    comparison = seeded["CCQM-K30"]
    assert comparison.method == ReferenceMethod.ARITHMETIC_MEAN
    evaluation = comparison.evaluation()
    assert evaluation.reference.value == pytest.approx(2.99, abs=1e-12)
    assert evaluation.reference.n == 9
    assert comparison.results.count() == len(K30) == 11
    page = client.get(comparison.get_absolute_url()).content.decode()
    assert 'data-testid="reference-value">2.990 mg/kg' in page
    assert "Arithmetic mean" in page


def test_bipm_em_k10_gives_back_the_published_degrees_of_equivalence(seeded, client):
    comparison = seeded["BIPM.EM-K10"]
    assert comparison.method == ReferenceMethod.FIXED
    evaluation = comparison.evaluation()
    assert evaluation.consistency is None
    for (_row, _lab, d, expanded), eq in zip(K10, evaluation.equivalences, strict=True):
        assert eq.d == pytest.approx(d, abs=1e-12)
        assert pytest.approx(expanded, abs=1e-12) == eq.U
    renamed = ComparisonResult.objects.get(comparison=comparison, position=6)
    assert (renamed.institute.acronym, renamed.reported_as) == ("LNE", "BNM-LCIE")
    data = client.get(f"/comparisons/{comparison.slug}/chart.json").json()
    assert [p["d"] for p in data["points"]] == [d for _row, _lab, d, _u in K10]


def test_nrcs_dc_voltage_service_cites_bipm_em_k10_on_its_page(seeded, client):
    acronym, service_name, identifier, _note = CITATION
    service = Service.objects.get(institute__acronym=acronym, name=service_name)
    assert [e.output for e in service.evidence.all()] == [seeded[identifier]]
    page = client.get(service.get_absolute_url()).content.decode()
    assert f'href="{seeded[identifier].get_absolute_url()}"' in page


def test_seeding_again_changes_nothing(seeded):
    def counts():
        return (
            Comparison.objects.count(),
            ComparisonResult.objects.count(),
            Evidence.all_objects.count(),
        )

    before = counts()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before
