"""KCDB-native import: the KCDB's own files as they are, many institutes in one file, re-import
as a sync, and every bad input as a line of the preview.

The files are the real third-party data in ../shared/reference/data/ (see its README): the
KCDB fibre-optics listing of 23 NMIs in two runs, NRC Canada's 321 CMCs, NPL's fibre power
meter services and five full KCDB API records (MSLNZ/msl-kcdb test assertions).
"""

import csv
import io
import json

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.text import slugify

from capabilities import imports, kcdb, selectors, services
from capabilities.enums import ImportStatus, MetrologyArea, ServiceStatus, UncertaintyMode
from capabilities.models import ImportJob, Service
from tests.capabilities.kcdb_files import DATA, FIBRE_EARLIER, FIBRE_LATER, NPL, NRC, RECORDS
from tests.factories import InstituteFactory, MembershipFactory, ServiceFactory, StaffFactory

pytestmark = pytest.mark.django_db


def read(name: str, content: bytes | None = None):
    upload = SimpleUploadedFile(
        name, content if content is not None else (DATA / name).read_bytes()
    )
    return imports.read_table(upload, max_rows=5000)


def check(actor, institute, name: str, content: bytes | None = None) -> ImportJob:
    return services.import_check(
        actor=actor, institute=institute, kind="service", filename=name, rows=read(name, content)
    )


def apply(actor, job: ImportJob, *, retire_absent=False) -> ImportJob:
    assert job.status == ImportStatus.VALIDATED, job.rows
    services.import_queue(actor=actor, job=job, retire_absent=retire_absent)
    job = services.import_apply(job=job)
    assert job.status == ImportStatus.DONE, job.error
    return job


def nmis(name: str) -> list[str]:
    with open(DATA / name, encoding="utf-8") as file:
        return sorted({row["nmi_code"] for row in csv.DictReader(file)})


def institute(acronym: str):
    return InstituteFactory(acronym=acronym, slug=slugify(acronym) or "nmi")


def snapshot():
    return sorted(
        Service.objects.values_list(
            "institute__acronym", "kcdb_code", "name", "version", "status", "kcdb_aliases"
        )
    )


@pytest.fixture
def fibre_nmis():
    return {acronym: institute(acronym) for acronym in nmis(FIBRE_EARLIER)}


@pytest.fixture
def staff():
    return StaffFactory()


# --- The real files, as they are ------------------------------------------------------------


def test_the_fibre_listing_of_23_nmis_imports_for_staff_each_row_as_its_institute(
    staff, fibre_nmis
):
    job = apply(staff, check(staff, fibre_nmis["NPL"], FIBRE_EARLIER))
    assert job.to_create == 124
    assert Service.objects.count() == 124
    assert Service.objects.filter(institute=fibre_nmis["PTB"]).count() == 3
    npl = Service.objects.get(kcdb_code="EURAMET-PR-GB-000008SJ-1")
    assert (npl.institute, npl.name, npl.metrology_area) == (
        fibre_nmis["NPL"],
        "Fibre optic power meter",
        MetrologyArea.PR,
    )
    assert npl.individual_service == "Fibre optic power meter"
    assert not npl.published, "imported records are drafts until published"
    assert npl.history.get().pgh_context.metadata["user"] == staff.pk
    assert set(job.ignored_columns) == {"rmo_from_code", "country_iso2_from_code"}


def test_re_import_of_the_later_listing_is_a_sync(staff, fibre_nmis):
    apply(staff, check(staff, fibre_nmis["NPL"], FIBRE_EARLIER))
    ptb_before = Service.objects.get(kcdb_code="EURAMET-PR-DE-00000C03-1")

    job = check(staff, fibre_nmis["NPL"], FIBRE_LATER)
    actions = {}
    for row in job.rows:
        actions.setdefault(row["action"], []).append(row)
    assert len(actions["update"]) == 13, "13 version bumps"
    assert {row["code"] for row in actions["retire"]} == {
        "EURAMET-PR-GB-000008QA-1",
        "EURAMET-PR-GB-000008QB-1",
    }
    assert [row["code"] for row in actions["create"]] == ["APMP-PR-CN-00000NFA-1"]
    assert len(actions["unchanged"]) == 123 - 13 - 1
    renamed = [row for row in job.rows if row.get("code", "").startswith("CMS-")]
    cms = [row for row in job.rows if row.get("nmi") == "CMS"]
    assert not renamed
    assert len(cms) == 2, "the renamed CMS (became CMS/ITRI) is the same CMS"
    assert (job.to_create, job.to_update, job.to_retire) == (1, 13, 2)

    apply(staff, job, retire_absent=True)
    assert Service.objects.count() == 125, "no duplicates: 124 + 1 new"
    assert Service.objects.filter(status=ServiceStatus.RETIRED).count() == 2
    ptb = Service.objects.get(pk=ptb_before.pk)
    assert ptb.kcdb_code == "EURAMET-PR-DE-00000C03-6"
    assert ptb.kcdb_aliases == ["EURAMET-PR-DE-00000C03-1"]
    assert ptb.history.count() == 2, "the version bump is an update in the record's history"
    otdr = Service.objects.get(kcdb_code="SIM-PR-CR-00000NFX-2")
    assert otdr.name == "Distance scale deviation, OTDR"
    found = selectors.directory_matches(user=staff, params={"q": "EURAMET-PR-DE-00000C03-1"})
    assert list(found["service"]) == [ptb], "the earlier code still finds the record"


@pytest.mark.parametrize("name", [FIBRE_EARLIER, NRC, NPL, RECORDS])
def test_the_same_file_twice_changes_nothing(staff, fibre_nmis, name):
    for acronym in {"NRC", "MSL", "METAS", "INTI", "NMIJ AIST"} - set(fibre_nmis):
        institute(acronym)
    page = fibre_nmis["NPL"]
    apply(staff, check(staff, page, name))
    before = snapshot()
    again = check(staff, page, name)
    assert (again.to_create, again.to_update, again.to_retire) == (0, 0, 0)
    apply(staff, again)
    assert snapshot() == before


def test_nrc_canada_321_cmcs_with_taxonomy_and_parameter_ranges(staff):
    nrc = institute("NRC")
    member = MembershipFactory(institute=nrc).user
    job = apply(member, check(member, nrc, NRC))
    assert job.to_create == 321
    service = Service.objects.get(kcdb_code="SIM-EM-CA-000008LY-1")
    assert service.parameters == [
        {"name": "Frequency", "value": "50 Hz to 60 Hz"},
        {"name": "Voltage (AC)", "value": "0.1 kV to 500 kV"},
    ]
    assert (service.frequency_min_hz, service.frequency_max_hz) == (50, 60)
    assert (service.metrology_area, service.branch) == ("EM", "High voltage and current")
    assert service.sub_service == "High voltage impedance"
    assert service.individual_service == "Capacitance and dissipation factor"
    assert service.instrument == "HV capacitor: dissipation factor D"
    assert service.instrument_method == "Ratio measurement against standard: in-house and on site"
    counts = {
        area: Service.objects.filter(metrology_area=area).count()
        for area in ("PR", "T", "EM", "M", "AUV", "L", "TF")
    }
    assert counts == {"PR": 76, "T": 73, "EM": 66, "M": 50, "AUV": 25, "L": 19, "TF": 12}


def test_npl_listing_plus_minus_wavelength_and_relative_uncertainty(staff):
    npl = institute("NPL")
    apply(staff, check(staff, npl, NPL))
    assert Service.objects.count() == 9
    service = Service.objects.get(parameters__contains=[{"value": "1550 nm ± 20 nm"}])
    assert (service.wavelength_min_nm, service.wavelength_max_nm) == (1530, 1570)
    assert (service.uncertainty_mode, service.uncertainty_lower) == (UncertaintyMode.RELATIVE, 1.0)
    assert service.uncertainty_unit == "%"
    assert service.description == "(± 0.04 dB)"


def test_five_full_kcdb_api_records_with_base_units(staff):
    for acronym in ("MSL", "METAS", "INTI", "NMIJ AIST"):
        institute(acronym)
    job = apply(staff, check(staff, institute("QLAB"), RECORDS))
    assert job.to_create == 5
    metas = Service.objects.get(kcdb_code="EURAMET-EM-CH-00000GFB-5")
    assert metas.range_base_lower == pytest.approx(-3.141592653589794, rel=1e-12)
    assert metas.uncertainty_base_lower == pytest.approx(0.0034906585039886605, rel=1e-12)
    assert (metas.instrument, metas.instrument_method) == (
        "Passive device",
        "Vector network analyser",
    )
    connector = next(p for p in metas.parameters if p["name"] == "Connector")["value"]
    assert "<br" not in connector
    assert connector.startswith("BNC 50 ohm; Type-N 75 ohm")
    assert {"name": "S11 and S22", "value": "< 0.1"} in metas.parameters
    assert (metas.frequency_min_hz, metas.frequency_max_hz) == (9e3, 116.5e9)
    nmij = Service.objects.get(kcdb_code="APMP-QM-JP-000001GZ-2")
    assert nmij.range_base_lower == pytest.approx(1.0000000000000002e-12, rel=1e-9)
    assert (nmij.uncertainty_lower, nmij.uncertainty_upper) == (10.0, 1.0)
    assert nmij.uncertainty_base_lower == pytest.approx(1.0000000000000003e-13, rel=1e-9)
    cobalt = Service.objects.get(kcdb_code="APMP-RI-JP-00000HSE-1")
    assert cobalt.uncertainty_base_lower == pytest.approx(80.0)
    assert cobalt.frequency_min_hz is None, "becquerel is not a frequency"
    # The file has both analyteValue (NMIJ's antimony) and nuclideValue: each row's is read.
    assert cobalt.name == "Activity, Co-60"
    assert {"name": "Analyte", "value": "Co-60"} in cobalt.parameters
    assert {"name": "Matrix", "value": "Liquid"} in cobalt.parameters
    msl = Service.objects.get(kcdb_code="APMP-PR-NZ-00000624-1")
    assert str(msl.coverage_factor) == "2.30"
    assert {"name": "Unit", "value": "A/lx, V/lx, reading/lx"} in msl.parameters


def test_an_xlsx_with_the_kcdb_columns_reads_as_the_csv_does(staff):
    workbook = openpyxl.Workbook()
    with open(DATA / FIBRE_LATER, encoding="utf-8") as file:
        for cells in csv.reader(file):
            workbook.active.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    assert read("listing.xlsx", out.getvalue()) == read(FIBRE_LATER)


def test_kcdb_api_answer_with_its_data_envelope_is_read():
    records = json.loads((DATA / RECORDS).read_text())
    answer = json.dumps({"versionApiKcdb": "1.0.13", "pageNumber": 0, "data": records[:2]})
    assert len(read("answer.json", answer.encode())) == 2


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("Frequency", "50 Hz to 60 Hz", ("frequency", (50, 60))),
        ("Frequency", "9 kHz to 116.5 GHz", ("frequency", (9e3, 116.5e9))),
        ("Frequency", "2 to 8 GHz", ("frequency", (2e9, 8e9))),
        ("Frequency", "50 Hz, 60 Hz", ("frequency", (50, 60))),
        ("Wavelength", "1550 nm ± 20 nm", ("wavelength", (1530, 1570))),
        ("Wavelength", "1550 nm ± 0.02 µm", ("wavelength", (1530, 1570))),
        ("Correlated colour temperature", "2700 K to 3000 K", ("temperature", (2700, 3000))),
        ("Voltage (AC)", "0.1 kV to 500 kV", (None, None)),
        ("Connector", "PC-7 mm; PC-3.5 mm", (None, None)),  # a length, not a wavelength
        ("Activity", "2000 Bq to 200000 Bq", (None, None)),  # 1/s, not a frequency
    ],
)
def test_text_parameters_give_the_searchable_ranges(name, value, expected):
    dimension, found = kcdb.parameter_range(name, value)
    assert dimension == expected[0]
    assert found == (None if found is None else pytest.approx(expected[1]))


def test_parameters_of_a_kcdb_cell_are_split_and_cleaned():
    assert kcdb.parse_parameters("Frequency: 50 Hz to 60 Hz | S11: &lt; 0.1<br />dB") == [
        {"name": "Frequency", "value": "50 Hz to 60 Hz"},
        {"name": "S11", "value": "< 0.1; dB"},
    ]


def test_the_portals_own_template_with_a_kcdb_code_stays_a_template_import():
    npl = institute("NPL")
    editor = MembershipFactory(institute=npl).user
    text = "key,name,kind,kcdb_code\n,Power meter,calibration,EURAMET-PR-GB-000008SJ-1\n"
    job = check(editor, npl, "f.csv", text.encode())
    assert job.status == ImportStatus.VALIDATED
    assert "institute" not in job.rows[0], "read as the template: the page's institute"
    with pytest.raises(ValidationError, match="does not know"):
        check(editor, npl, "f.csv", b"key,name,kind,colour\n,Power meter,calibration,red\n")


# --- One file, many institutes --------------------------------------------------------------


def test_an_editor_imports_their_own_rows_and_the_preview_skips_the_others(fibre_nmis):
    editor = MembershipFactory(institute=fibre_nmis["NPL"]).user
    job = check(editor, fibre_nmis["NPL"], FIBRE_EARLIER)
    assert job.status == ImportStatus.VALIDATED
    skipped = [row for row in job.rows if row["action"] == "skip"]
    assert len(skipped) == 124 - job.to_create
    assert skipped[0]["skipped"]["column"] == "nmi_code"
    assert "you may not import" in skipped[0]["skipped"]["message"]
    apply(editor, job)
    assert set(Service.objects.values_list("institute__acronym", flat=True)) == {"NPL"}


# --- Bad input: a line in the preview with row, column and reason ----------------------------


def bad(actor, institute, text: str):
    job = check(actor, institute, "bad.csv", text.encode())
    assert job.status == ImportStatus.FAILED
    assert Service.objects.count() == 0 or job.rows
    return [(row["row"], e["column"], e["message"]) for row in job.rows for e in row["errors"]]


HEADER = "nmi_code,kcdb_code,quantity,cmc_lower_limit,cmc_upper_limit,cmc_unit,parameters\n"


def test_an_unknown_unit_is_a_preview_line(staff):
    npl = institute("NPL")
    errors = bad(staff, npl, HEADER + "NPL,EURAMET-PR-GB-000008SJ-1,Power,1,2,blorps,\n")
    assert errors[0][:2] == (2, "cmc_unit")
    assert "blorps" in errors[0][2]
    assert Service.objects.count() == 0


def test_an_uncertainty_it_cannot_read_is_a_preview_line_not_a_crash(staff):
    """Regression: the message's own "%" broke its formatting, so the import raised instead."""
    npl = institute("NPL")
    header = HEADER.replace("\n", ",typical_uncertainty_as_published\n")
    row = "NPL,EURAMET-PR-GB-000008SJ-1,Power,1,2,mW,,about one percent\n"
    errors = bad(staff, npl, header + row)
    assert errors[0][:2] == (2, "typical_uncertainty_as_published")
    assert "± 1.0 %" in errors[0][2]
    assert "about one percent" in errors[0][2]


def test_a_range_with_incompatible_units_is_a_preview_line(staff):
    npl = institute("NPL")
    row = "NPL,EURAMET-PR-GB-000008SJ-1,Power,,,,Temperature: 1 K to 5 GHz\n"
    errors = bad(staff, npl, HEADER + row)
    assert errors[0][:2] == (2, "parameters")
    assert "mixes units" in errors[0][2]


def test_an_older_code_than_the_stored_one_is_a_preview_line(staff):
    npl = institute("NPL")
    ServiceFactory(institute=npl, kcdb_code="EURAMET-PR-GB-000008SJ-2")
    errors = bad(staff, npl, HEADER + "NPL,EURAMET-PR-GB-000008SJ-1,Power,,,,\n")
    assert errors == [
        (
            2,
            "kcdb_code",
            "EURAMET-PR-GB-000008SJ-1 is older than the version the directory holds "
            "(EURAMET-PR-GB-000008SJ-2).",
        )
    ]


def test_a_row_for_another_institute_is_skipped_with_row_column_and_reason():
    npl, ptb = institute("NPL"), institute("PTB")
    editor = MembershipFactory(institute=npl).user
    job = check(
        editor, npl, "f.csv", (HEADER + "PTB,EURAMET-PR-DE-00000C10-2,Power,,,,\n").encode()
    )
    assert [(r["row"], r["skipped"]["column"]) for r in job.rows] == [(2, "nmi_code")]
    assert "PTB" in job.rows[0]["skipped"]["message"]
    apply(editor, job)
    assert not Service.objects.filter(institute=ptb).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("records.json", b"nmi_code,kcdb_code\nNPL,EURAMET-PR-GB-000008SJ-1\n"),
        ("listing.csv", b'[{"kcdbCode": "EURAMET-PR-GB-000008SJ-1"}]'),
        ("records.json", b'{"data": "nothing"}'),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(name, content):
    with pytest.raises(ValidationError) as raised:
        read(name, content)
    assert raised.value.code == "type"


# --- The import pages -----------------------------------------------------------------------


def test_preview_lists_actions_skips_ignored_columns_and_offers_retirement(client, staff):
    npl = institute("NPL")
    ServiceFactory(institute=npl, kcdb_code="EURAMET-PR-GB-000008QA-1")
    job = check(
        staff,
        npl,
        "f.csv",
        (HEADER + "NPL,EURAMET-PR-GB-000008SJ-1,Power,,,,\nXYZ,,Other,,,,\n").encode(),
    )
    client.force_login(staff)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "EURAMET-PR-GB-000008QA-1" in page
    assert 'name="retire_absent"' in page
    assert "No institute in the portal" in page
    response = client.post(
        reverse("capabilities:import_apply", kwargs={"uuid": job.uuid}), {"retire_absent": "on"}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.retire_absent


@pytest.mark.parametrize("size", [3, 30])
def test_preview_queries_do_not_grow_with_the_rows(client, staff, django_assert_num_queries, size):
    npl = institute("NPL")
    lines = "".join(f"NPL,EURAMET-PR-GB-{n:08d}-1,Power,,,,\n" for n in range(size))
    job = check(staff, npl, "f.csv", (HEADER + lines).encode())
    client.force_login(staff)
    with django_assert_num_queries(5):  # session, user, job, roles, unread count
        assert client.get(job.get_absolute_url()).status_code == 200
