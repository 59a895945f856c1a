"""The directory search reads what people type as the records write it: UK and US spellings,
synonyms and abbreviations, tokens such as ITS-90 or g(2), and everything a record shows.

Record texts marked "KCDB" are copied from ../shared/reference/data/kcdb_cmc_full_records.json
(MSLNZ/msl-kcdb test assertions, commit eccf920) and kcdb_nrc_canada_cmc_taxonomy.csv
(NCSLI-MII/measurand-flask-app @ 9cb7592); see that directory's README.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from capabilities import search, selectors, services, synonyms
from capabilities.enums import AccessMode, MetrologyArea, ServiceKind
from capabilities.models import SearchSynonym, SearchWord, Service
from nmiq_portal.celery import app as celery_app
from tests.factories import (
    InstituteFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ANYONE = AnonymousUser()


@pytest.fixture(autouse=True)
def _fresh_synonyms():
    """Groups a test adds are rolled back with it; so is what the cache holds of them."""
    synonyms.forget()
    yield
    synonyms.forget()


def found(text, kind="service"):
    matches = selectors.directory_matches(user=ANYONE, params={"q": [text]})[kind]
    return sorted(matches.values_list("name", flat=True))


def ranked(text):
    return [row[2] for row in selectors.directory_search(user=ANYONE, params={"q": [text]}).rows]


# --- 1. Spelling variants and synonyms --------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Fibre optic power meter", "fiber"),  # KCDB fibre-optics listing
        ("Fiber optic power meter", "fibre"),
        ("Vector network analyser", "analyzer"),
        ("Vector Network Analyzer", "analyser"),
        ("Characterisation of single-photon sources", "characterization"),
        ("Characterization of single-photon sources", "characterisation"),
        ("Laser tracker over 30 metres", "meters"),
        ("Gauge blocks up to 100 millimetres", "millimeters"),
        ("Spectroradiometer, tungsten lamp", "spectroradiometre"),
        ("Colour measurement of displays", "color"),
        ("Optimised readout chain", "optimized"),
        ("Analog-to-digital converter test", "analogue"),
        ("Modelling of cryogenic loads", "modeling"),
    ],
)
def test_uk_and_us_spellings_find_each_other(written, typed):
    TestbedFactory(name="Unrelated cryostat", summary="Millikelvin.")
    TestbedFactory(name=written, summary="")
    assert found(typed, kind="testbed") == [written]


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("SPD calibration", "single-photon detector"),
        ("Single-photon detector calibration", "SPD"),
        ("Single photon detector calibration", "spd"),
        ("QKD transmitter testing", "quantum key distribution"),
        ("Quantum key distribution testing", "QKD"),
        ("Superconducting nanowire single-photon detectors", "SNSPD"),
        ("SNSPD efficiency", "superconducting nanowire single photon detector"),
        ("Transition-edge sensor readout", "TES"),
        ("TES readout", "transition edge sensor"),
        # KCDB (NRC): "Standard platinum resistance therm. (SPRTs)", "DCC and range extender".
        ("Long stem SPRT", "standard platinum resistance thermometer"),
        ("Direct current comparator", "DCC"),
        ("DCC and range extender", "DC current comparator"),
    ],
)
def test_synonyms_and_abbreviations_find_each_other(written, typed):
    ServiceFactory(name="Unrelated power calibration")
    ServiceFactory(name=written)
    assert found(typed) == [written]


def test_an_abbreviation_is_a_whole_word_not_a_prefix():
    ServiceFactory(name="SPDC photon-pair source")  # spontaneous parametric down-conversion
    ServiceFactory(name="Single-photon detector calibration")
    assert found("single photon detector") == ["Single-photon detector calibration"]


def test_vna_finds_both_kcdb_spellings_of_the_instrument_method():
    # KCDB: EURAMET-EM-CH-00000GFB-5 (METAS) and SIM-EM-AR-00000K2C-1 (INTI).
    ServiceFactory(name="S-parameter phase (METAS)", instrument_method="Vector network analyser")
    ServiceFactory(name="S-parameter phase (INTI)", instrument_method="Vector Network Analyzer")
    ServiceFactory(name="Power sensor calibration", instrument_method="Thermistor mount")
    both = ["S-parameter phase (INTI)", "S-parameter phase (METAS)"]
    assert found("VNA") == both
    assert found("vector network analyzer") == both
    assert found('"vector network analyser"') == both


def test_staff_extend_the_synonyms_without_code_and_the_next_search_uses_them():
    ServiceFactory(name="Cryogenic frequency comb characterisation")
    assert found("OFCX") == []
    synonym = services.search_synonym_save(
        actor=StaffFactory(), synonym=SearchSynonym(terms=["OFCX", "frequency comb", "OFCX"])
    )
    assert synonym.terms == ["OFCX", "frequency comb"]  # each term once
    assert found("OFCX") == ["Cryogenic frequency comb characterisation"]
    services.search_synonym_delete(actor=StaffFactory(), synonym=synonym)
    assert found("OFCX") == []


def test_only_staff_may_change_the_synonyms():
    with pytest.raises(PermissionDenied):
        services.search_synonym_save(actor=UserFactory(), synonym=SearchSynonym(terms=["a", "b"]))
    assert not SearchSynonym.objects.filter(terms=["a", "b"]).exists()


def test_a_group_needs_two_different_terms():
    with pytest.raises(ValidationError) as error:
        services.search_synonym_save(
            actor=StaffFactory(), synonym=SearchSynonym(terms=["fibre", "fiber", " "])
        )
    assert "terms" in error.value.message_dict


def test_staff_edit_the_synonyms_in_the_admin(client):
    client.force_login(StaffFactory(is_superuser=True))
    response = client.post(
        reverse("admin:capabilities_searchsynonym_add"),
        {"terms": "OFCX, frequency comb", "note": "test"},
    )
    assert response.status_code == 302
    assert SearchSynonym.objects.filter(terms=["OFCX", "frequency comb"]).exists()
    response = client.post(reverse("admin:capabilities_searchsynonym_add"), {"terms": "a, A"})
    assert response.status_code == 200  # the form's error, not a 500


def test_the_synonyms_cost_a_search_no_query_once_cached(django_assert_num_queries):
    synonyms.lookup()
    with django_assert_num_queries(0):
        search.tsquery("single photon detector fibre")


# --- 2. Tokens as people type them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        # KCDB (NRC): the service "Items for disseminating ITS-90 and PLTS 2000".
        ("Items for disseminating ITS-90 and PLTS 2000", "ITS-90"),
        ("Items for disseminating ITS-90 and PLTS 2000", "its-90"),
        ("S-parameter transmission coefficient", "S-parameter"),
        ("S-parameters of on-wafer devices", "S-parameter"),
        ("Sparameter test set", "S-parameter"),
        ("On-wafer probing", "on-wafer"),
        ("Measured g(2) of single-photon sources", "g(2)"),
        ("Measured g(2) of single-photon sources", "g2"),
        ("Measured g2 of single-photon sources", "g(2)"),
        ("Nb3Sn cavity surface resistance", "Nb3Sn"),
        ("Nb3Sn cavity surface resistance", "nb3sn"),
        # BIPM.EM-K10: the Josephson voltage comparison at 1.018 V.
        ("Josephson voltage standard at 1.018 V", "1.018 V"),
        ("ESD immunity testing to IEC 61000-4-2", "IEC 61000-4-2"),
    ],
)
def test_tokens_are_found_as_people_type_them(written, typed):
    ServiceFactory(name="Unrelated 10 V calibration", summary="Zener reference, 1.0 V steps.")
    ServiceFactory(name=written)
    assert found(typed) == [written]


def test_a_hyphenated_term_ranks_the_records_that_write_it_first():
    ServiceFactory(name="Model parameter fitting")
    ServiceFactory(name="S-parameter measurements")
    assert ranked("S-parameter")[0] == "S-parameter measurements"


@pytest.mark.parametrize(
    ("typed", "other"),
    [
        # NRC's lightning impulse CMCs: "S parameter" would be read as "parameter" alone.
        ("S-parameter", "Parameters for lightning impulse voltage"),
        # NPL's linearity "+10 dBm to -90 dBm": "ITS-90" is parsed as "its" (a stop word), "-90".
        ("ITS-90", "Linearity of response: 10 mW to 1 pW (+10 dBm to -90 dBm)"),
        ("ITS 90", "Linearity of response: 10 mW to 1 pW (+10 dBm to -90 dBm)"),
    ],
)
def test_a_token_is_not_found_by_the_one_word_the_parser_keeps_of_it(typed, other):
    ServiceFactory(name=other)
    ServiceFactory(name="Items for defining ITS-90, S-parameter transmission")
    assert found(typed) == ["Items for defining ITS-90, S-parameter transmission"]


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Transmittance, scanning spectro-photometer", "spectrophotometer"),  # KCDB (NRC)
        ("Chilled mirror dew-point hygrometer", "dewpoint"),
        ("Fixed points of ITS-90", "ITS90"),
    ],
)
def test_a_hyphenated_word_in_a_record_is_found_written_as_one(written, typed):
    ServiceFactory(name="Unrelated photometer")
    ServiceFactory(name=written)
    assert found(typed) == [written]


def test_a_decimal_is_one_number_not_two():
    ServiceFactory(name="Josephson voltage standard at 1.018 V")
    ServiceFactory(name="Standard cell 1 V, 018 series")
    assert found("1.018") == ["Josephson voltage standard at 1.018 V"]


# --- 3. Everything a record shows is searchable -----------------------------------------------

METAS = {  # KCDB: EURAMET-EM-CH-00000GFB-5
    "name": "Transmission coefficient in coaxial line, phase",
    "quantity": "Scattering parameters: transmission coefficient (Sij) in coaxial line, phase",
    "metrology_area": MetrologyArea.EM,
    "branch": "Radio frequency measurements",
    "kcdb_service": "Radio frequency measurements",
    "sub_service": "Scattering parameters (vectors)",
    "individual_service": "Transmission coefficient in coaxial line (real and imaginary)",
    "instrument": "Passive device",
    "instrument_method": "Vector network analyser",
    "kcdb_code": "EURAMET-EM-CH-00000GFB-5",
    "parameters": [
        {"name": "Frequency", "value": "9 kHz to 116.5 GHz"},
        {"name": "Connector", "value": "BNC 50 ohm, Type-N 75 ohm, NEX10, PC-3.5 mm"},
        {"name": "S21 and S12", "value": "-80 dB to 0 dB"},
    ],
}


@pytest.fixture
def metas():
    ServiceFactory(name="Unrelated DC voltage calibration", kind=ServiceKind.CALIBRATION)
    return ServiceFactory(kind=ServiceKind.TESTING, **METAS)


@pytest.mark.parametrize(
    "typed",
    [
        "NEX10",  # a parameter's value only
        "connector",  # a parameter's name only
        "testing",  # the service kind's label
        "passive device",  # the instrument
        "vector network analyser",  # the instrument method
        "electricity and magnetism",  # the metrology area's label
        "radio frequency measurements",  # branch and KCDB service
        "scattering parameters vectors",  # sub-service
        "real and imaginary",  # individual service
        "EURAMET-EM-CH-00000GFB-5",  # the KCDB code
        "EURAMET-EM-CH-00000GFB",  # the code without its version
        "00000GFB",
    ],
)
def test_every_text_a_service_shows_is_searchable(metas, typed):
    assert found(typed) == [METAS["name"]]


def test_every_earlier_kcdb_code_stays_findable(metas):
    Service = type(metas)
    Service.objects.filter(pk=metas.pk).update(
        kcdb_aliases=["EURAMET-EM-CH-00000GFB-3", "EURAMET-EM-CH-00000GFB-4"]
    )
    metas.refresh_from_db()
    services.index_for_search(metas)
    assert found("EURAMET-EM-CH-00000GFB-3") == [METAS["name"]]
    assert found("EURAMET-EM-CH-00000GFB-4") == [METAS["name"]]


@pytest.mark.parametrize("typed", ["remote", "Leiden", "industry"])
def test_every_text_a_testbed_shows_is_searchable(typed):
    TestbedFactory(name="Unrelated clock lab", summary="Optical clocks.")
    TestbedFactory(
        name="Dilution refrigerator",
        summary="",
        city="Leiden",
        access_modes=[AccessMode.REMOTE],
        audiences=["industry"],
    )
    assert found(typed, kind="testbed") == ["Dilution refrigerator"]


def test_an_institute_is_found_by_its_economy():
    for name, acronym, economy in (
        ("Physikalisch-Technische Bundesanstalt", "PTB", "DE"),
        ("National Physical Laboratory", "NPL", "GB"),
    ):
        services.index_for_search(InstituteFactory(name=name, acronym=acronym, economy=economy))
    assert found("germany", kind="institute") == ["Physikalisch-Technische Bundesanstalt"]


# --- 5. Ranges typed among the words: chips, and the records that state none ---------------

DIRECTORY = reverse("capabilities:directory")


@pytest.fixture
def detectors():
    # NPL's fibre power-meter services are calibrated at 1550 nm (npl_fibre_optic_power_meter_
    # services.csv); one of these states it, one its measurand range, one nothing.
    ServiceFactory(name="SPD at telecom", wavelength_min_nm=1500, wavelength_max_nm=1600)
    ServiceFactory(name="SPD measurand", range_lower=1.3, range_upper=1.6, range_unit="µm")
    ServiceFactory(name="SPD visible", wavelength_min_nm=400, wavelength_max_nm=700)
    ServiceFactory(name="SPD, range not stated")
    ServiceFactory(name="Cryostat, range not stated")


def test_a_typed_range_filters_and_shows_as_a_removable_chip(client, detectors):
    response = client.get(DIRECTORY, {"q": "single photon detector 1550 nm"})
    assert [r.name for r in response.context["records"]] == ["SPD at telecom", "SPD measurand"]
    [chip] = response.context["chips"]
    assert chip.label == "wavelength includes 1550 nm"
    assert chip.remove_query == "q=single+photon+detector"
    html = response.content.decode()
    assert "wavelength includes 1550 nm" in html
    assert 'href="?q=single+photon+detector"' in html


def test_the_records_that_state_no_such_range_are_counted_and_listed(client, detectors):
    response = client.get(DIRECTORY, {"q": "SPD 1550 nm"}, headers={"HX-Request": "true"})
    [missing] = response.context["unranged"]
    assert (missing.dimension, missing.count) == ("wavelength", 1)
    assert "1 more matches your words but gives no wavelength range" in response.content.decode()
    listed = client.get(f"{DIRECTORY}?{missing.query}")
    assert [r.name for r in listed.context["records"]] == ["SPD, range not stated"]
    assert listed.context["unranged"] == []  # no range left to leave records out


def test_without_a_typed_range_there_is_no_chip_of_the_text_and_no_extra_query(client, detectors):
    response = client.get(DIRECTORY, {"q": "SPD", "wavelength_min": "1500 nm"})
    assert [chip.label for chip in response.context["chips"]] == ["wavelength from 1500 nm"]
    assert response.context["unranged"] == []


def test_the_api_filters_records_that_state_no_range(api, detectors):
    response = api.get("/api/v1/services/", {"no_range": "wavelength", "q": "SPD"})
    assert [row["name"] for row in response.json()["results"]] == ["SPD, range not stated"]


# --- 4. Did you mean ------------------------------------------------------------------------


@pytest.fixture
def words():
    ServiceFactory(name="Cryogenic amplifier noise temperature")
    ServiceFactory(name="Zyxwelium resonator", published=False)  # a draft's word
    hidden = ServiceFactory(name="Quorvantic link")
    type(hidden).objects.filter(pk=hidden.pk).update(visibility="institute")
    services.search_words_refresh()


def suggestion(client, text, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(DIRECTORY, {"q": text}).context["suggestion"]


def test_a_search_finding_nothing_suggests_the_closest_indexed_word(client, words):
    found = suggestion(client, "cryogenik amplifer")
    assert found.text == "cryogenic amplifier"
    assert found.query == "q=cryogenic+amplifier"
    html = client.get(DIRECTORY, {"q": "cryogenik amplifer"}).content.decode()
    assert 'Did you mean <a href="?q=cryogenic+amplifier"><em>cryogenic amplifier</em></a>?' in html


def test_words_the_records_use_are_not_corrected(client, words):
    assert suggestion(client, "cryogenic") is None
    assert suggestion(client, "noise temprature").text == "noise temperature"


def test_a_word_only_in_a_draft_or_hidden_record_is_never_suggested(client, words):
    staff = StaffFactory()
    for user in (None, staff):  # not even to staff, who see the draft itself
        found = suggestion(client, "zyxwelium", user)
        assert found is None or "zyxwelium" not in found.text
        found = suggestion(client, "quorvantik", user)
        assert found is None or "quorvantic" not in found.text
    assert not SearchWord.objects.filter(word__in=["zyxwelium", "quorvantic"]).exists()


def test_a_record_published_later_brings_its_words(words):
    draft = Service.objects.get(name="Zyxwelium resonator")
    services.record_publish(actor=StaffFactory(), record=draft)
    services.search_words_refresh()
    assert SearchWord.objects.filter(word="zyxwelium", records=1).exists()


def test_a_saved_record_queues_the_refresh_of_the_words(django_capture_on_commit_callbacks):
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # the task runs where it is queued
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ServiceFactory(name="Quantised Hall resistance")
    finally:
        celery_app.conf.task_always_eager = eager
    assert SearchWord.objects.filter(word="quantised").exists()


def test_the_suggestions_cost_no_query_when_the_search_finds_enough(
    client, words, django_assert_max_num_queries
):
    for n in range(3):
        ServiceFactory(name=f"Cryogenic load {n}")
    client.get(DIRECTORY)
    with django_assert_max_num_queries(40) as plenty:
        assert client.get(DIRECTORY, {"q": "cryogenic"}).context["suggestion"] is None
    assert not any("search_word" in query["sql"] for query in plenty.captured_queries)
