"""The directory's table view: services as the KCDB shows CMCs, sortable, with chosen columns,
and the CSV export with values as the page shows them."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from capabilities.models import TechnologyArea
from tests.factories import InstituteFactory, ServiceFactory, TestbedFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("capabilities:directory")
CSV = reverse("capabilities:directory_export", args=["csv"])
NBSP = "\u00a0"
DASH = "\u2013"


@pytest.fixture
def listing():
    ptb = InstituteFactory(acronym="PTB", name="Physikalisch-Technische Bundesanstalt")
    npl = InstituteFactory(acronym="NPL", name="National Physical Laboratory", economy="GB")
    ServiceFactory(
        institute=npl,
        name="Fibre power meter calibration",
        quantity="Optical power in single-mode fibre",
        range_lower=0.01,
        range_upper=10,
        range_unit="mW",
        uncertainty_mode="relative",
        uncertainty_lower=0.5,
        uncertainty_upper=1.0,
        uncertainty_unit="%",
        coverage_factor=Decimal("2.00"),
        confidence_level=Decimal("95.0"),
        instrument="Optical power meter",
        instrument_method="Comparison with a thermal detector",
        kcdb_code="EURAMET-PR-GB-00000ABC-2",
        lead_time="4 to 6 weeks",
        charging="commercial",
        access_modes=["send_in"],
    )
    ServiceFactory(
        institute=ptb,
        name="Attenuation measurement",
        quantity="Attenuation",
        range_lower=0,
        range_upper=60,
        range_unit="dB",
        uncertainty_lower=0.02,
        uncertainty_upper=0.02,
        uncertainty_unit="dB",
        coverage_factor=Decimal("2"),
        lead_time="2 weeks",
        charging="free_for_nmis",
    )
    TestbedFactory(
        institute=ptb,
        name="Dilution refrigerator",
        quantities=["Temperature"],
        temperature_min_k=0.02,
        temperature_max_k=300,
        access_modes=["on_site", "remote"],
    )
    return {"ptb": ptb, "npl": npl}


def page(client, **params):
    response = client.get(DIRECTORY, {"view": "table", **params})
    assert response.status_code == 200
    return response.content.decode()


def row_names(html):
    return re.findall(r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>', html)


def headings(html):
    return re.findall(r'<th scope="col"[^>]*data-column="(\w+)"', html)


def test_the_table_shows_services_as_the_kcdb_shows_cmcs(client, listing):
    html = page(client, sort="name")
    assert headings(html) == [
        "name",
        "institute",
        "quantity",
        "range",
        "uncertainty",
        "instrument",
        "kcdb_code",
        "lead_time",
        "charging",
        "access",
    ]
    assert f"0.01{NBSP}mW {DASH} 10{NBSP}mW" in html
    assert f"0.5{NBSP}% {DASH} 1{NBSP}% (k = 2, 95 % level of confidence)" in html
    assert f"0.02{NBSP}dB (k = 2)" in html
    assert "Optical power meter / Comparison with a thermal detector" in html
    assert "EURAMET-PR-GB-00000ABC-2" in html
    assert "Commercial" in html
    assert "Free for NMIs" in html
    assert "Send-in samples" in html
    assert "commercial<" not in html  # labels, not codes
    assert "send_in<" not in html
    assert "table-responsive" in html


def test_a_testbed_in_the_table_shows_what_applies_to_it(client, listing):
    html = page(client, type="testbed")
    (row,) = re.findall(r'<tr data-type="testbed">(.*?)</tr>', html, re.S)
    cells = dict(re.findall(r'<td data-column="(\w+)">([^<]*)</td>', row))
    assert cells["institute"] == "PTB"
    assert cells["quantity"] == "Temperature"
    assert cells["range"] == f"Temperature: 20{NBSP}mK {DASH} 300{NBSP}K"
    assert cells["access"] == "On site, Remote"
    assert cells["kcdb_code"] == cells["lead_time"] == cells["charging"] == "—"


def test_institutes_stay_in_the_cards_and_the_table_says_so(client, listing):
    html = page(client)
    assert set(row_names(html)) == {
        "Fibre power meter calibration",
        "Attenuation measurement",
        "Dilution refrigerator",
    }
    assert "2 other results (institutes or pages) are listed in the cards only." in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "lead_time",
            ["Attenuation measurement", "Fibre power meter calibration", "Dilution refrigerator"],
        ),
        (
            "-lead_time",
            ["Fibre power meter calibration", "Attenuation measurement", "Dilution refrigerator"],
        ),
        (
            "institute",
            ["Fibre power meter calibration", "Attenuation measurement", "Dilution refrigerator"],
        ),
        (
            "-institute",
            ["Attenuation measurement", "Dilution refrigerator", "Fibre power meter calibration"],
        ),
        (
            "charging",
            ["Fibre power meter calibration", "Attenuation measurement", "Dilution refrigerator"],
        ),
        (
            "-name",
            ["Fibre power meter calibration", "Dilution refrigerator", "Attenuation measurement"],
        ),
        (
            "kcdb_code",
            ["Fibre power meter calibration", "Attenuation measurement", "Dilution refrigerator"],
        ),
    ],
)
def test_columns_sort_on_the_server_with_empty_values_last(client, listing, sort, expected):
    assert row_names(page(client, sort=sort)) == expected


def test_equal_values_sort_by_name_then_id(client):
    institute = InstituteFactory()
    for name in ("B", "A", "C", "A"):
        ServiceFactory(institute=institute, name=name, lead_time="2 weeks")
    html = page(client, sort="lead_time", type="service")
    assert row_names(html) == ["A", "A", "B", "C"]
    assert row_names(page(client, sort="-lead_time", type="service")) == ["A", "A", "B", "C"]


def test_sorted_headings_say_so_and_link_to_the_other_direction(client, listing):
    html = page(client, sort="lead_time", q="")
    heading = re.search(
        r'<th scope="col" aria-sort="ascending" data-column="lead_time">(.*?)</th>', html, re.S
    )
    assert heading is not None
    assert "sort=-lead_time" in heading.group(1)
    assert 'aria-sort="none" data-column="institute"' in html
    assert "sort=institute" in html
    # Instrument and access are not sortable: plain headings.
    assert '<th scope="col" data-column="access">' in html


def test_an_unknown_sort_falls_back_to_relevance_and_cards_ignore_column_sorts(client, listing):
    assert len(row_names(page(client, sort="pk; drop table"))) == 3
    cards = client.get(DIRECTORY, {"sort": "-lead_time"}).content.decode()
    assert 'value="relevance" selected' in cards


def test_the_sort_box_keeps_a_column_sort(client, listing):
    html = page(client, sort="-lead_time")
    assert '<option value="-lead_time" selected>Lead time, descending</option>' in html
    assert '<input type="hidden" name="view" value="table">' in html


def test_the_column_chooser_keeps_its_choice_in_the_url(client, listing):
    html = page(client, cols=["range", "institute", "nonsense"])
    assert headings(html) == ["name", "institute", "range"]
    assert 'name="cols" value="range" id="col-range" checked' in html
    assert 'name="cols" value="lead_time" id="col-lead_time">' in html
    # The pages, the sort links and the export carry the choice.
    assert "cols=range" in re.search(r'data-column="institute">\s*<a href="([^"]+)"', html)[1]
    assert re.search(r'href="/directory/export/csv/\?[^"]*cols=range', html)


def test_no_valid_column_chosen_shows_them_all(client, listing):
    assert len(headings(page(client, cols=["nonsense"]))) == 10


def test_htmx_swaps_the_table_and_the_toggle_keeps_the_search(client, listing):
    response = client.get(
        DIRECTORY, {"view": "table", "economy": "GB"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert row_names(html) == ["Fibre power meter calibration"]
    assert 'href="?economy=GB"' in html  # back to the cards, same search
    cards = client.get(DIRECTORY, {"economy": "GB"}).content.decode()
    assert 'href="?economy=GB&amp;view=table"' in cards


def test_the_table_queries_are_constant_in_page_size(
    client, monkeypatch, django_assert_num_queries, django_assert_max_num_queries
):
    from capabilities.views import search as views

    cryogenics = TechnologyArea.objects.get(slug="cryogenics")
    institute = InstituteFactory()
    for n in range(4):
        TestbedFactory(institute=institute, name=f"Item {n} bench", technology_areas=[cryogenics])
        ServiceFactory(
            institute=institute, name=f"Item {n} service", lead_time=f"{n} weeks", range_unit="K"
        )
    # Sorted by a column, a page of two holds a testbed and a service.
    params = {"view": "table", "sort": "-name"}
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.get(DIRECTORY, params)  # the search synonyms are read once, then cached
    with django_assert_max_num_queries(45) as few:
        client.get(DIRECTORY, params)
    monkeypatch.setattr(views, "PAGE_SIZE", 50)
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(DIRECTORY, params).content.decode()
    assert len(row_names(html)) == 8


# --- The CSV ------------------------------------------------------------------------------------


def csv_rows(client, **params):
    response = client.get(CSV, params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_labels_and_units_as_the_page_shows_them(client, listing):
    rows = {row["name"]: row for row in csv_rows(client)}
    fibre = rows["Fibre power meter calibration"]
    assert fibre["type"] == "Service"
    assert fibre["range"] == f"0.01{NBSP}mW {DASH} 10{NBSP}mW"
    assert fibre["uncertainty"] == f"0.5{NBSP}% {DASH} 1{NBSP}% (k = 2, 95 % level of confidence)"
    assert fibre["charging"] == "Commercial"
    assert fibre["access"] == "Send-in samples"
    assert fibre["service_kind"] == "Calibration"
    assert fibre["status"] == "Offered"
    assert fibre["visibility"] == "Public"
    assert fibre["economy"] == "United Kingdom"
    assert fibre["lead_time"] == "4 to 6 weeks"
    fridge = rows["Dilution refrigerator"]
    assert fridge["operating_ranges"] == f"Temperature: 20{NBSP}mK {DASH} 300{NBSP}K"
    assert fridge["access"] == "On site, Remote"
    assert rows["Physikalisch-Technische Bundesanstalt"]["type"] == "Institute"


def test_the_csv_of_the_table_view_has_its_records_and_chosen_columns(client, listing):
    response = client.get(CSV, {"view": "table", "cols": ["lead_time", "range"]})
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == ["type", "name", "range", "lead_time", "url"]
    assert {row[1] for row in rows} == {
        "Fibre power meter calibration",
        "Attenuation measurement",
        "Dilution refrigerator",
    }
