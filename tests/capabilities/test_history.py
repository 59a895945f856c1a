"""The history of institutes, testbeds and services: who changed which field, from what to what,
shown to the institute's members and to staff only."""

import re

import pghistory
import pytest

from capabilities import selectors, services
from capabilities.enums import MemberRole, Visibility
from capabilities.models import ReadinessLevel
from tests.factories import (
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {"testbed": TestbedFactory, "service": ServiceFactory}
HISTORY = 'id="history-heading"'


@pytest.fixture
def editor_and_record(request):
    kind = getattr(request, "param", "testbed")
    record = FACTORIES[kind](summary="Old summary.")
    editor = MembershipFactory(institute=record.institute, user=UserFactory(name="Marie Curie"))
    with pghistory.context(user=editor.user.pk):
        record = services.record_update(
            actor=editor.user, record=record, version=record.version, summary="New summary."
        )
    return editor.user, record


@pytest.mark.parametrize("editor_and_record", list(FACTORIES), indirect=True)
def test_a_change_shows_who_made_it_and_what_changed(client, editor_and_record):
    editor, record = editor_and_record
    client.force_login(editor)
    page = client.get(record.get_absolute_url()).content.decode()
    assert HISTORY in page
    assert "Marie Curie" in page
    assert '<th scope="row">Summary</th><td>Old summary.</td><td>New summary.</td>' in page


def test_record_history_lists_changes_newest_first():
    level = ReadinessLevel.objects.filter(scale__slug="trl").order_by("level").first()
    testbed = TestbedFactory(summary="One.")
    editor = MembershipFactory(institute=testbed.institute).user
    with pghistory.context(user=editor.pk):
        testbed = services.record_update(
            actor=editor,
            record=testbed,
            version=testbed.version,
            visibility=Visibility.MEMBERS,
            readiness=level,
        )
        services.record_unpublish(actor=editor, record=testbed)

    entries = selectors.record_history(testbed)
    assert [entry.created for entry in entries] == [False, False, False, True]
    newest, update = entries[0], entries[1]
    assert newest.user == editor
    assert newest.changes == [("published", "yes", "no")]
    assert ("visibility", "Public", "NMI-Q members only") in update.changes
    assert ("readiness", "—", str(level)) in update.changes
    assert entries[-1].user is None, "the factory wrote outside a request"


def test_record_history_keeps_to_its_limit():
    testbed = TestbedFactory()
    editor = MembershipFactory(institute=testbed.institute).user
    for n in range(4):
        testbed = services.record_update(
            actor=editor, record=testbed, version=testbed.version, summary=f"Summary {n}"
        )
    entries = selectors.record_history(testbed, limit=3)
    assert len(entries) == 3
    assert not any(entry.created for entry in entries)
    assert entries[0].changes == [("summary", "Summary 2", "Summary 3")]


@pytest.mark.parametrize("kind", FACTORIES)
@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("anonymous", False),
        ("plain user", False),
        ("member of another institute", False),
        ("editor of its institute", True),
        ("staff", True),
    ],
)
def test_only_members_and_staff_see_a_records_history(client, kind, viewer, sees):
    record = FACTORIES[kind]()
    if viewer == "plain user":
        client.force_login(UserFactory())
    elif viewer == "member of another institute":
        client.force_login(MembershipFactory().user)
    elif viewer == "editor of its institute":
        client.force_login(MembershipFactory(institute=record.institute).user)
    elif viewer == "staff":
        client.force_login(StaffFactory())
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    assert (HISTORY in response.content.decode()) is sees
    assert (response.context["history"] is not None) is sees


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("anonymous", False),
        ("plain user", False),
        ("member of another institute", False),
        ("editor of the institute", True),
        ("staff", True),
    ],
)
def test_institute_history_is_shown_to_its_members_only(client, viewer, sees):
    institute = InstituteFactory(name="Old name")
    admin = MembershipFactory(
        institute=institute, role=MemberRole.ADMIN, user=UserFactory(name="Lise Meitner")
    ).user
    with pghistory.context(user=admin.pk):
        services.institute_update(actor=admin, institute=institute, name="New name")
    if viewer == "plain user":
        client.force_login(UserFactory())
    elif viewer == "member of another institute":
        client.force_login(MembershipFactory().user)
    elif viewer == "editor of the institute":
        client.force_login(MembershipFactory(institute=institute).user)
    elif viewer == "staff":
        client.force_login(StaffFactory())
    page = client.get(institute.get_absolute_url()).content.decode()
    assert (HISTORY in page) is sees
    if sees:
        assert "Lise Meitner" in page
        assert '<th scope="row">Name</th><td>Old name</td><td>New name</td>' in page


def test_a_change_of_technology_areas_is_in_the_history():
    from capabilities.models import TechnologyArea

    cryogenics = TechnologyArea.objects.get(slug="cryogenics")
    shielding = TechnologyArea.objects.get(slug="shielding")
    testbed = TestbedFactory(technology_areas=[cryogenics])
    editor = MembershipFactory(institute=testbed.institute).user
    with pghistory.context(user=editor.pk):
        testbed = services.record_update(
            actor=editor,
            record=testbed,
            version=testbed.version,
            technology_areas=[cryogenics, shielding],
        )
    (latest, *_older) = selectors.record_history(testbed)
    assert (
        "Technology areas",
        "Cryogenics (dilution refrigerators)",
        "Cryogenics (dilution refrigerators), Shielding (magnetic, thermal, radiation)",
    ) in [(str(name).capitalize(), old, new) for name, old, new in latest.changes]


def _changes(record, **changes) -> list[tuple[str, str, str]]:
    """The history rows of one update of ``record``, made by a member of its institute."""
    editor = MembershipFactory(institute=record.institute).user
    record = services.record_update(actor=editor, record=record, version=record.version, **changes)
    return selectors.record_history(record)[0].changes


def test_ranges_show_as_typed_with_their_units_never_base_unit_floats():
    testbed = TestbedFactory(temperature_min_k=0.01, frequency_max_hz=8e9)
    changes = _changes(testbed, temperature_min_k=0.02, frequency_max_hz=1.2e10)
    assert ("lowest temperature", "10\u00a0mK", "20\u00a0mK") in changes
    assert ("highest frequency", "8\u00a0GHz", "12\u00a0GHz") in changes
    assert not any("0.01" in old or "e+" in new for _label, old, new in changes)


def test_a_services_range_shows_in_the_unit_it_was_given():
    service = ServiceFactory(range_lower=1.0, range_upper=8.0, range_unit="GHz")
    changes = _changes(service, range_upper=10.0)
    assert ("range to", "8\u00a0GHz", "10\u00a0GHz") in changes


def test_a_reordered_list_is_no_change():
    testbed = TestbedFactory(access_modes=["on_site", "remote"], quantities=["T1", "T2"])
    changes = _changes(
        testbed, access_modes=["remote", "on_site"], quantities=["T2", "T1"], summary="New."
    )
    assert [label for label, _old, _new in changes] == ["summary"]


def test_a_list_that_gains_a_value_shows_its_labels():
    testbed = TestbedFactory(access_modes=["on_site"])
    changes = _changes(testbed, access_modes=["remote", "on_site"])
    assert ("access modes", "On site", "Remote, On site") in changes


def test_links_show_as_text_not_as_python_or_json():
    testbed = TestbedFactory(links=[])
    changes = _changes(testbed, links=[{"title": "Lab page", "url": "https://lab.example.org"}])
    (row,) = [change for change in changes if change[0] == "links"]
    assert row == ("links", "\u2014", "Lab page (https://lab.example.org)")


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", r"[A-Z][a-z]+\.? \d{1,2}, \d{4}, [^<]+\xa0UTC"),  # Jan. 5, 2026, 2:30 p.m. UTC
        ("fr", r"\d{1,2} [a-zéû]+ \d{4} \d{2}:\d{2}\xa0UTC"),  # 5 janvier 2026 14:30 UTC
    ],
)
def test_the_history_dates_name_their_time_zone_in_the_readers_format(client, language, shown):
    testbed = TestbedFactory()
    client.force_login(MembershipFactory(institute=testbed.institute).user)
    page = client.get(testbed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    times = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', page)
    assert times
    assert all(re.fullmatch(shown, time) for time in times), times
