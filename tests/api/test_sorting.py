"""``?sort=`` on every list endpoint, with the keys that make sense for it."""

import pytest
import time_machine

from capabilities.models import TechnologyArea
from tests.factories import ContactFactory, InstituteFactory

pytestmark = pytest.mark.django_db


def _listed(api, url, key, **params):
    response = api.get(url, {"page_size": 200, **params})
    assert response.status_code == 200, response.json()
    return [item[key] for item in response.json()["results"]]


def test_institutes_sort_by_acronym_name_or_update(api):
    with time_machine.travel("2025-03-01 00:00:00+00:00", tick=False):
        InstituteFactory(acronym="NPL", name="National Physical Laboratory")
    with time_machine.travel("2025-02-01 00:00:00+00:00", tick=False):
        InstituteFactory(acronym="KRISS", name="Korea Research Institute of Standards and Science")
    with time_machine.travel("2025-01-01 00:00:00+00:00", tick=False):
        InstituteFactory(acronym="METAS", name="Federal Institute of Metrology")
    url = "/api/v1/institutes/"
    assert _listed(api, url, "acronym") == ["KRISS", "METAS", "NPL"]
    assert _listed(api, url, "acronym", sort="acronym") == ["KRISS", "METAS", "NPL"]
    assert _listed(api, url, "acronym", sort="name") == ["METAS", "KRISS", "NPL"]
    assert _listed(api, url, "acronym", sort="updated") == ["NPL", "KRISS", "METAS"]


def test_contacts_sort_by_name_or_update(api):
    institute = InstituteFactory()
    with time_machine.travel("2025-01-01 00:00:00+00:00", tick=False):
        ContactFactory(institute=institute, name="Ada Lovelace")
    with time_machine.travel("2025-02-01 00:00:00+00:00", tick=False):
        ContactFactory(institute=institute, name="Blaise Pascal")
    url = "/api/v1/contacts/"
    assert _listed(api, url, "name") == ["Ada Lovelace", "Blaise Pascal"]
    assert _listed(api, url, "name", sort="updated") == ["Blaise Pascal", "Ada Lovelace"]


def test_technology_areas_sort_as_a_tree_or_by_name(api):
    url = "/api/v1/technology-areas/"
    by_path = list(TechnologyArea.objects.order_by("path").values_list("slug", flat=True))
    by_name = list(TechnologyArea.objects.order_by("name", "pk").values_list("slug", flat=True))
    assert by_path != by_name
    assert _listed(api, url, "slug") == by_path
    assert _listed(api, url, "slug", sort="name") == by_name


@pytest.mark.parametrize(
    ("url", "choices"),
    [
        ("/api/v1/institutes/", ["acronym", "name", "updated"]),
        ("/api/v1/testbeds/", ["relevance", "name", "updated"]),
        ("/api/v1/services/", ["relevance", "name", "updated"]),
        ("/api/v1/contacts/", ["name", "updated"]),
        ("/api/v1/technology-areas/", ["path", "name"]),
    ],
)
@pytest.mark.parametrize("other", ["price", ""])
def test_every_list_documents_its_sort_and_refuses_another(api, url, choices, other):
    response = api.get(url, {"sort": other})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "sort"
    assert error["code"] == "invalid_choice"
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    (sort,) = [p for p in schema["paths"][url]["get"]["parameters"] if p["name"] == "sort"]
    assert sort["schema"]["enum"] == choices
