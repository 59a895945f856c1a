"""The Metriq import (check → preview → apply) from the real files of the reference data:
three metriq-gym records (JSON) and the flattened table of the metriq-data set (CSV). Zero and
missing uncertainties are stored as not stated; failed runs are skipped with a line saying why;
a result imported once is not imported again, from either file."""

import csv
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outputs import services
from outputs.benchmarks_metriq import read_metriq
from outputs.enums import ResultStatus
from outputs.models import BenchmarkResult, ResultImport
from tests.factories import BenchmarkFactory, InstituteFactory, MembershipFactory, UserFactory
from tests.support import REFERENCE_DATA as DATA

pytestmark = pytest.mark.django_db

RAW = DATA / "metriq_raw"
FLAT = DATA / "metriq_gym_results_flat.csv"

#: (job type, metric) of the benchmarks the tests define.
METRICS = [
    ("QML Kernel", "accuracy_score"),
    ("Mirror Circuits", "polarization"),
    ("WIT", "expectation_value"),
    ("Linear Ramp QAOA", "score"),
]


def _upload(path: Path, content: bytes | None = None):
    return SimpleUploadedFile(path.name, path.read_bytes() if content is None else content)


@pytest.fixture
def world():
    institute = InstituteFactory(acronym="NPL", name="National Physical Laboratory")
    editor = MembershipFactory(institute=institute).user
    coordinator = UserFactory()
    benchmarks = {}
    first = None
    for job, metric in METRICS:
        benchmarks[job, metric] = first = BenchmarkFactory(
            name=f"Metriq {job} {metric}",
            metric=metric,
            unit="dimensionless",
            metriq_job_type=job,
            metriq_metric=metric,
            coordinator=coordinator,
            twa=first.twa if first else None,
        )
    return {"institute": institute, "editor": editor, "benchmarks": benchmarks}


def _check(world, path, content=None) -> ResultImport:
    upload = _upload(path, content)
    return services.result_import_check(
        actor=world["editor"],
        institute=world["institute"],
        filename=upload.name,
        lines=read_metriq(upload),
    )


def test_the_three_raw_records_import_with_their_values_and_uncertainties(world):
    for path in sorted(RAW.glob("*.json")):
        job = _check(world, path)
        # Each record's "score" repeats its main metric: no benchmark imports it.
        assert [row["fields"]["device"] for row in job.rows] == ["ibm_boston"]
        assert all("no benchmark imports" in line["reason"] for line in job.skipped)
        services.result_import_apply(actor=world["editor"], job=job)
    results = {r.benchmark.metric: r for r in BenchmarkResult.objects.select_related("benchmark")}
    assert set(results) == {"accuracy_score", "polarization", "expectation_value"}
    qml = results["accuracy_score"]
    assert (qml.value, qml.standard_uncertainty) == (0.992, 0.0028170906978654425)
    assert (qml.provider, qml.device, qml.qubit_count) == ("ibm", "ibm_boston", 156)
    assert qml.measured_on.isoformat() == "2025-12-08"
    assert {"name": "num_qubits", "value": "2"} in qml.conditions
    assert {"name": "shots", "value": "1000"} in qml.conditions
    mirror = results["polarization"]
    assert (mirror.value, mirror.uncertainty) == (0.7477145098039216, 0.004354616820067145)
    # README §4, check 6: polarization = (p - 2^-w)/(1 - 2^-w) from p = 0.7487 and w = 8.
    assert mirror.value == pytest.approx((0.7487 - 2**-8) / (1 - 2**-8))
    assert results["expectation_value"].value == 0.897216796875
    assert all(r.status == ResultStatus.DRAFT for r in results.values())
    assert all(r.institute == world["institute"] for r in results.values())


def _expected(job_type, metric):
    with FLAT.open(newline="", encoding="utf-8") as handle:
        return [
            row
            for row in csv.DictReader(handle)
            if (row["job_type"], row["metric"]) == (job_type, metric)
        ]


def test_the_flat_table_imports_and_zero_uncertainties_are_not_stated(world):
    job = _check(world, FLAT)
    qml_rows = _expected("QML Kernel", "accuracy_score")
    runs = {
        (Path(row["file"]).name, row["timestamp"], row["metric"])
        for pair in METRICS
        for row in _expected(*pair)
    }
    # One QAOA run is filed three times (under v0.4, v0.5 and v0.6): it is one result.
    assert len(runs) == sum(len(_expected(*pair)) for pair in METRICS) - 2
    assert len(job.rows) == len(runs)
    assert len(job.rows) + len(job.skipped) == 651
    assert sum(line["reason"] == "imported already." for line in job.skipped) == 2
    services.result_import_apply(actor=world["editor"], job=job)
    qml = BenchmarkResult.objects.filter(
        benchmark=world["benchmarks"]["QML Kernel", "accuracy_score"]
    )
    assert qml.count() == len(qml_rows)
    zero = [row for row in qml_rows if float(row["uncertainty"] or 0) == 0]
    assert zero, "the table has QML rows with a zero uncertainty"
    assert qml.filter(uncertainty__isnull=True).count() == len(zero)
    assert not BenchmarkResult.objects.filter(uncertainty=0).exists()
    # Braket's device ARN names the same Rigetti device as the other rows.
    devices = set(BenchmarkResult.objects.values_list("provider", "device"))
    assert ("aws", "cepheus-1-108q") in devices
    assert not any(device.startswith("arn:") for _provider, device in devices)


def test_a_result_imported_from_the_table_is_not_imported_again_from_its_record(world):
    services.result_import_apply(actor=world["editor"], job=_check(world, FLAT))
    before = BenchmarkResult.objects.count()
    again = _check(world, RAW / "2025-12-08_14-02-58_qml_kernel_b31c1b99.json")
    assert again.rows == []
    assert "imported already." in {line["reason"] for line in again.skipped}
    assert _check(world, FLAT).rows == []
    assert BenchmarkResult.objects.count() == before


def test_a_failed_run_is_skipped_with_a_line_saying_why(world):
    path = RAW / "2025-12-16_12-12-18_mirror_circuits_7c193847.json"
    records = json.loads(path.read_text())
    records[0]["outcome"] = "error"
    records[0]["outcome_detail"] = "Job failed on the device."
    job = _check(world, path, json.dumps(records).encode())
    assert job.rows == []
    reasons = {line["reason"] for line in job.skipped}
    assert "the run did not complete (outcome “error”)." in reasons


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json at all", "not a JSON file Metriq writes"),
        (b'{"hello": 1}', "has “results” and “platform”"),
    ],
)
def test_a_file_that_is_no_metriq_record_is_a_field_error(client, world, content, message):
    client.force_login(world["editor"])
    url = reverse("outputs:result_import_start")
    upload = SimpleUploadedFile("bad.json", content)
    response = client.post(url, {"institute": world["institute"].pk, "file": upload})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ResultImport.objects.exists()


def test_the_pages_check_preview_and_apply(client, world):
    client.force_login(world["editor"])
    path = RAW / "2025-12-16_16-28-23_wit_35774b4e.json"
    response = client.post(
        reverse("outputs:result_import_start"),
        {"institute": world["institute"].pk, "file": _upload(path)},
    )
    job = ResultImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    preview = client.get(job.get_absolute_url()).content.decode()
    assert "1 result to add" in preview
    assert "no benchmark imports WIT / score." in preview
    assert not BenchmarkResult.objects.exists()
    response = client.post(reverse("outputs:result_import_apply", args=[job.uuid]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.applied_at is not None
    assert BenchmarkResult.objects.get().value == 0.897216796875
    # Applied once only.
    client.post(reverse("outputs:result_import_apply", args=[job.uuid]))
    assert BenchmarkResult.objects.count() == 1


@pytest.mark.parametrize("role", ["plain user", "member of another institute"])
def test_lower_roles_cannot_import_nor_see_an_import(client, world, role):
    job = _check(world, RAW / "2025-12-16_16-28-23_wit_35774b4e.json")
    user = UserFactory() if role == "plain user" else MembershipFactory().user
    client.force_login(user)
    assert client.get(job.get_absolute_url()).status_code == 403
    assert client.post(reverse("outputs:result_import_apply", args=[job.uuid])).status_code == 403
    if role == "plain user":
        assert client.get(reverse("outputs:result_import_start")).status_code == 403
    response = client.post(
        reverse("outputs:result_import_start"),
        {"institute": world["institute"].pk, "file": _upload(RAW / job.filename)},
    )
    assert response.status_code in (200, 403)
    assert ResultImport.objects.count() == 1
    assert not BenchmarkResult.objects.exists()
