"""The demo benchmark: Metriq's QML Kernel results at 10 qubits, published through the services
and the engine, each as the data set gives it; seeding again changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from nmiq_portal.workflow import events_for
from outputs.demo import METRIQ_QML_10
from outputs.enums import ResultStatus
from outputs.models import Benchmark, BenchmarkResult
from tests.outputs.guides_world import guide_media  # noqa: F401
from tests.support import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, guide_media):  # noqa: F811
    with shared_data(django_db_blocker):
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield


def test_the_demo_benchmark_has_the_real_metriq_results_published(seeded, db, client):
    benchmark = Benchmark.objects.get(metriq_job_type="QML Kernel")
    results = BenchmarkResult.objects.filter(benchmark=benchmark)
    assert results.count() == len(METRIQ_QML_10) == 13
    assert set(results.values_list("status", flat=True)) == {ResultStatus.PUBLISHED}
    boston = results.get(device="ibm_boston")
    # metriq-data, 2025-12-08_14-03-06_qml_kernel_c9708f78.json: 0.866 ± 0.010772372069326236.
    assert (boston.value, boston.standard_uncertainty) == (0.866, 0.010772372069326236)
    assert [e.action for e in events_for(boston)] == ["create", "submit", "publish"]
    chart = client.get(f"/benchmarks/{benchmark.slug}/chart.json").json()
    assert len(chart["series"]) == 13


def test_seeding_again_changes_nothing(seeded, db, settings):
    settings.DEBUG = True
    before = BenchmarkResult.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert BenchmarkResult.objects.count() == before
