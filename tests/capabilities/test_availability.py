"""Availability across NMIs: lead times read as weeks, and lead time, charging and access mode
as filters and facets of the directory and the API."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from capabilities import selectors
from capabilities.lead_times import weeks_max
from capabilities.models import Service
from tests.factories import InstituteFactory, ServiceFactory, TestbedFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("capabilities:directory")
ANYONE = AnonymousUser()


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("4 to 6 weeks", 6),
        ("2-3 weeks", 3),
        ("2\u20133 weeks", 3),
        ("6 - 8 wks", 8),
        ("up to 8 weeks", 8),
        ("Up to 8 weeks after receipt of the instrument", 8),
        ("within 10 working days", 2),
        ("10 business days", 2),
        ("14 calendar days", 2),
        ("5-10 days", 2),
        ("1 day", 1),
        ("48 hours", 1),
        ("3 months", 13),
        ("1.5 months", 7),
        ("1,5 months", 7),
        ("2 weeks to 2 months", 9),
        ("between two and four weeks", 4),
        ("a week", 1),
        ("Typically 4 weeks; 1 week for an express service", 4),
        ("approx. 3 weeks", 3),
        ("ISO/IEC 17025 accredited, 4 weeks", 4),
        ("1 year", 52),
        ("about 100 years", 520),
    ],
)
def test_a_lead_time_is_read_as_the_most_weeks_it_may_take(text, weeks):
    assert weeks_max(text) == weeks


@pytest.mark.parametrize(
    "text", ["", "on request", "by arrangement", "depends on the workload", "extra weeks", "4-6"]
)
def test_a_lead_time_with_no_number_and_unit_reads_as_none(text):
    assert weeks_max(text) is None


def test_saving_a_service_reads_its_lead_time():
    service = ServiceFactory(lead_time="4 to 6 weeks")
    assert service.lead_time_weeks_max == 6
    assert ServiceFactory(lead_time="on request").lead_time_weeks_max is None


def test_the_migration_reads_the_lead_times_of_existing_services():
    executor = MigrationExecutor(connection)
    before = ("capabilities", "0016_institute_acronym_unique_when_verified")
    executor.migrate([before])
    old = executor.loader.project_state(before).apps
    institute = old.get_model("capabilities", "Institute").objects.create(
        name="Ptb", acronym="PTB", slug="ptb", kind="nmi", economy="DE", rmo="EURAMET"
    )
    OldService = old.get_model("capabilities", "Service")
    for slug, lead_time in (("a", "within 10 working days"), ("b", "on request"), ("c", "")):
        OldService.objects.create(
            institute=institute, name=slug, slug=slug, kind="calibration", lead_time=lead_time
        )
    with connection.cursor() as cursor:  # the rows' deferred checks, before the table changes
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    MigrationExecutor(connection).migrate([("capabilities", "0017_service_lead_time_weeks")])
    assert dict(Service.objects.values_list("slug", "lead_time_weeks_max")) == {
        "a": 2,
        "b": None,
        "c": None,
    }


@pytest.fixture
def offers():
    ptb, nist = InstituteFactory(acronym="PTB"), InstituteFactory(acronym="NIST")
    ServiceFactory(
        institute=ptb, lead_time="1 week", charging="commercial", access_modes=["remote"]
    )
    ServiceFactory(institute=ptb, lead_time="3 to 4 weeks", charging="free_for_nmis")
    ServiceFactory(institute=nist, lead_time="2 months", charging="commercial")
    ServiceFactory(institute=nist, lead_time="on request", access_modes=["send_in"])
    TestbedFactory(institute=nist, access_modes=["remote", "on_site"])
    return {"ptb": ptb, "nist": nist}


def facet_of(params, key):
    facets = selectors.directory_search(user=ANYONE, params=params).facets
    return next(facet for facet in facets if facet.key == key)


def counts(params, key):
    return {value.value: value.count for value in facet_of(params, key).values}


def found(params):
    matches = selectors.directory_matches(user=ANYONE, params=params)
    return sorted(record.lead_time for kind in ("testbed", "service") for record in matches[kind])


def test_the_lead_time_facet_counts_nested_buckets_and_says_how_many_state_none(offers):
    assert counts({}, "lead_time_max") == {"2": 1, "4": 2, "8": 2, "12": 3, "any": 3}
    assert "1 service states no lead time" in facet_of({}, "lead_time_max").note


def test_a_lead_time_filter_leaves_out_services_without_a_number(offers):
    assert found({"lead_time_max": ["4"]}) == ["1 week", "3 to 4 weeks"]
    assert found({"lead_time_max": ["any"]}) == ["1 week", "2 months", "3 to 4 weeks"]
    # Two buckets chosen: the larger holds the smaller.
    assert found({"lead_time_max": ["2", "12"]}) == ["1 week", "2 months", "3 to 4 weeks"]
    # A number of weeks typed in the URL is shown as a value of the facet.
    assert counts({"lead_time_max": ["6"]}, "lead_time_max")["6"] == 2


def test_the_charging_facet_counts_by_its_choices(offers):
    assert counts({}, "charging") == {"commercial": 2, "free_for_nmis": 1, "on_request": 1}
    labels = {value.value: value.label for value in facet_of({}, "charging").values}
    assert labels["free_for_nmis"] == "Free for NMIs"
    assert found({"charging": ["commercial"]}) == ["1 week", "2 months"]


def test_the_access_facet_counts_testbeds_and_services(offers):
    assert counts({}, "access") == {"remote": 2, "on_site": 1, "send_in": 1}
    matches = selectors.directory_matches(user=ANYONE, params={"access": ["remote"]})
    assert matches["testbed"].count() == 1
    assert matches["service"].count() == 1


def test_service_only_filters_leave_testbeds_and_institutes_out(offers):
    for params in ({"lead_time_max": ["12"]}, {"charging": ["commercial"]}):
        assert selectors.searched_types(selectors.search_params(params)) == ["service"]


def test_the_page_shows_the_availability_facets_and_the_note(client, offers):
    html = client.get(DIRECTORY, {"lead_time_max": "4"}).content.decode()
    assert 'id="facet-lead_time_max"' in html
    assert 'id="facet-charging"' in html
    assert "choosing a lead time leaves it out" in html
    assert 'name="lead_time_max" value="4" id="f-lead_time_max-2" checked' in html


# --- The API shares the FilterSets ----------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"lead_time_max": "4"}, 2),
        ({"lead_time_max": "any"}, 3),
        ({"lead_time_max": "1"}, 1),
        ({"charging": "commercial"}, 2),
        ({"charging": "commercial", "lead_time_max": "4"}, 1),
        ({"access": "send_in"}, 1),
    ],
)
def test_the_api_filters_services_by_availability(api, offers, params, expected):
    response = api.get("/api/v1/services/", params)
    assert response.status_code == 200
    assert response.json()["count"] == expected


def test_the_api_filters_testbeds_by_access_mode(api, offers):
    assert api.get("/api/v1/testbeds/", {"access": "on_site"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("lead_time_max", "four"),
        ("lead_time_max", "-1"),
        ("lead_time_max", "4.5"),
        ("lead_time_max", "99999"),
        ("charging", "gratis"),
        ("access", "teleport"),
    ],
)
def test_the_api_refuses_an_availability_value_it_cannot_read(api, param, value):
    response = api.get("/api/v1/services/", {param: value})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    (error,) = response.json()["errors"]
    assert error["field"] == param


def test_the_schema_documents_the_availability_filters(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/v1/services/"]["get"]["parameters"]
    }
    assert {"lead_time_max", "charging", "access"} <= set(parameters)
    assert "weeks" in parameters["lead_time_max"]["description"]
    assert set(parameters["charging"]["schema"]["items"]["enum"]) >= {"commercial"}


@pytest.mark.parametrize("page_size", [2, 20])
def test_filtered_api_queries_are_constant_in_page_size(api, page_size, django_assert_num_queries):
    institute = InstituteFactory()
    for _ in range(22):
        ServiceFactory(institute=institute, lead_time="2 weeks", charging="commercial")
    with django_assert_num_queries(3):  # count, page (with areas and contacts), evidence
        response = api.get(
            "/api/v1/services/",
            {"lead_time_max": "4", "charging": "commercial", "page_size": page_size},
        )
    assert len(response.json()["results"]) == page_size
