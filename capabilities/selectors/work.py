"""What waits for an institute's member on their "my work" page: their institutes' drafts, the
access requests to answer, and the recent imports. Short lists, a fixed number of queries."""

from dataclasses import dataclass, field

from ..enums import AccessRequestStatus
from ..models import ImportJob, Membership, Service, Testbed
from .requests import access_requests_for

#: How many of each a "my work" list shows; its link leads to the rest.
WORK_LIST_SIZE = 5


@dataclass
class CapabilitiesWork:
    drafts: list = field(default_factory=list)
    requests_to_answer: list = field(default_factory=list)
    imports: list = field(default_factory=list)


def capabilities_work_of(*, user) -> CapabilitiesWork:
    """The drafts of ``user``'s institutes (newest first, as ``visible_to`` lets them see
    them), the open access requests their institutes received, and their institutes' latest
    imports: four queries, whatever the numbers."""
    if not user.is_authenticated:
        return CapabilitiesWork()
    mine = Membership.objects.filter(user=user.pk).values("institute_id")
    drafts = [
        record
        for model in (Testbed, Service)
        for record in model.objects.visible_to(user)
        .filter(published=False, institute__in=mine)
        .select_related("institute")
        .order_by("-updated_at", "-pk")[:WORK_LIST_SIZE]
    ]
    drafts.sort(key=lambda record: record.updated_at, reverse=True)
    return CapabilitiesWork(
        drafts=drafts[:WORK_LIST_SIZE],
        requests_to_answer=list(
            access_requests_for(user=user, box="received").exclude(
                status=AccessRequestStatus.CLOSED
            )[:WORK_LIST_SIZE]
        ),
        imports=list(
            ImportJob.objects.filter(institute__in=mine)
            .defer("rows", "ignored_columns")
            .select_related("institute")
            .order_by("-created_at", "-pk")[:WORK_LIST_SIZE]
        ),
    )
