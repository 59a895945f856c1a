"""The personal data of the directory: a person's memberships, access requests (sent, and held
until their address is confirmed) and saved searches (the access requests sent stay with the
institute they were sent to)."""

from nmiq_portal.accounts.personal_data import PersonalData, register

from .models import (
    AccessRequest,
    AccessRequestMessage,
    HeldAccessRequest,
    Membership,
    SavedSearch,
)


def _memberships(user) -> list[dict]:
    return [
        {
            "institute": membership.institute.acronym,
            "role": membership.role,
            "since": membership.created_at.isoformat(),
        }
        for membership in Membership.objects.filter(user=user)
        .select_related("institute")
        .order_by("created_at", "pk")
    ]


def _erase_memberships(user) -> None:
    Membership.objects.filter(user=user).delete()


def _access_requests(user) -> list[dict]:
    return [
        {
            "institute": request.institute.acronym,
            "organisation": request.organisation,
            "purpose": request.purpose,
            "status": request.status,
            "sent": request.created_at.isoformat(),
        }
        for request in AccessRequest.objects.filter(requester=user)
        .select_related("institute")
        .order_by("created_at", "pk")
    ]


def _access_request_messages(user) -> list[dict]:
    """What the person wrote on access-request threads (theirs, or their institute's); the
    messages stay with the thread when the account is removed, as "Removed user"."""
    return [
        {
            "access_request": str(message.access_request.uuid),
            "message": message.body,
            "sent": message.created_at.isoformat(),
        }
        for message in AccessRequestMessage.objects.filter(author=user)
        .select_related("access_request")
        .order_by("created_at", "pk")
    ]


def _held_access_requests(user) -> list[dict]:
    """Requests waiting for the person to confirm their address (nobody else saw them)."""
    return [
        {
            "to": held.target.name,
            "organisation": held.organisation,
            "purpose": held.purpose,
            "written": held.created_at.isoformat(),
        }
        for held in HeldAccessRequest.objects.filter(requester=user)
        .select_related("testbed", "service")
        .order_by("created_at", "pk")
    ]


def _erase_held_access_requests(user) -> None:
    HeldAccessRequest.objects.filter(requester=user).delete()


def _saved_searches(user) -> list[dict]:
    return [
        {"name": saved.name, "query": saved.query, "alerts": saved.alerts}
        for saved in SavedSearch.objects.filter(user=user).order_by("name")
    ]


def _erase_saved_searches(user) -> None:
    SavedSearch.objects.filter(user=user).delete()


register(PersonalData("memberships", export=_memberships, erase=_erase_memberships))
register(PersonalData("access_requests", export=_access_requests))
register(PersonalData("access_request_messages", export=_access_request_messages))
register(
    PersonalData(
        "held_access_requests", export=_held_access_requests, erase=_erase_held_access_requests
    )
)
register(PersonalData("saved_searches", export=_saved_searches, erase=_erase_saved_searches))
