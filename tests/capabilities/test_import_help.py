"""The import page's help: each column's accepted values from the live data, an example row in
the template that passes the check, the key optional, no Python values shown, the status badge
in step with the progress bar, and an apply that never blocks the browser without a broker."""

import csv
import io
import re
import threading

import openpyxl
import pytest
from django.db import connections
from django.urls import reverse

from capabilities import services
from capabilities.enums import ImportStatus, ServiceKind
from capabilities.models import ImportJob, TechnologyArea, Testbed
from tests.capabilities.test_imports import _eventually, check, start_url, upload
from tests.factories import InstituteFactory, MembershipFactory, TestbedFactory

pytestmark = pytest.mark.django_db

PYTHON = re.compile(r"\['|\[\{|\{'|\bNone\b|\bTrue\b|\bFalse\b")


@pytest.fixture
def institute():
    return InstituteFactory(acronym="QLAB")


@pytest.fixture
def member(institute):
    return MembershipFactory(institute=institute).user


def column_row(page: str, kind: str, column: str) -> str:
    section = page.split(f'data-kind="{kind}"', 1)[1].split("</details>", 1)[0]
    return section.split(f'data-column="{column}"', 1)[1].split("</tr>", 1)[0]


def test_a_new_technology_area_is_listed_among_the_accepted_values(client, member, institute):
    TechnologyArea.objects.create(name="Quantum gravimetry", slug="quantum-gravimetry")
    client.force_login(member)
    page = client.get(start_url(institute)).content.decode()
    for kind in ("testbed", "service"):
        row = column_row(page, kind, "technology_areas")
        assert "<code>quantum-gravimetry</code> Quantum gravimetry" in row
        assert "<code>cryogenics</code>" in row


def test_kinds_choices_and_units_come_from_the_enums_and_the_unit_table(client, member, institute):
    client.force_login(member)
    page = client.get(start_url(institute)).content.decode()
    kinds = column_row(page, "service", "kind")
    for value, label in ServiceKind.choices:
        assert f"<code>{value}</code> {label}" in kinds
    temperature = column_row(page, "testbed", "temperature_min_k")
    assert all(f"<code>{unit}</code>" in temperature for unit in ("µK", "mK", "K"))
    assert "<code>GHz</code>" in column_row(page, "testbed", "frequency_max_hz")
    assert "<code>TRL 1…9</code>" in column_row(page, "testbed", "readiness")


def test_the_key_is_optional_and_name_required(client, member, institute):
    client.force_login(member)
    page = client.get(start_url(institute)).content.decode()
    assert "<td>optional</td>" in column_row(page, "testbed", "key")
    assert "<td>yes</td>" in column_row(page, "testbed", "name")


def test_a_file_without_a_key_column_adds_its_rows(member, institute):
    job = check(member, institute, "name,temperature_min_k\nNew bench,20 mK\n")
    assert (job.status, job.to_create, job.to_update) == (ImportStatus.VALIDATED, 1, 0)


def test_the_help_shows_no_python_values(client, member, institute):
    client.force_login(member)
    page = client.get(start_url(institute)).content.decode()
    assert not PYTHON.search(page.split('id="columns-heading"', 1)[1])


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_the_csv_templates_example_row_passes_the_check(client, member, institute, kind):
    content = client.get(
        reverse("capabilities:import_template", kwargs={"kind": kind, "fmt": "csv"})
    ).content
    header, example = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    assert example[header.index("key")] == ""
    assert example[header.index("name")]
    client.force_login(member)
    response = upload(client, institute, f"{kind}s.csv", content, kind=kind)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.to_create, job.error) == (ImportStatus.VALIDATED, 1, "")


def test_the_xlsx_template_has_the_example_row_and_the_accepted_values(client, member, institute):
    content = client.get(
        reverse("capabilities:import_template", kwargs={"kind": "service", "fmt": "xlsx"})
    ).content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    header, example = list(workbook.worksheets[0].iter_rows(max_row=2, values_only=True))
    assert example[header.index("kind")] == ServiceKind.values[0]
    assert example[header.index("range_unit")] == "mW"
    help_rows = {row[0]: row for row in workbook.worksheets[1].iter_rows(values_only=True)}
    assert help_rows["key"][1] == "no"
    assert "calibration (Calibration)" in help_rows["kind"][3]
    client.force_login(member)
    upload(client, institute, "services.xlsx", content, kind="service")
    assert ImportJob.objects.get().status == ImportStatus.VALIDATED


def test_a_preview_of_a_bad_file_shows_no_python_values(client, member, institute):
    rows = [
        "key,name,access_modes,links,visibility,latitude,technology_areas,si_traceable",
        ",Bench,on_site;teleport,nowhere,secret,north,cryogenics;nope,maybe",
        "nope,,remote,,,,,",
        ",Second,remote,Lab | https://example.org,public,91,cryogenics,yes",
    ]
    client.force_login(member)
    upload(client, institute, "bad.csv", "\n".join(rows) + "\n")
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-testid="error-count">0<' not in page
    assert not PYTHON.search(page.split("<main", 1)[1])


def test_the_status_badge_moves_with_the_progress_bar(client, member, institute):
    job = check(member, institute, "key,name\n,Bench\n")
    client.force_login(member)
    url = reverse("capabilities:import_progress", kwargs={"uuid": job.uuid})
    services.import_queue(actor=member, job=job)
    detail = client.get(job.get_absolute_url()).content.decode()
    assert 'id="import-status-badge"' in detail
    assert "hx-swap-oob" not in detail
    queued = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert re.search(
        r'id="import-status-badge"[^>]*data-status="queued" hx-swap-oob="true"', queued
    )
    services.import_apply(job=job)
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert re.search(r'text-bg-success" data-status="done" hx-swap-oob="true">Applied<', done)


def _detached_imports() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "task-capabilities.tasks.apply_import"]


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_apply_answers_at_once_and_the_bar_moves(client):
    """Tasks run eagerly (the quick start): the import runs beside the request, which returns
    while a row lock held here stops the import half-way; the progress page shows it running."""
    institute = InstituteFactory(acronym="QLAB")
    member = MembershipFactory(institute=institute).user
    blocker = TestbedFactory(institute=institute, name="Blocker")
    lines = ["key,name"] + [f"{blocker.slug if n == 6 else ''},Bench {n}" for n in range(1, 11)]
    client.force_login(member)
    upload(client, institute, "ten.csv", "\n".join(lines) + "\n")
    job = ImportJob.objects.get()
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM capabilities_testbed WHERE id = %s FOR UPDATE", [blocker.pk]
            )
        response = client.post(reverse("capabilities:import_apply", kwargs={"uuid": job.uuid}))
        assert response.status_code == 302, "the request returned while the import waits"
        _eventually(lambda: ImportJob.objects.get().processed == 5)
        progress = reverse("capabilities:import_progress", kwargs={"uuid": job.uuid})
        partial = client.get(progress, headers={"HX-Request": "true"}).content.decode()
        assert "5 of 10 rows saved" in partial
        assert 'data-status="running"' in partial
    finally:
        other.rollback()
        other.close()
    for thread in _detached_imports():
        thread.join()
    job.refresh_from_db()
    assert (job.status, job.processed) == (ImportStatus.DONE, 10)
    assert Testbed.objects.filter(institute=institute).count() == 10
