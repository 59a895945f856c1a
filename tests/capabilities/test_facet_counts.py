"""The directory's facet counts, counted in SQL, equal a plain Python count over a small world
for every kind of viewer: drafts, members-only and own-institute records, and records of an
unverified institute, are counted only for those who may see them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache.backends.dummy import DummyCache

from capabilities import selectors
from capabilities.enums import Visibility
from capabilities.models import Evidence, Institute, Service, TechnologyArea, Testbed
from capabilities.selectors import facets as facet_selectors
from tests.factories import (
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
)
from tests.support import shared_data

pytestmark = pytest.mark.django_db

#: The facets compared (the others show only some of their values, by design).
COMPARED = ("type", "economy", "rmo", "institute", "status", "access", "audience", "si", "area")
COMPARED_SERVICES = (*COMPARED, "kind", "has_evidence", "lead_time_max")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        ptb = InstituteFactory(acronym="PTBX", economy="DE", rmo="EURAMET")
        nmij = InstituteFactory(acronym="NMIJX", economy="JP", rmo="APMP")
        startup = InstituteFactory(acronym="QSTARTX", economy="US", rmo="SIM", verified=False)
        member = MembershipFactory(institute=ptb).user
        cryogenics = TechnologyArea.objects.get(slug="cryogenics")
        signal = TechnologyArea.objects.get(slug="signal-delivery")
        records = [
            (ptb, True, Visibility.PUBLIC, ["remote"], ["industry"], True, [cryogenics]),
            (ptb, True, Visibility.MEMBERS, ["on_site", "remote"], [], False, [signal]),
            (ptb, False, Visibility.PUBLIC, ["remote"], ["academia"], True, [cryogenics]),
            (ptb, True, Visibility.INSTITUTE, ["send_in"], [], True, [cryogenics, signal]),
            (nmij, True, Visibility.PUBLIC, ["on_site"], ["industry", "academia"], False, []),
            (nmij, True, Visibility.MEMBERS, ["remote"], ["industry"], True, [signal]),
            (nmij, False, Visibility.MEMBERS, [], [], False, [cryogenics]),
            (startup, True, Visibility.PUBLIC, ["remote"], ["industry"], True, [cryogenics]),
        ]
        for n, (institute, published, visibility, access, audiences, si, areas) in enumerate(
            records
        ):
            common = {
                "institute": institute,
                "published": published,
                "visibility": visibility,
                "access_modes": access,
                "audiences": audiences,
                "si_traceable": si,
                "technology_areas": areas,
            }
            TestbedFactory(
                **common, status="planned" if n % 2 else "operational", name=f"Probe {n}"
            )
            service = ServiceFactory(
                **common,
                status="suspended" if n % 3 else "offered",
                kind="testing" if n % 2 else "calibration",
                lead_time=f"{n + 1} weeks" if n % 4 else "",
                name=f"Calibration {n}",
            )
            if n % 3 == 0:
                Evidence.objects.create(
                    service=service, kind="paper", title="A paper", doi="10.1088/z"
                )
        yield {"member": member, "staff": StaffFactory(), "anonymous": AnonymousUser()}


def _may_see(user, record) -> bool:
    """The visibility rule, written out: listed records, public ones for anyone, members-only
    ones for people of a verified institute; everything of one's own institutes; staff all."""
    if user.is_authenticated and user.is_staff:
        return True
    institute = record if isinstance(record, Institute) else record.institute
    own = user.is_authenticated and institute.memberships.filter(user=user).exists()
    if isinstance(record, Institute):
        return record.verified or own
    listed = record.published and record.institute.verified and record.status != "retired"
    peer = user.is_authenticated and user.memberships.filter(institute__verified=True).exists()
    shown = record.visibility == Visibility.PUBLIC or (
        record.visibility == Visibility.MEMBERS and peer
    )
    return (listed and shown) or own


def _values(kind: str, record, key: str) -> set:
    if key == "type":
        return {kind}
    if kind == "institute":
        return {"economy": {record.economy}, "rmo": {record.rmo}, "institute": {record.slug}}.get(
            key, set()
        )
    if key in ("economy", "rmo"):
        return {getattr(record.institute, key)}
    found = {
        "institute": {record.institute.slug},
        "status": {record.status},
        "access": set(record.access_modes),
        "audience": set(record.audiences),
        "si": {"on"} if record.si_traceable else set(),
        "area": {slug for area in record.technology_areas.all() for slug in area.path.split("/")},
    }
    if kind == "service":
        weeks = record.lead_time_weeks_max
        found |= {
            "kind": {record.kind},
            "has_evidence": {"on"} if Evidence.objects.filter(service=record).exists() else set(),
            "lead_time_max": (
                {str(limit) for limit in (2, 4, 8, 12) if weeks <= limit} | {"any"}
                if weeks is not None
                else set()
            ),
        }
    return found.get(key, set())


def _matches(kind, record, params, *, but=None) -> bool:
    for key, chosen in params.items():
        if key == but:
            continue
        if key == "type":
            if kind not in chosen:
                return False
        elif key in ("si", "has_evidence"):
            if not _values(kind, record, key):
                return False
        elif not _values(kind, record, key) & set(chosen):
            return False
    return True


def _python_counts(user, params, keys) -> tuple[dict, int]:
    records = {
        "testbed": Testbed.objects.select_related("institute"),
        "service": Service.objects.select_related("institute"),
        "institute": Institute.objects.all(),
    }
    seen = {
        kind: [record for record in qs if _may_see(user, record)] for kind, qs in records.items()
    }
    counts = {}
    for key in keys:
        for kind, shown in seen.items():
            for record in shown:
                if _matches(kind, record, params, but=key):
                    for value in _values(kind, record, key):
                        counts.setdefault(key, {}).setdefault(value, 0)
                        counts[key][value] += 1
    results = sum(
        1 for kind, shown in seen.items() for record in shown if _matches(kind, record, params)
    )
    return counts, results


SEARCHES = [
    {},
    {"economy": ["DE"]},
    {"economy": ["DE", "JP"], "access": ["remote"]},
    {"type": ["service"], "si": ["on"]},
    {"area": ["superconducting"], "status": ["operational", "offered"]},
    {"kind": ["testing"], "audience": ["industry"]},
    {"institute": ["ptbx"], "type": ["testbed", "institute"]},
    {"has_evidence": ["on"], "lead_time_max": ["4"]},
]


@pytest.mark.parametrize("viewer", ["anonymous", "member", "staff"])
@pytest.mark.parametrize("params", SEARCHES, ids=lambda p: "&".join(p) or "plain")
def test_facet_counts_equal_a_python_count_for_every_viewer(world, monkeypatch, viewer, params):
    # Counted, not kept from another test's search.
    monkeypatch.setattr(facet_selectors, "cache", DummyCache("none", {}))
    user = world[viewer]
    keys = COMPARED_SERVICES
    search = selectors.directory_search(user=user, params=params)
    counted = {
        facet.key: {value.value: value.count for value in facet.values if value.count}
        for facet in search.facets
        if facet.key in keys and any(value.count for value in facet.values)
    }
    expected, results = _python_counts(user, params, keys)
    expected = {
        key: {value: n for value, n in values.items() if n and value not in ("", None)}
        for key, values in expected.items()
    }
    # What the page lists of each facet: the record kinds, and only listed statuses.
    expected = {key: values for key, values in expected.items() if values}
    assert counted == expected
    assert len(search.rows) == results == len(list(search.rows))


def test_anonymous_counts_leave_out_drafts_members_only_and_unverified(world, monkeypatch):
    monkeypatch.setattr(facet_selectors, "cache", DummyCache("none", {}))
    facets = {
        facet.key: {value.value: value.count for value in facet.values}
        for facet in selectors.directory_search(user=world["anonymous"], params={}).facets
    }
    # PTBX and NMIJX show one public, published record of each kind, and themselves.
    assert facets["type"] == {"testbed": 2, "service": 2, "institute": 2}
    assert facets["economy"] == {"DE": 3, "JP": 3}
    member = {
        facet.key: {value.value: value.count for value in facet.values}
        for facet in selectors.directory_search(user=world["member"], params={}).facets
    }
    # The member also sees both institutes' members-only records and PTBX's draft and own.
    assert member["type"] == {"testbed": 6, "service": 6, "institute": 2}


def test_kept_counts_of_a_public_search_follow_the_change_feed(world, settings):
    from django.core.cache import cache

    cache.clear()
    anyone = world["anonymous"]
    before = selectors.directory_search(user=anyone, params={"economy": ["JP"]})
    assert len(before.rows) == 3
    TestbedFactory(institute=Institute.objects.get(acronym="NMIJX"), name="Probe new")
    after = selectors.directory_search(user=anyone, params={"economy": ["JP"]})
    assert len(after.rows) == 4


@pytest.mark.parametrize(
    ("params", "browsing"),
    [
        ({}, True),
        ({"page": ["2"], "sort": ["name"], "view": ["table"]}, True),
        ({"q": [" "]}, True),
        ({"q": ["cryogenic"]}, False),
        ({"economy": ["DE"]}, False),
        ({"type": ["testbed"]}, False),
        ({"temperature_max": ["4 K"]}, False),
        ({"si": ["on"]}, False),
    ],
)
def test_the_directory_with_nothing_searched_keeps_its_counts_for_a_day(
    monkeypatch, params, browsing
):
    kept_for, kept = [], facet_selectors._kept

    def spy(statements, keeping):
        kept_for.append(keeping)
        return kept(statements, keeping)

    monkeypatch.setattr(facet_selectors, "_kept", spy)
    selectors.directory_search(user=AnonymousUser(), params=params)
    expected = facet_selectors.BROWSING_KEEPING if browsing else facet_selectors.SEARCH_KEEPING
    assert kept_for == [expected]
    assert facet_selectors.BROWSING_KEEPING.most > facet_selectors.SEARCH_KEEPING.most
