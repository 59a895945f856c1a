"""The result services beyond the workflow: units converted or refused, the standard
uncertainty derived, a benchmark's unit kept once results use it, stale edits refused, and a
published result cited as evidence by its institute's testbed (only while it is published)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from capabilities.models import Evidence
from nmiq_portal.core.exceptions import StaleEdit
from outputs import services
from outputs.benchmarks_samples import read_samples
from outputs.enums import ResultStatus as S
from outputs.models import BenchmarkResult
from tests.factories import TestbedFactory
from tests.outputs.benchmarks_world import result_world

pytestmark = pytest.mark.django_db


def _create(world, **fields):
    data = {
        "provider": "ibm",
        "device": "ibm_fez",
        "value": 85.0,
        "measured_on": datetime.date(2026, 1, 5),
        **fields,
    }
    return services.benchmark_result_create(
        actor=world["author"], benchmark=world.benchmark, institute=world.result.institute, **data
    )


def test_values_in_another_unit_are_converted_and_u_is_derived():
    world = result_world(S.DRAFT)
    result = _create(
        world,
        value=0.085,
        value_unit="ms",
        uncertainty=6.0,
        uncertainty_unit="µs",
        uncertainty_kind="expanded",
        coverage_factor=3.0,
    )
    assert result.value == pytest.approx(85.0)
    assert (result.value_as_given, result.uncertainty_as_given) == ("0.085 ms", "6 µs")
    assert result.standard_uncertainty == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"value_unit": "kg"}, "value"),
        ({"uncertainty": 1.0, "uncertainty_unit": "Hz"}, "uncertainty"),
        ({"uncertainty": -1.0}, "uncertainty"),
        ({"uncertainty": 0.0}, "uncertainty"),
        ({"uncertainty": 1.0, "coverage_factor": 2.0}, "coverage_factor"),
        ({"conditions": [{"name": "shots", "value": ""}]}, "conditions"),
    ],
)
def test_what_does_not_fit_is_refused_with_its_field_and_nothing_is_stored(fields, field):
    world = result_world(S.DRAFT)
    before = BenchmarkResult.objects.count()
    with pytest.raises(ValidationError) as refused:
        _create(world, **fields)
    assert field in refused.value.message_dict
    assert BenchmarkResult.objects.count() == before


def test_the_database_refuses_a_negative_or_zero_uncertainty_too():
    world = result_world(S.DRAFT)
    for value in (-1.0, 0.0):
        with pytest.raises(IntegrityError), transaction.atomic():
            BenchmarkResult.objects.filter(pk=world.result.pk).update(
                uncertainty=value, standard_uncertainty=value
            )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"101.5\n99\n", ([101.5, 99.0], [])),
        (b"value\n101.5\n\n99\n", ([101.5, 99.0], [])),
        (b"time,value\n0,101.5\n0.5,99\n", ([101.5, 99.0], [0.0, 0.5])),
    ],
)
def test_samples_are_read_from_a_value_column_with_or_without_times(content, expected):
    assert read_samples(SimpleUploadedFile("t1.csv", content)) == expected


def test_a_benchmark_keeps_its_unit_once_results_use_it():
    world = result_world(S.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.benchmark_update(
            actor=world["coordinator"],
            benchmark=world.benchmark,
            version=world.benchmark.version,
            unit="ms",
        )
    assert "unit" in refused.value.message_dict


def test_a_stale_edit_of_a_result_is_refused(client):
    world = result_world(S.DRAFT)
    services.benchmark_result_update(
        actor=world["author"], result=world.result, version=world.result.version, method="A"
    )
    with pytest.raises(StaleEdit):
        services.benchmark_result_update(
            actor=world["author"], result=world.result, version=world.result.version, method="B"
        )
    client.force_login(world["colleague"])
    url = reverse("outputs:benchmark_result_edit", args=[world.benchmark.slug, world.result.uuid])
    data = {
        "version": world.result.version,
        "provider": "ibm",
        "device": "ibm_fez",
        "value": "0.2 ms",
        "uncertainty_kind": "standard",
        "uncertainty": "",
        "measured_on": "2026-01-05",
    }
    stale = client.post(url, data)
    assert stale.status_code == 409
    # The refusal carries the stored version, so saving again overwrites on purpose.
    stored = BenchmarkResult.objects.get(pk=world.result.pk).version
    assert stale.context["form"]["version"].value() == str(stored)
    data["version"] = stored
    assert client.post(url, data).status_code == 302
    edited = BenchmarkResult.objects.get(pk=world.result.pk)
    assert (edited.value, edited.uncertainty) == (pytest.approx(200.0), None)


def test_a_published_result_is_cited_by_its_institutes_testbed_while_published(client):
    world = result_world(S.PUBLISHED)
    testbed = TestbedFactory(institute=world.result.institute, name="Transmon test chip")
    client.force_login(world["author"])
    page = client.get(world.result.get_absolute_url()).content.decode()
    assert 'id="cite"' in page
    response = client.post(
        world.result.get_absolute_url() + "cite/",
        {"record": f"testbed:{testbed.uuid}", "note": "Our T1"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(testbed=testbed)
    assert (evidence.kind, evidence.output) == ("benchmark", world.result)
    assert world.benchmark.name in client.get(testbed.get_absolute_url()).content.decode()
    services.benchmark_result_transition(
        actor=world["author"], result=world.result, action="withdraw", comment="Wrong chip."
    )
    assert not Evidence.objects.filter(testbed=testbed).exists()
    assert Evidence.all_objects.filter(testbed=testbed).exists()
