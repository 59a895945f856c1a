"""Access requests to a testbed or service: sent, answered through the workflow, reminded."""

from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from nmiq_portal import workflow
from nmiq_portal.core.permissions import require
from nmiq_portal.notifications.services import email_render_enqueue, notify

from .. import notifications
from ..enums import AccessRequestStatus, MemberRole
from ..models import (
    AccessRequest,
    AccessRequestMessage,
    Contact,
    HeldAccessRequest,
    Service,
    Testbed,
)
from ..workflows import OPEN_REQUEST
from .records import RECORDS

#: Unanswered (still new) requests are reminded to the contacts after this many working days.
ACCESS_REQUEST_REMINDER_WORKING_DAYS = 5


def _verified_users_by_email(emails) -> dict[str, object]:
    """{lower-case address: active user who verified it} for ``emails``."""
    addresses = (
        EmailAddress.objects.annotate(address=Lower("email"))
        .filter(verified=True, user__is_active=True, address__in={e.lower() for e in emails})
        .select_related("user")
    )
    return {address.email.lower(): address.user for address in addresses}


def _access_request_recipients(access_request: AccessRequest) -> tuple[list, list[str]]:
    """Whom to tell about a request: (users for the inbox, bare addresses for e-mail).

    The target's contacts, else the institute's listed contacts; a contact whose address belongs
    to a verified account that may open the request gets it in the inbox, any other an e-mail
    with the request itself. When none of them has such an account: the administrators too.
    """
    target = access_request.target
    emails = list(target.contacts.public().values_list("email", flat=True))
    if not emails:
        emails = list(
            Contact.objects.filter(institute=access_request.institute_id)
            .public()
            .values_list("email", flat=True)
        )
    users, addresses, seen = [], [], set()
    known = _verified_users_by_email(emails)
    for email in emails:
        key = email.lower()
        if key in seen:
            continue
        seen.add(key)
        user = known.get(key)
        if user is not None and user.has_perm("capabilities.view_access_request", access_request):
            if user.pk not in {u.pk for u in users}:
                users.append(user)
        else:
            addresses.append(email)
    if not users:
        # Nobody listed answers on the portal: the administrators get it in their inbox, so a
        # member of the institute always has it there (contacts keep their e-mail).
        users = list(
            get_user_model().objects.filter(
                is_active=True,
                memberships__institute=access_request.institute_id,
                memberships__role=MemberRole.ADMIN,
            )
        )
    return users, addresses


def _tell_contacts(access_request: AccessRequest, *, reminder: bool) -> int:
    """Notify the people who answer ``access_request``; returns how many were told."""
    users, addresses = _access_request_recipients(access_request)
    url = access_request.get_absolute_url()
    verb = notifications.ACCESS_REQUEST_REMINDER if reminder else notifications.ACCESS_REQUESTED
    for user in users:
        notify(
            recipient=user,
            verb=verb.key,
            actor=access_request.requester,
            target=access_request,
            data=notifications.access_request_data(access_request),
            url=url,
        )
    for address in addresses:
        email_render_enqueue(
            to=address,
            template="capabilities/email/access_request",
            context={
                "access_request": access_request,
                "target": access_request.target,
                "requester": access_request.requester,
                "reminder": reminder,
                "url": url,
            },
            language=settings.LANGUAGE_CODE,
        )
    return len(users) + len(addresses)


def _checked_request(
    *, actor, target, organisation: str, purpose: str, preferred_start, preferred_end
) -> AccessRequest:
    """The unsaved request of ``actor`` for ``target``, refused as ``access_request_create``
    refuses it."""
    require(actor, "capabilities.request_access", target)
    model = type(target)
    if model not in (Testbed, Service):
        raise ValueError(f"Access is requested to a testbed or a service, not {model.__name__}.")
    if not model.objects.visible_to(actor).filter(pk=target.pk).exists():
        raise PermissionDenied("capabilities.request_access")
    target = model.objects.select_related("institute").get(pk=target.pk)
    _fields, retired, _active = RECORDS[model]
    if not target.published or target.status == retired:
        raise ValidationError(_("%(name)s is not open to access requests.") % {"name": target.name})
    field = model._meta.model_name
    if AccessRequest.objects.filter(
        requester=actor, status__in=OPEN_REQUEST, **{field: target}
    ).exists():
        raise ValidationError(
            _("You already have an open request for %(name)s; follow it on its page.")
            % {"name": target.name}
        )
    if preferred_start is not None and preferred_start < timezone.localdate():
        raise ValidationError({"preferred_start": _("Choose a date from today on.")})
    access_request = AccessRequest(
        requester=actor,
        institute=target.institute,
        organisation=organisation.strip(),
        purpose=purpose.strip(),
        preferred_start=preferred_start,
        preferred_end=preferred_end,
        **{field: target},
    )
    if preferred_start and preferred_end and preferred_start > preferred_end:
        raise ValidationError({"preferred_end": _("The end must not be before the start.")})
    access_request.full_clean()
    return access_request


@transaction.atomic
def access_request_create(
    *,
    actor,
    target,
    organisation: str,
    purpose: str,
    preferred_start=None,
    preferred_end=None,
) -> AccessRequest:
    """A signed-in person asks for access to a testbed or service they may see; the people who
    answer for it are told."""
    access_request = _checked_request(
        actor=actor,
        target=target,
        organisation=organisation,
        purpose=purpose,
        preferred_start=preferred_start,
        preferred_end=preferred_end,
    )
    workflow.create(access_request, "create", actor=actor)
    _tell_contacts(access_request, reminder=False)
    return access_request


@transaction.atomic
def access_request_hold(
    *, actor, target, organisation: str, purpose: str, preferred_start=None, preferred_end=None
) -> HeldAccessRequest:
    """A request sent with a new account (``actor``, whose address is not confirmed yet):
    checked as any request is, kept, and sent by ``access_requests_release`` once the address
    is confirmed. Until then the institute hears nothing."""
    checked = _checked_request(
        actor=actor,
        target=target,
        organisation=organisation,
        purpose=purpose,
        preferred_start=preferred_start,
        preferred_end=preferred_end,
    )
    return HeldAccessRequest.objects.create(
        requester=actor,
        testbed=checked.testbed,
        service=checked.service,
        organisation=checked.organisation,
        purpose=checked.purpose,
        preferred_start=checked.preferred_start,
        preferred_end=checked.preferred_end,
    )


def held_access_requests_expire() -> int:
    """Drop the held requests of accounts whose address was not confirmed within
    ``HELD_ACCESS_REQUEST_DAYS``: what a stranger wrote is not kept for an account nobody
    claimed. Returns how many were dropped."""
    cutoff = timezone.now() - timedelta(days=settings.HELD_ACCESS_REQUEST_DAYS)
    dropped, _kinds = HeldAccessRequest.objects.filter(created_at__lt=cutoff).delete()
    return dropped


@transaction.atomic
def access_requests_release(*, user) -> tuple[list[AccessRequest], list[str]]:
    """Send ``user``'s held requests through ``access_request_create`` now that their address
    is confirmed: (the requests sent, the refusals of those that may no longer be sent, e.g.
    a record unpublished meanwhile). Held requests are gone afterwards either way."""
    sent, refused = [], []
    held = (
        HeldAccessRequest.objects.select_for_update(of=("self",))
        .select_related("testbed", "service")
        .filter(requester=user)
        .order_by("pk")
    )
    for item in held:
        try:
            with transaction.atomic():
                sent.append(
                    access_request_create(
                        actor=user,
                        target=item.target,
                        organisation=item.organisation,
                        purpose=item.purpose,
                        preferred_start=item.preferred_start,
                        preferred_end=item.preferred_end,
                    )
                )
        except PermissionDenied:
            refused.append(
                _("%(name)s is not open to access requests.") % {"name": item.target.name}
            )
        except ValidationError as error:
            refused.extend(error.messages)
        item.delete()
    return sent, refused


@transaction.atomic
def access_request_answer(
    *, actor, request: AccessRequest, action: str, comment: str = ""
) -> AccessRequest:
    """The institute moves a request along the state table; the requester is told."""
    if action == "withdraw":
        return access_request_withdraw(actor=actor, request=request, comment=comment)
    return workflow.transition(request, action, actor=actor, comment=comment)


def _institute_side(access_request: AccessRequest, *, actor) -> list:
    """Who hears, on the institute's side, of what the requester writes or does: those told of
    the request who have an account, the members who took part in the thread or moved the
    request, else the institute's administrators; never the actor."""
    users, _addresses = _access_request_recipients(access_request)
    taking_part = {
        *access_request.messages.values_list("author", flat=True),
        *workflow.events_for(access_request).values_list("actor", flat=True),
    }
    members = list(
        get_user_model().objects.filter(
            is_active=True,
            pk__in=taking_part - {None},
            memberships__institute=access_request.institute_id,
        )
    )
    chosen = {user.pk: user for user in [*users, *members]}
    if not chosen:
        chosen = {
            user.pk: user
            for user in get_user_model().objects.filter(
                is_active=True,
                memberships__institute=access_request.institute_id,
                memberships__role=MemberRole.ADMIN,
            )
        }
    chosen.pop(actor.pk, None)
    return list(chosen.values())


def _other_side(access_request: AccessRequest, *, actor) -> list:
    """The people a thread message or a withdrawal of ``actor`` is for."""
    if actor.pk == access_request.requester_id:
        return _institute_side(access_request, actor=actor)
    requester = access_request.requester
    return [requester] if requester.is_active else []


@transaction.atomic
def access_request_comment(*, actor, request: AccessRequest, body: str) -> AccessRequestMessage:
    """The requester or the institute writes on a request's thread; the other side is told."""
    require(actor, "capabilities.comment_access_request", request)
    locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in OPEN_REQUEST:
        raise ValidationError(_("This request is closed: nothing more can be written on it."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    message = AccessRequestMessage(access_request=locked, author=actor, body=body)
    message.full_clean()
    message.save()
    data = {**notifications.access_request_data(request), "author": str(actor), "body": body}
    for recipient in _other_side(request, actor=actor):
        notify(
            recipient=recipient,
            verb=notifications.ACCESS_REQUEST_MESSAGE.key,
            actor=actor,
            target=request,
            data=data,
            url=f"{request.get_absolute_url()}#message-{message.pk}",
        )
    return message


@transaction.atomic
def access_request_withdraw(*, actor, request: AccessRequest, comment: str = "") -> AccessRequest:
    """The requester takes back an open request; the institute's side is told."""
    moved = workflow.transition(request, "withdraw", actor=actor, comment=comment.strip())
    data = {**notifications.access_request_data(moved), "comment": comment.strip()}
    for recipient in _institute_side(moved, actor=actor):
        notify(
            recipient=recipient,
            verb=notifications.ACCESS_REQUEST_WITHDRAWN.key,
            actor=actor,
            target=moved,
            data=data,
            url=moved.get_absolute_url(),
        )
    return moved


SATURDAY = 5


def nth_working_day_back(day: date, count: int) -> date:
    """The ``count``-th working day (Monday to Friday) counting back from ``day`` included."""
    while True:
        if day.weekday() < SATURDAY:
            count -= 1
            if count == 0:
                return day
        day -= timedelta(days=1)


def access_requests_to_remind():
    """Requests still new after the reminder delay, not yet reminded: sent before the last
    ``ACCESS_REQUEST_REMINDER_WORKING_DAYS`` working days (today included) began."""
    first_day = nth_working_day_back(timezone.localdate(), ACCESS_REQUEST_REMINDER_WORKING_DAYS)
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    return AccessRequest.objects.filter(
        status=AccessRequestStatus.NEW, reminded_at__isnull=True, created_at__lt=start
    )


def access_request_remind_all() -> int:
    """Remind the contacts of every unanswered request once; returns how many were reminded."""
    reminded = 0
    for pk in access_requests_to_remind().values_list("pk", flat=True):
        with transaction.atomic():
            access_request = (
                access_requests_to_remind()
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("requester", "institute", "testbed", "service")
                .filter(pk=pk)
                .first()
            )
            if access_request is None:
                continue
            _tell_contacts(access_request, reminder=True)
            access_request.reminded_at = timezone.now()
            access_request.save(update_fields=["reminded_at"])
            reminded += 1
    return reminded
