"""Reads of access requests, their threads, contact forms and saved searches."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from nmiq_portal import workflow

from ..enums import AccessRequestStatus, MemberRole
from ..models import AccessRequest, Contact, Institute, Membership, SavedSearch
from ..permissions import institute_roles

#: The states in which a request still waits for something (its workflow's OPEN_REQUEST).
OPEN_STATES = (
    AccessRequestStatus.NEW,
    AccessRequestStatus.ACKNOWLEDGED,
    AccessRequestStatus.IN_DISCUSSION,
)

#: The boxes of the access-request list: what I sent, what my institutes received.
ACCESS_REQUEST_BOXES = ("sent", "received")


def access_requests_for(*, user, box: str = "", status: str = ""):
    """Access requests ``user`` sent and those to their institutes, newest first."""
    requests = AccessRequest.objects.visible_to(user)
    if box == "sent":
        requests = requests.filter(requester=user.pk)
    elif box == "received":
        requests = requests.filter(
            institute__in=Membership.objects.filter(user=user.pk).values("institute_id")
        )
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


@dataclass(frozen=True)
class ThreadEntry:
    """One line of a request's thread: a message, or a move of the workflow with its comment."""

    created_at: datetime
    author: object
    body: str
    message_id: int | None = None
    move: str = ""  # the state moved to ("" for the request being sent), for moves only
    sent: bool = False


def access_request_thread(*, access_request: AccessRequest) -> list[ThreadEntry]:
    """Messages and workflow moves of ``access_request``, oldest first, in one list."""
    entries = [
        ThreadEntry(
            created_at=event.created_at,
            author=event.actor,
            body=event.comment,
            move=event.to_label,
            sent=not event.from_state,
        )
        for event in workflow.events_for(access_request)
    ]
    entries += [
        ThreadEntry(
            created_at=message.created_at,
            author=message.author,
            body=message.body,
            message_id=message.pk,
        )
        for message in access_request.messages.select_related("author")
    ]
    return sorted(entries, key=lambda entry: (entry.created_at, entry.message_id or 0))


def open_access_requests_of(*, user):
    """The requests ``user`` sent that are still open, for their profile page."""
    return access_requests_for(user=user, box="sent").filter(status__in=OPEN_STATES)


def open_request_for(*, user, target):
    """``user``'s open request for ``target`` (a testbed or service), if they have one."""
    if not user.is_authenticated:
        return None
    field = type(target)._meta.model_name
    return (
        AccessRequest.objects.filter(requester=user, status__in=OPEN_STATES, **{field: target})
        .order_by("-created_at")
        .first()
    )


#: How many open requests each institute's list shows; the list page has them all.
RECEIVED_SHOWN = 10


def requests_to_institutes(*, user, institute: Institute | None = None) -> list[dict]:
    """For each institute whose requests ``user`` may answer (``institute``, or all of theirs),
    its newest open requests (at most ``RECEIVED_SHOWN``) and how many are new:
    [{"institute", "requests", "new"}]. One query for the requests (their new count rides
    along) and, for all of theirs, one for the institutes; an institute's page asks none of
    someone who is not its member (their roles are read once per request)."""
    if not user.is_authenticated:
        return []
    if institute is not None:
        institutes = [institute] if institute.pk in institute_roles(user) else []
    else:
        institutes = list(Institute.objects.filter(memberships__user=user).order_by("acronym"))
    if not institutes:
        return []
    partition = {"partition_by": [F("institute_id")]}
    requests = (
        AccessRequest.objects.filter(institute__in=institutes, status__in=OPEN_STATES)
        .annotate(
            rank=Window(
                RowNumber(), order_by=[F("created_at").desc(), F("pk").desc()], **partition
            ),
            new=Window(Count("pk", filter=Q(status=AccessRequestStatus.NEW)), **partition),
        )
        .filter(rank__lte=RECEIVED_SHOWN)
        .select_related("requester", "testbed", "service")
        .order_by("-created_at", "-pk")
    )
    received = {one.pk: {"institute": one, "requests": [], "new": 0} for one in institutes}
    for access_request in requests:
        entry = received[access_request.institute_id]
        entry["requests"].append(access_request)
        entry["new"] = access_request.new
    return list(received.values())


def contactable_records(*, user, model):
    """The testbeds or services ``user`` may see that are open to messages and requests:
    published, of a verified institute, not retired (never a draft, never a hidden record)."""
    return (
        model.objects.visible_to(user)
        .filter(published=True, institute__verified=True)
        .exclude(status=model.objects.all().retired_status)
        .select_related("institute")
    )


def record_contact_choices(*, record) -> list[Contact]:
    """Whom a visitor may write to about ``record``: its listed contacts, else its
    institute's; only listed (published, not retired) contacts."""
    contacts = list(record.contacts.public().order_by("name", "pk"))
    if contacts:
        return contacts
    return list(Contact.objects.public().filter(institute=record.institute_id).order_by("name"))


def nobody_receives_requests(*, record) -> bool:
    """True when no contact is listed for ``record`` or its institute and the institute has no
    active administrator: access requests and messages would reach nobody."""
    if record_contact_choices(record=record):
        return False
    return not (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__institute=record.institute_id,
            memberships__role=MemberRole.ADMIN,
        )
        .exists()
    )


def saved_searches_of(*, user):
    return SavedSearch.objects.filter(user=user.pk).order_by("name", "pk")


def saved_searches_for_page():
    """Saved searches by uuid (the service checks that the person owns the one they change)."""
    return SavedSearch.objects.select_related("user")
