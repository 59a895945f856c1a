"""The data vocabulary in French: technology areas, readiness scales and levels and the KCDB's
branch and service names are rows, translated in the seed migrations, so a French reader
filters and reads in French."""

import csv

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from capabilities import selectors
from capabilities.models import KcdbLabel, ReadinessLevel, ReadinessScale, TechnologyArea
from tests.factories import ServiceFactory, TestbedFactory
from tests.support import REFERENCE_DATA as DATA
from tests.support import shared_data

FRENCH = {"Accept-Language": "fr"}


@pytest.mark.django_db
@pytest.mark.parametrize("model", [TechnologyArea, ReadinessScale, ReadinessLevel, KcdbLabel])
def test_every_seeded_row_has_its_french_name(model):
    assert model.objects.exists(), "the seed migrations fill this table"
    assert list(model.objects.filter(name_fr="").values_list("name", flat=True)) == []


@pytest.mark.skipif(not DATA.is_dir(), reason=f"reference data not found in {DATA}")
@pytest.mark.django_db
def test_every_branch_and_service_of_nrc_canadas_cmcs_has_a_french_name():
    """NRC Canada's 321 KCDB CMCs (kcdb_nrc_canada_cmc_taxonomy.csv, from
    NCSLI-MII/measurand-flask-app) name 22 branches and 30 services."""
    with (DATA / "kcdb_nrc_canada_cmc_taxonomy.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    with translation.override("fr"):
        for level, column in (("branch", "branch"), ("service", "service")):
            names = {row[column] for row in rows}
            untranslated = {
                name for name, label in KcdbLabel.labels(level, names).items() if label == name
            }
            # A few names are the same word in both languages.
            assert untranslated <= {"Force"}, (level, untranslated)


@pytest.mark.django_db
def test_a_row_without_french_falls_back_to_english():
    area = TechnologyArea.objects.create(name="Quantum gravimetry testbeds", slug="qg-testbeds")
    with translation.override("fr"):
        assert area.label == "Quantum gravimetry testbeds"
        assert TechnologyArea.objects.get(slug="single-photon-detectors").label == (
            "Détecteurs de photons uniques"
        )
    with translation.override("en"):
        assert str(TechnologyArea.objects.get(slug="single-photon-detectors")) == (
            "Single-photon detectors"
        )


@pytest.mark.django_db
def test_kcdb_labels_match_whatever_the_case():
    with translation.override("fr"):
        assert KcdbLabel.labels("branch", ["FIBRE OPTICS", "Unknown branch"]) == {
            "FIBRE OPTICS": "Fibres optiques",
            "Unknown branch": "Unknown branch",
        }


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        detectors = TechnologyArea.objects.get(slug="single-photon-detectors")
        service = ServiceFactory(
            name="Fibre optic power meter responsivity",
            published=True,
            metrology_area="PR",
            branch="Fibre optics",
            kcdb_service="Fibre optics",
            sub_service="Fibre optic power meter",
        )
        service.technology_areas.add(detectors)
        testbed = TestbedFactory(
            name="SNSPD efficiency testbed",
            published=True,
            readiness=ReadinessLevel.objects.get(scale__slug="trl", level=4),
        )
        testbed.technology_areas.add(detectors)
        yield {"service": service, "testbed": testbed}


@pytest.mark.django_db
def test_the_directory_facets_are_in_french(catalogue):
    with translation.override("fr"):
        facets = selectors.directory_search(user=AnonymousUser(), params={}).facets
    labels = {facet.key: {value.value: value.label for value in facet.values} for facet in facets}
    assert labels["area"]["single-photon-detectors"] == "Détecteurs de photons uniques"
    assert labels["area"]["communication"] == "Communication quantique"
    assert labels["branch"]["Fibre optics"] == "Fibres optiques"
    assert labels["kcdb_service"]["Fibre optics"] == "Fibres optiques"


@pytest.mark.django_db
def test_the_directory_page_filters_in_french(client, catalogue):
    page = client.get(reverse("capabilities:directory"), headers=FRENCH).content.decode()
    assert "Détecteurs de photons uniques" in page
    assert "Fibres optiques" in page
    # The sort options too.
    assert "Pertinence" in page


@pytest.mark.django_db
def test_record_pages_show_the_taxonomy_in_french(client, catalogue):
    service = client.get(catalogue["service"].get_absolute_url(), headers=FRENCH).content.decode()
    assert "Fibres optiques \u203a Fibre optic power meter" in service
    testbed = client.get(catalogue["testbed"].get_absolute_url(), headers=FRENCH).content.decode()
    assert "Technologie validée en laboratoire" in testbed
    assert "Niveau de maturité technologique (TRL)" in testbed
    english = client.get(catalogue["testbed"].get_absolute_url()).content.decode()
    assert "Technology validated in lab" in english
