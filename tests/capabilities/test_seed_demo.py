import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.test import Client, override_settings

from capabilities import models
from capabilities.demo import DEMO_PASSWORD, INSTITUTES, demo_email
from capabilities.enums import ServiceKind, Visibility
from capabilities.models import Contact, Institute, Membership, Service
from capabilities.selectors import directory_matches
from tests.support import shared_data

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_marks_its_data(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Institute.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Institute.objects.count(), Membership.objects.count()) == counts
    # Other apps' demos (outputs' comparisons) add demo institutes of their own.
    directory = Institute.objects.filter(acronym__in=[row[0] for row in INSTITUTES])
    assert directory.count() == len(INSTITUTES)
    assert directory.filter(demo=True, verified=True).count() == len(INSTITUTES)
    assert not Institute.objects.filter(demo=False).exists()
    nist = Institute.objects.get(acronym="NIST")
    assert (nist.economy.code, nist.rmo, nist.kind) == ("US", "SIM", "nmi")
    assert Institute.objects.get(acronym="QED-C").rmo == ""


def test_seed_demo_refuses_a_production_site(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo")
    assert not Institute.objects.exists()


# --- The demo directory: what a consortium member finds ---------------------------------------


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the class and rolled back after it."""
    with shared_data(django_db_blocker):
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield


def _names(qs) -> set[str]:
    return {f"{record.institute.acronym}: {record.name}" for record in qs}


def _found(params, user=None) -> dict[str, set[str]]:
    matches = directory_matches(user=user or AnonymousUser(), params=params)
    return {
        "testbed": _names(matches["testbed"].select_related("institute")),
        "service": _names(matches["service"].select_related("institute")),
    }


def _user(local_part: str):
    return get_user_model().objects.get(email=demo_email(local_part))


NIST_CALIBRATION = "NIST: Cryogenic two-port microwave calibration below 20 mK"
NIST_ATTENUATORS = (
    "NIST: Microwave attenuator thermalisation and power handling with qubit coherence"
)
NIST_DRAFT = "NIST: Quantum amplifier calibration with a calibrated noise source"
SQMS_ROUND_ROBIN = "SQMS: Superconducting qubit round robin"
GQUAT_COMPONENTS = "NMIJ: G-QuAT hardware testbed for cryogenic components"
GQUAT_ONE_STOP = "NMIJ: G-QuAT one-stop testbed for traceable testing and calibration"
PTB_QKD = "PTB: Quantum communication testbed"
INRIM_QUTEST = "INRiM: Qu-Test quantum communication test and experimentation"
LNE_GRAVIMETRY = "LNE: Quantum gravimetry (LNE-SYRTE, Trappes)"
NPL_1550 = "NPL: Fibre-optic power meter calibration at 1550 nm"
NPL_LINEARITY = "NPL: Fibre-optic power meter linearity"
NPL_RHODIUM_IRON = "NPL: Rhodium-iron thermometer calibration down to 0.65 K"
NRC_RESPONSIVITY = "NRC: Spectral power responsivity of detectors, 1550 nm to 1700 nm"


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoDirectory:
    @pytest.mark.parametrize(
        "email",
        [
            "staff@demo.nmi-q.example",
            "admin.npl@demo.nmi-q.example",
            "editor.ptb@demo.nmi-q.example",
            "user@demo.nmi-q.example",
        ],
    )
    def test_every_demo_account_signs_in(self, settings, email):
        settings.DEBUG = True
        client = Client()
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.content

    def test_seeding_again_creates_and_records_nothing_new(self):
        seeded = (Institute, Membership, Contact, models.Testbed, Service)

        def counts():
            # Rows and history rows (pghistory's event model of each).
            return [m.objects.count() for m in seeded] + [
                m.history.field.model.objects.count() for m in seeded if m is not Membership
            ]

        before = counts()
        out = io.StringIO()
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=out)
        assert counts() == before
        assert "testbeds 0 created 0 updated" in out.getvalue()

    def test_a_changed_demo_record_is_brought_back_through_the_services(self):
        record = models.Testbed.objects.get(name=NIST_ATTENUATORS.split(": ", 1)[1])
        record.temperature_max_k = 300.0
        record.save()
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        record.refresh_from_db()
        assert record.temperature_max_k == 1.0
        assert record.history.order_by("-pgh_id").first().temperature_max_k == 1.0

    def test_sizes_spread_and_places_are_those_of_a_real_directory(self):
        testbeds, services = models.Testbed.objects.all(), Service.objects.all()
        assert 12 <= testbeds.count() <= 20
        assert 10 <= services.count() <= 15
        institutes = Institute.objects.filter(
            Q(testbeds__isnull=False) | Q(services__isnull=False)
        ).distinct()
        assert all(institute.demo and institute.verified for institute in institutes)
        assert len({i.economy.code for i in institutes}) >= 8
        assert {i.rmo for i in institutes} >= {"EURAMET", "SIM", "APMP"}
        ptb = models.Testbed.objects.get(name="Ion-trap testbed")
        assert (ptb.city, ptb.latitude, ptb.longitude) == ("Braunschweig", 52.29, 10.46)
        assert not testbeds.filter(latitude__isnull=False, city="").exists()
        used = set(testbeds.values_list("technology_areas__slug", flat=True))
        assert used >= {"cryogenics", "signal-delivery", "qkd", "gravimetry", "clocks"}

    def test_every_record_is_indexed_says_its_source_and_has_a_fictional_contact(self):
        for model in (models.Testbed, Service, Institute):
            assert not model.objects.filter(search_vector__isnull=True).exists(), model
        for record in [*models.Testbed.objects.all(), *Service.objects.all()]:
            assert "*Demo record drawn from the " in record.description, record
            assert record.contacts.exists(), record
        emails = Contact.objects.values_list("email", flat=True)
        assert emails
        assert all(email.endswith("@example.org") for email in emails)
        assert set(Contact.objects.public().values_list("email", flat=True)) == set(emails)

    def test_history_names_the_demo_member_who_entered_the_record(self):
        record = Service.objects.get(name=NPL_1550.split(": ", 1)[1])
        first = record.history.select_related("pgh_context").order_by("pgh_id").first()
        assert first.pgh_context.metadata["user"] == _user("admin.npl").pk

    def test_kcdb_cmcs_keep_their_codes_ranges_and_coverage(self):
        # reference/data/kcdb_cmc_full_records.json
        metas = Service.objects.get(institute__acronym="METAS")
        assert metas.kcdb_code == "EURAMET-EM-CH-00000GFB-5"
        assert (metas.range_lower, metas.range_upper, metas.range_unit) == (-180, 180, "degree")
        assert (metas.uncertainty_lower, metas.uncertainty_upper) == (0.2, 1.4)
        assert (metas.coverage_factor, metas.confidence_level) == (2, 95)
        # The KCDB's base unit is -3.141592653589794 rad: equal within rounding, not exactly.
        assert metas.range_base_lower == pytest.approx(-3.141592653589794, rel=1e-12)
        assert metas.range_base_unit == "rad"
        assert (metas.frequency_min_hz, metas.frequency_max_hz) == (9e3, 116.5e9)
        assert "<br" not in str(metas.parameters)
        inti = Service.objects.get(institute__acronym="INTI")
        assert (inti.kcdb_code, inti.range_unit, inti.uncertainty_upper) == (
            "SIM-EM-AR-00000K2C-1",
            "°",
            8.9,
        )
        assert inti.range_base_upper == pytest.approx(metas.range_base_upper, rel=1e-12)

    def test_no_uncertainty_is_invented(self):
        npl = Service.objects.get(name=NPL_1550.split(": ", 1)[1])
        # "Typical uncertainties", coverage factor not stated (NPL page).
        assert (npl.uncertainty_lower, npl.uncertainty_unit, npl.coverage_factor) == (
            1.0,
            "%",
            None,
        )
        without = Service.objects.filter(
            kind=ServiceKind.CALIBRATION,
            uncertainty_lower__isnull=True,
            uncertainty_table="",
            uncertainty_equation="",
        )
        assert without.count() >= 5
        for service in without:
            assert service.coverage_factor is None
            assert service.confidence_level is None
            assert "left empty" in service.description, service

    @pytest.mark.parametrize(
        ("params", "found", "not_found"),
        [
            # By quantity: the attenuator testbed, not unrelated sensing.
            ({"q": ["attenuation"]}, {NIST_ATTENUATORS}, {LNE_GRAVIMETRY, PTB_QKD}),
            # By temperature: the millikelvin testbeds, not the 0.65 K calibration.
            (
                {"temperature_min": ["20 mK"], "temperature_max": ["20 mK"]},
                {NIST_CALIBRATION, NIST_ATTENUATORS},
                {NPL_RHODIUM_IRON, GQUAT_COMPONENTS, LNE_GRAVIMETRY},
            ),
            (
                {"temperature_max": ["20 mK"]},
                {NIST_CALIBRATION, NIST_ATTENUATORS},
                {NPL_RHODIUM_IRON},
            ),
            ({"q": ["20 mK"]}, {NIST_CALIBRATION, NIST_ATTENUATORS}, {NPL_RHODIUM_IRON}),
            ({"temperature_min": ["0.65 K"]}, {NPL_RHODIUM_IRON, NIST_ATTENUATORS}, set()),
            # By wavelength: the NPL service is stored as 190.95 THz to 195.94 THz.
            (
                {"wavelength_min": ["1550 nm"], "wavelength_max": ["1550 nm"]},
                {NPL_1550, NRC_RESPONSIVITY},
                {NPL_LINEARITY, NIST_CALIBRATION},
            ),
            ({"q": ["1550 nm"]}, {NPL_1550, NRC_RESPONSIVITY}, {NPL_LINEARITY}),
            ({"q": ["power meter 1550 nm"]}, {NPL_1550}, {NRC_RESPONSIVITY, NPL_LINEARITY}),
            # By technology, with the subtree.
            ({"area": ["qkd"]}, {PTB_QKD, INRIM_QUTEST}, {NIST_CALIBRATION}),
            ({"area": ["communication"]}, {PTB_QKD, INRIM_QUTEST}, {LNE_GRAVIMETRY}),
            # By economy.
            ({"economy": ["JP"]}, {GQUAT_COMPONENTS}, {GQUAT_ONE_STOP, NIST_CALIBRATION}),
            # Typos and KCDB vocabulary.
            ({"q": ["cryogenc"]}, {GQUAT_COMPONENTS}, {LNE_GRAVIMETRY}),
            (
                {"q": ["josephson"]},
                {
                    "NRC: DC voltage standards by direct comparison to a Josephson array",
                    "NRC: Digital voltmeter calibration against a Josephson array",
                },
                {NPL_1550},
            ),
            (
                {"q": ["EURAMET-EM-CH-00000GFB-5"]},
                {"METAS: S-parameter transmission phase in coaxial line"},
                set(),
            ),
        ],
    )
    def test_consortium_searches_find_the_right_records(self, params, found, not_found):
        results = _found(params)
        everything = results["testbed"] | results["service"]
        assert found <= everything, everything
        assert not (not_found & everything), everything

    def test_the_1550_nm_service_is_stored_as_a_frequency_range(self):
        npl = Service.objects.get(name=NPL_1550.split(": ", 1)[1])
        assert npl.wavelength_min_nm is None
        assert npl.wavelength_max_nm is None
        assert npl.frequency_min_hz == pytest.approx(190.95e12, rel=1e-4)
        assert npl.frequency_max_hz == pytest.approx(195.94e12, rel=1e-4)

    def test_a_name_match_ranks_first_for_a_quantity(self):
        matches = directory_matches(user=AnonymousUser(), params={"q": ["attenuation"]})
        ranked = matches["testbed"].order_by("-rank", "name").select_related("institute")
        assert f"NIST: {ranked[0].name}" == NIST_ATTENUATORS

    def test_a_temperature_search_finds_nothing_that_is_not_that_cold(self):
        results = directory_matches(
            user=AnonymousUser(), params={"temperature_max": ["20 mK"], "type": ["testbed"]}
        )
        assert results["testbed"].exists()
        assert all(t.temperature_min_k <= 0.02 for t in results["testbed"])

    def test_economy_filter_keeps_to_that_economy(self):
        results = directory_matches(user=AnonymousUser(), params={"economy": ["JP"]})
        for kind in ("testbed", "service"):
            assert {r.institute.economy.code for r in results[kind]} <= {"JP"}

    @pytest.mark.parametrize(
        ("who", "sees_members_only", "sees_own_institute", "sees_draft"),
        [
            ("anonymous", False, False, False),
            ("user", False, False, False),  # signed in, no institute
            ("admin.npl", True, False, False),  # staff of a verified institute
            ("staff", True, True, True),
        ],
    )
    def test_restricted_demo_records_reach_only_their_audience(
        self, who, sees_members_only, sees_own_institute, sees_draft
    ):
        user = AnonymousUser() if who == "anonymous" else _user(who)
        results = _found({"q": [""]}, user=user)["testbed"]
        assert (SQMS_ROUND_ROBIN in results) is sees_members_only
        assert (GQUAT_ONE_STOP in results) is sees_own_institute
        assert (NIST_DRAFT in results) is sees_draft

    def test_restricted_demo_records_are_not_public(self):
        public = _names(models.Testbed.objects.public().select_related("institute"))
        assert not {SQMS_ROUND_ROBIN, GQUAT_ONE_STOP, NIST_DRAFT} & public
        round_robin = models.Testbed.objects.get(name=SQMS_ROUND_ROBIN.split(": ", 1)[1])
        assert (round_robin.visibility, round_robin.published) == (Visibility.MEMBERS, True)
        one_stop = models.Testbed.objects.get(name=GQUAT_ONE_STOP.split(": ", 1)[1])
        assert (one_stop.visibility, one_stop.published) == (Visibility.INSTITUTE, True)
        assert models.Testbed.objects.filter(published=False).count() == 1
