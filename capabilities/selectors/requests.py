"""Reads of access requests and saved searches."""

from django.db.models import Q

from nmiq_portal import workflow

from ..enums import AccessRequestStatus
from ..models import AccessRequest, Membership, SavedSearch

#: The boxes of the access-request list: what I sent, what my institutes received.
ACCESS_REQUEST_BOXES = ("sent", "received")


def access_requests_for(*, user, box: str = "", status: str = ""):
    """Access requests ``user`` sent and those to their institutes, newest first."""
    mine = Q(requester=user.pk)
    received = Q(institute__in=Membership.objects.filter(user=user.pk).values("institute_id"))
    shown = {"sent": mine, "received": received}.get(box, mine | received)
    requests = AccessRequest.objects.filter(shown)
    if status:
        requests = requests.filter(status=status)
    return requests.select_related("requester", "institute", "testbed", "service").order_by(
        "-created_at", "-pk"
    )


def access_requests_for_page():
    """Access requests with what their page shows (the view checks who may open one)."""
    return AccessRequest.objects.select_related("requester", "institute", "testbed", "service")


def access_request_events(*, access_request: AccessRequest):
    """Its timeline: the workflow engine's record of every move, oldest first."""
    return workflow.events_for(access_request)


def open_access_requests_of(*, user):
    """The requests ``user`` sent that are not closed, for their profile page."""
    return access_requests_for(user=user, box="sent").exclude(status=AccessRequestStatus.CLOSED)


def saved_searches_of(*, user):
    return SavedSearch.objects.filter(user=user.pk).order_by("name", "pk")


def saved_searches_for_page():
    """Saved searches by uuid (the service checks that the person owns the one they change)."""
    return SavedSearch.objects.select_related("user")
