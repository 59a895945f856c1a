"""The directory's map: the testbeds and services of a search that have a place on it."""

from dataclasses import dataclass

from django.db.models import Q

from ..models import Testbed
from .searched import directory_matches


@dataclass
class MapPoints:
    """What the directory map shows: the testbeds with a location, the services placed at their
    testbed's, and how many records the search found without one."""

    testbeds: list
    services: list
    without: int


def map_points(*, user, params) -> MapPoints:
    """The testbeds and services among those the directory search ``params`` finds for ``user``
    that have a place on the map. A service is placed at its testbed's location, and only when
    the testbed is one ``user`` may see (a hidden testbed's location never shows)."""
    matches = directory_matches(user=user, params=params)
    located = Q(latitude__isnull=False, longitude__isnull=False)
    sites = Testbed.objects.visible_to(user).filter(located)
    testbeds = list(
        matches["testbed"].filter(located).select_related("institute").order_by("name", "pk")
    )
    services = list(
        matches["service"]
        .filter(testbed__in=sites)
        .select_related("institute", "testbed")
        .order_by("name", "pk")
    )
    found = matches["testbed"].count() + matches["service"].count()
    return MapPoints(testbeds, services, found - len(testbeds) - len(services))
