"""Writes on institutes, memberships and invitations; each checks its permission."""

import copy
import logging
import math
import os
from datetime import date, datetime, timedelta

import pghistory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models.functions import Lower
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nmiq_portal import workflow
from nmiq_portal.core.exceptions import StaleEdit
from nmiq_portal.core.locking import lock, lock_version
from nmiq_portal.core.permissions import require
from nmiq_portal.core.queue import enqueue_on_commit
from nmiq_portal.core.slugs import unique_slug
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from nmiq_portal.notifications.services import absolute_url, email_render_enqueue, notify

from . import imports, notifications, tasks
from .enums import (
    AccessRequestStatus,
    ContactStatus,
    ImportKind,
    ImportStatus,
    InvitationStatus,
    MemberRole,
    ServiceStatus,
    TestbedStatus,
)
from .models import (
    AccessRequest,
    CapabilityRecord,
    Contact,
    Evidence,
    ImportJob,
    Institute,
    Invitation,
    Membership,
    ReadinessLevel,
    SavedSearch,
    Service,
    TechnologyArea,
    Testbed,
)
from .permissions import forget_institute_roles
from .search import weighted_vector
from .units import parse_unit, to_base
from .workflows import OPEN_REQUEST

INVITATION_VALIDITY = timedelta(days=14)


def _keep_an_admin(membership: Membership) -> None:
    """Refuse to demote or remove the institute's last administrator."""
    admins = Membership.objects.filter(institute=membership.institute, role=MemberRole.ADMIN)
    if membership.role == MemberRole.ADMIN and admins.count() == 1:
        raise ValidationError(_("An institute needs at least one administrator."))


def _invitation_data(invitation: Invitation, *, inviter) -> dict:
    return {
        "inviter": str(inviter) if inviter else "",
        "institute": invitation.institute.acronym,
        "role": invitation.role,
        "expires": invitation.expires_at.date().isoformat(),
    }


def _send_invitation(invitation: Invitation, *, actor) -> None:
    data = _invitation_data(invitation, inviter=actor)
    url = invitation.get_absolute_url()
    invitee = (
        get_user_model()
        .objects.filter(
            emailaddress__email__iexact=invitation.email,
            emailaddress__verified=True,
            is_active=True,
        )
        .first()
    )
    if invitee is not None:
        notify(
            recipient=invitee,
            verb=notifications.INVITATION.key,
            actor=actor,
            target=invitation,
            data=data,
            url=url,
        )
        return
    email_render_enqueue(
        to=invitation.email,
        template="capabilities/email/invitation",
        context={"invitation": invitation, "inviter": actor, "url": url},
        language=translation.get_language() or "en",
    )


@transaction.atomic
def invitation_create(*, actor, institute: Institute, email: str, role: str) -> Invitation:
    """Invite ``email`` to ``institute``; inviting the same address again renews and resends."""
    require(actor, "capabilities.manage_members", institute)
    institute = lock(institute)
    email = email.strip().lower()
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if Membership.objects.filter(institute=institute, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    expires_at = timezone.now() + INVITATION_VALIDITY
    invitation = Invitation.objects.filter(
        institute=institute, email__iexact=email, status=InvitationStatus.PENDING
    ).first()
    if invitation is None:
        invitation = Invitation(institute=institute, email=email)
    invitation.role = role
    invitation.invited_by = actor
    invitation.expires_at = expires_at
    invitation.full_clean()
    if invitation.pk is None:
        workflow.create(invitation, "send", actor=actor)
    else:
        invitation.save()
    _send_invitation(invitation, actor=actor)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation; its link stops working."""
    return workflow.transition(invitation, "revoke", actor=actor)


@transaction.atomic
def invitation_accept(*, actor, invitation: Invitation) -> Membership:
    """The invited person joins the institute with the invited role (never a lower one)."""
    invitation = workflow.transition(invitation, "accept", actor=actor)
    institute = lock(invitation.institute)
    membership, created = Membership.objects.get_or_create(
        user=actor, institute=institute, defaults={"role": invitation.role}
    )
    if not created and invitation.role == MemberRole.ADMIN:
        membership.role = MemberRole.ADMIN
        membership.save(update_fields=["role"])
    forget_institute_roles(actor)
    return membership


@transaction.atomic
def invitation_decline(*, actor, invitation: Invitation) -> Invitation:
    """The invited person says no; whoever invited them is told."""
    return workflow.transition(invitation, "decline", actor=actor)


@transaction.atomic
def membership_change_role(*, actor, membership: Membership, role: str) -> Membership:
    """Make a member an admin or an editor; an institute always keeps one admin."""
    require(actor, "capabilities.change_membership", membership)
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    # The institute's row serialises its membership changes (two admins demoting each other).
    lock(membership.institute)
    membership = Membership.objects.select_related("institute", "user").get(pk=membership.pk)
    if membership.role == role:
        return membership
    _keep_an_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    forget_institute_roles(membership.user)
    forget_institute_roles(actor)
    if membership.user_id != actor.pk:
        notify(
            recipient=membership.user,
            verb=notifications.ROLE_CHANGED.key,
            actor=actor,
            target=membership.institute,
            data={"institute": membership.institute.acronym, "role": role},
            url=membership.institute.get_absolute_url(),
        )
    return membership


@transaction.atomic
def membership_end(*, actor, membership: Membership) -> None:
    """Remove a member (an admin does it) or leave (the member does); one admin always stays."""
    require(actor, "capabilities.delete_membership", membership)
    lock(membership.institute)
    membership = Membership.objects.select_related("institute", "user").get(pk=membership.pk)
    _keep_an_admin(membership)
    membership.delete()
    forget_institute_roles(membership.user)
    forget_institute_roles(actor)
    if membership.user_id != actor.pk:
        notify(
            recipient=membership.user,
            verb=notifications.MEMBERSHIP_ENDED.key,
            actor=actor,
            target=membership.institute,
            data={"institute": membership.institute.acronym},
        )


@transaction.atomic
def institute_set_verified(*, actor, institute: Institute, verified: bool) -> Institute:
    """Portal staff vouch for an institute (it becomes public) or withdraw that."""
    require(actor, "capabilities.verify_institute", institute)
    institute = lock(institute)
    if institute.verified != verified:
        institute.verified = verified
        institute.save(update_fields=["verified", "updated_at"])
    return institute


@transaction.atomic
def invitations_announce(*, user, email: str) -> int:
    """Put the open invitations to a newly verified address in its owner's inbox.

    An invitation to someone without an account goes out by e-mail only; once they sign up and
    verify that address, the invitation also waits for them in the portal.
    """
    invitations = Invitation.objects.filter(
        email__iexact=email, status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
    ).select_related("institute", "invited_by")
    already = set(
        Notification.objects.filter(
            recipient=user,
            verb=notifications.INVITATION.key,
            target_type=ContentType.objects.get_for_model(Invitation),
        ).values_list("target_id", flat=True)
    )
    announced = 0
    for invitation in invitations:
        if str(invitation.pk) in already:
            continue
        notify(
            recipient=user,
            verb=notifications.INVITATION.key,
            actor=invitation.invited_by,
            target=invitation,
            data=_invitation_data(invitation, inviter=invitation.invited_by),
            url=invitation.get_absolute_url(),
        )
        announced += 1
    return announced


MAX_PENDING_REGISTRATIONS = 3
INSTITUTE_FIELDS = ("name", "acronym", "kind", "economy", "rmo", "website", "description")


def _unique_slug(acronym: str) -> str:
    return unique_slug(Institute.objects, acronym, max_length=60, fallback="institute")


def _save_institute(institute: Institute) -> Institute:
    institute.acronym = institute.acronym.strip()
    institute.full_clean()
    institute.save()
    index_for_search(institute)
    # Testbeds and services are found by their institute's name too.
    for model in (Testbed, Service):
        for record in model.objects.filter(institute=institute).prefetch_related(
            "technology_areas"
        ):
            record.institute = institute
            index_for_search(record)
    return institute


@transaction.atomic
def institute_register(*, actor, **data) -> Institute:
    """Someone registers their institute: unverified, with them as its administrator; staff are
    asked to verify it before it appears publicly."""
    require(actor, "capabilities.register_institute")
    pending = Institute.objects.filter(
        verified=False, memberships__user=actor, memberships__role=MemberRole.ADMIN
    ).count()
    if pending >= MAX_PENDING_REGISTRATIONS:
        raise ValidationError(
            _("You have %(count)d institutes waiting for verification; wait for them first.")
            % {"count": pending}
        )
    institute = Institute(**{field: data[field] for field in INSTITUTE_FIELDS if field in data})
    institute.slug = _unique_slug(institute.acronym or "")
    institute.verified = False
    _save_institute(institute)
    Membership.objects.create(user=actor, institute=institute, role=MemberRole.ADMIN)
    forget_institute_roles(actor)
    admin_url = reverse("admin:capabilities_institute_change", args=[institute.pk])
    for staff in get_user_model().objects.filter(is_staff=True, is_active=True):
        notify(
            recipient=staff,
            verb=notifications.INSTITUTE_REGISTERED.key,
            actor=actor,
            target=institute,
            data={"person": str(actor), "institute": institute.acronym},
            url=admin_url,
        )
    return institute


@transaction.atomic
def institute_create(*, actor, **data) -> Institute:
    """Portal staff add an institute (unverified until they verify it)."""
    require(actor, "capabilities.add_institute")
    institute = Institute(**{field: data[field] for field in INSTITUTE_FIELDS if field in data})
    institute.slug = data.get("slug") or _unique_slug(institute.acronym or "")
    return _save_institute(institute)


@transaction.atomic
def institute_update(
    *, actor, institute: Institute, version: int | None = None, **changes
) -> Institute:
    """Change what an institute says of itself (its admins, or staff); refused when the
    editor's copy (``version``) is stale."""
    require(actor, "capabilities.change_institute", institute)
    unknown = set(changes) - {*INSTITUTE_FIELDS, "slug"}
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    institute = lock_version(institute, version, fields=(*INSTITUTE_FIELDS, "verified"))
    for field, value in changes.items():
        setattr(institute, field, value)
    institute.version += 1
    return _save_institute(institute)


@transaction.atomic
def institute_delete(*, actor, institute: Institute) -> None:
    """Portal staff remove an institute with its memberships and invitations."""
    require(actor, "capabilities.delete_institute", institute)
    lock(institute).delete()


# --- The directory: testbeds, services and contacts -------------------------------------------

TESTBED_FIELDS = (
    "name",
    "summary",
    "description",
    "visibility",
    "access_modes",
    "audiences",
    "si_traceable",
    "quantities",
    "status",
    "readiness",
    "city",
    "latitude",
    "longitude",
    "links",
    *(field for pair in CapabilityRecord.RANGE_FIELDS.values() for field in pair),
)
SERVICE_FIELDS = (
    "name",
    "summary",
    "description",
    "visibility",
    "access_modes",
    "audiences",
    "si_traceable",
    "kind",
    "status",
    "quantity",
    "range_lower",
    "range_upper",
    "range_unit",
    "uncertainty_mode",
    "uncertainty_lower",
    "uncertainty_upper",
    "uncertainty_unit",
    "uncertainty_equation",
    "uncertainty_table",
    "coverage_factor",
    "confidence_level",
    "method",
    "parameters",
    "traceability",
    "testbed",
    "lead_time",
    "charging",
    "kcdb_code",
    *(field for pair in CapabilityRecord.RANGE_FIELDS.values() for field in pair),
)
CONTACT_FIELDS = ("name", "function", "email", "phone")
RELATIONS = ("technology_areas", "contacts")

#: What each kind of record lets editors set, and the state it is retired to / reinstated in.
RECORDS = {
    Testbed: (TESTBED_FIELDS, TestbedStatus.RETIRED, TestbedStatus.OPERATIONAL),
    Service: (SERVICE_FIELDS, ServiceStatus.RETIRED, ServiceStatus.OFFERED),
    Contact: (CONTACT_FIELDS, ContactStatus.RETIRED, ContactStatus.ACTIVE),
}


def _perm(action: str, model) -> str:
    return f"capabilities.{action}_{model._meta.model_name}"


def _unique_record_slug(model, institute: Institute, name: str) -> str:
    return unique_slug(
        model.objects,
        f"{institute.acronym} {name}",
        max_length=100,
        fallback=model._meta.model_name,
    )


def _hold(model, pks: set) -> set:
    """Lock the rows ``pks`` of ``model`` FOR KEY SHARE until commit and return those still
    there. A record about to refer to them then never refers to a row deleted meanwhile (a
    foreign key error at commit): a delete waits for the link and then takes it away, and a row
    already deleted is reported. Edits of the rows themselves do not wait."""
    if not pks:
        return set()
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE",  # noqa: S608
            [sorted(pks)],
        )
        return {pk for (pk,) in cursor.fetchall()}


def _check_relations(record, relations: dict) -> None:
    """Contacts and the related testbed must belong to the record's own institute, and still
    exist."""
    errors = {}
    contacts = relations.get("contacts")
    if contacts is not None and any(c.institute_id != record.institute_id for c in contacts):
        errors["contacts"] = _("Choose contacts of %(institute)s.") % {
            "institute": record.institute.acronym
        }
    elif contacts and _hold(Contact, wanted := {c.pk for c in contacts}) != wanted:
        errors["contacts"] = _("A contact you chose has just been deleted; choose again.")
    testbed = getattr(record, "testbed", None)
    if testbed is not None and testbed.institute_id != record.institute_id:
        errors["testbed"] = _("Choose a testbed of %(institute)s.") % {
            "institute": record.institute.acronym
        }
    elif testbed is not None and not _hold(Testbed, {testbed.pk}):
        errors["testbed"] = _("The testbed you chose has just been deleted; choose again.")
    if errors:
        raise ValidationError(errors)


def _normalise_service(service: Service) -> None:
    """Check the units with pint and store the range in SI base units, as the KCDB does."""
    service.range_base_lower = service.range_base_upper = None
    service.range_base_unit = ""
    if service.range_unit:
        try:
            unit = parse_unit(service.range_unit)
        except ValidationError as error:
            raise ValidationError({"range_unit": error.messages}) from error
        for end in ("lower", "upper"):
            value = getattr(service, f"range_{end}")
            if value is not None:
                base, base_unit = to_base(value, unit)
                if not math.isfinite(base):
                    raise ValidationError({f"range_{end}": _("That value is out of range.")})
                setattr(service, f"range_base_{end}", base)
                service.range_base_unit = base_unit
    if service.uncertainty_unit and service.uncertainty_unit != "%":
        try:
            parse_unit(service.uncertainty_unit)
        except ValidationError as error:
            raise ValidationError({"uncertainty_unit": error.messages}) from error


def _search_parts(record) -> dict[str, list[str]]:
    if isinstance(record, Institute):
        return {"A": [record.name, record.acronym], "C": [record.description]}
    parts = {"A": [record.name], "D": [record.institute.acronym, record.institute.name]}
    areas = [area.name for area in record.technology_areas.all()]
    parts["B"] = [record.summary, *areas]
    parts["C"] = [record.description]
    if isinstance(record, Testbed):
        parts["B"] += record.quantities
    if isinstance(record, Service):
        parts["B"] += [record.quantity, record.method, record.kcdb_code]
    return parts


def index_for_search(record) -> None:
    """Rebuild the full-text vector of one testbed, service or institute."""
    vector = weighted_vector(_search_parts(record))
    type(record).objects.filter(pk=record.pk).update(search_vector=vector)


def _save_record(record, relations: dict) -> None:
    if isinstance(record, Service):
        _normalise_service(record)
    if "technology_areas" in relations:
        # Kept on the row itself, so the row's history records a change of areas too.
        record.technology_area_names = sorted(area.name for area in relations["technology_areas"])
    record.full_clean()
    _check_relations(record, relations)
    record.updated_at = timezone.now()
    record.save()
    for name, values in relations.items():
        getattr(record, name).set(values)
    if not isinstance(record, Contact):
        index_for_search(record)


def _split(model, data: dict) -> tuple[dict, dict]:
    fields, _retired, _active = RECORDS[model]
    allowed_relations = () if model is Contact else RELATIONS
    unknown = set(data) - set(fields) - set(allowed_relations)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    return (
        {k: v for k, v in data.items() if k in fields},
        {k: v for k, v in data.items() if k in allowed_relations},
    )


def _refuse_retiring_by_edit(model, values: dict) -> None:
    _fields, retired, _active = RECORDS[model]
    if values.get("status") == retired:
        raise ValidationError({"status": _("Use “Retire” to retire a record.")})


@transaction.atomic
def record_create(*, actor, model, institute: Institute, **data):
    """An institute member adds a testbed, service or contact (a draft until published)."""
    require(actor, _perm("add", model), institute)
    values, relations = _split(model, data)
    _refuse_retiring_by_edit(model, values)
    record = model(institute=institute, **values)
    if hasattr(record, "slug"):
        record.slug = _unique_record_slug(model, institute, record.name)
    _save_record(record, relations)
    return record


def _lock(record, version: int | None):
    """The record's row, locked once ``version`` is found current (StaleEdit otherwise); its
    institute comes along unlocked."""
    fields, _retired, _active = RECORDS[type(record)]
    return lock_version(
        record, version, fields=(*fields, "published", "status"), related=("institute",)
    )


@transaction.atomic
def record_update(*, actor, record, version: int | None, **changes):
    """Change a testbed, service or contact; refused when the editor's copy (``version``) is
    stale. ``version=None`` skips the check (a single-field action that cannot lose data)."""
    model = type(record)
    require(actor, _perm("change", model), record)
    values, relations = _split(model, changes)
    locked = _lock(record, version)
    if values.get("status") != locked.status:
        _refuse_retiring_by_edit(model, values)
    for field, value in values.items():
        setattr(locked, field, value)
    if hasattr(locked, "slug") and "name" in values:
        locked.slug = locked.slug or _unique_record_slug(model, locked.institute, locked.name)
    locked.version += 1
    _save_record(locked, relations)
    return locked


def _set_state(*, actor, record, version: int | None, **values):
    model = type(record)
    require(actor, _perm("change", model), record)
    locked = _lock(record, version)
    if all(getattr(locked, field) == value for field, value in values.items()):
        return locked
    for field, value in values.items():
        setattr(locked, field, value)
    if values.get("published") and locked.published_at is None:
        locked.published_at = timezone.now()
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    return locked


@transaction.atomic
def record_publish(*, actor, record, version: int | None = None):
    """Make a draft visible to its audience (once its institute is verified)."""
    return _set_state(actor=actor, record=record, version=version, published=True)


@transaction.atomic
def record_unpublish(*, actor, record, version: int | None = None):
    """Take a record back to draft: it leaves every public door."""
    return _set_state(actor=actor, record=record, version=version, published=False)


@transaction.atomic
def record_retire(*, actor, record, version: int | None = None):
    """A record that is no longer offered: kept for its history, shown to nobody outside."""
    _fields, retired, _active = RECORDS[type(record)]
    return _set_state(actor=actor, record=record, version=version, status=retired)


@transaction.atomic
def record_reinstate(*, actor, record, version: int | None = None):
    """Bring a retired record back (as operational, offered or active)."""
    _fields, retired, active = RECORDS[type(record)]
    if record.status != retired:
        return record
    return _set_state(actor=actor, record=record, version=version, status=active)


# --- Access requests ---------------------------------------------------------------------------


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
    with the request itself. An institute without any contact: its administrators.
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
    if not emails:
        users = list(
            get_user_model().objects.filter(
                is_active=True,
                memberships__institute=access_request.institute_id,
                memberships__role=MemberRole.ADMIN,
            )
        )
    return users, addresses


def _access_request_data(access_request: AccessRequest) -> dict:
    return {
        "requester": str(access_request.requester),
        "organisation": access_request.organisation,
        "target": access_request.target.name,
        "institute": access_request.institute.acronym,
        "sent": access_request.created_at.date().isoformat(),
        "status": access_request.status,
    }


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
            data=_access_request_data(access_request),
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
    workflow.create(access_request, "create", actor=actor)
    _tell_contacts(access_request, reminder=False)
    return access_request


@transaction.atomic
def access_request_answer(
    *, actor, request: AccessRequest, action: str, comment: str = ""
) -> AccessRequest:
    """The institute moves a request along the state table; the requester is told."""
    return workflow.transition(request, action, actor=actor, comment=comment)


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


# --- Saved searches and their alerts -----------------------------------------------------------

MAX_SAVED_SEARCHES = 50
#: An alert lists at most this many new matches of each kind, then links to the search.
ALERT_MATCHES_SHOWN = 20


def normalise_query(query: str) -> str:
    """The directory's query string without the page number or empty values."""
    params = QueryDict(query.lstrip("?"), mutable=True)
    params.pop("page", None)
    for key in list(params):
        values = [value for value in params.getlist(key) if value.strip()]
        if values:
            params.setlist(key, values)
        else:
            del params[key]
    return params.urlencode()


@transaction.atomic
def saved_search_create(*, actor, name: str, query: str) -> SavedSearch:
    """Save a directory search under a name; alerts are on until switched off."""
    require(actor, "capabilities.add_saved_search")
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the search a name.")})
    query = normalise_query(query)
    if len(query) > SavedSearch._meta.get_field("query").max_length:
        raise ValidationError({"query": _("This search is too long to be saved.")})
    saved = SavedSearch.objects.filter(user=actor)
    if saved.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("You already have a saved search with this name.")})
    if saved.count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            _("You can keep %(count)d saved searches; delete one first.")
            % {"count": MAX_SAVED_SEARCHES}
        )
    saved_search = SavedSearch(user=actor, name=name, query=query)
    saved_search.full_clean()
    saved_search.save()
    return saved_search


@transaction.atomic
def saved_search_delete(*, actor, saved_search: SavedSearch) -> None:
    require(actor, "capabilities.change_saved_search", saved_search)
    saved_search.delete()


@transaction.atomic
def saved_search_set_alerts(*, actor, saved_search: SavedSearch, alerts: bool) -> SavedSearch:
    """Switch the daily e-mail of new matches on or off; switching on starts from now."""
    require(actor, "capabilities.change_saved_search", saved_search)
    saved_search = lock(saved_search)
    if saved_search.alerts != alerts:
        saved_search.alerts = alerts
        fields = ["alerts"]
        if alerts:
            # Switched back on: what was published while it was off is not "new" any more.
            saved_search.last_alerted_at = timezone.now()
            fields.append("last_alerted_at")
        saved_search.save(update_fields=fields)
    return saved_search


def saved_search_alert(*, saved_search_id: int) -> OutgoingEmail | None:
    """E-mail ``saved_search``'s owner what newly matches it; nothing when nothing is new."""
    from .selectors import directory_matches

    with transaction.atomic():
        saved = (
            SavedSearch.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=saved_search_id, alerts=True, user__is_active=True)
            .first()
        )
        if saved is None:
            return None
        now = timezone.now()
        matches = directory_matches(
            user=saved.user,
            params=QueryDict(saved.query),
            since=saved.last_alerted_at or saved.created_at,
        )
        groups = []
        for kind in ("testbed", "service"):
            queryset = matches.get(kind)
            if queryset is None:
                continue
            total = queryset.count()
            if total:
                shown = list(queryset.select_related("institute")[:ALERT_MATCHES_SHOWN])
                groups.append({"kind": kind, "total": total, "records": shown})
        saved.last_alerted_at = now
        saved.save(update_fields=["last_alerted_at"])
        if not groups:
            return None
        return email_render_enqueue(
            to=saved.user.email,
            template="capabilities/email/saved_search_alert",
            context={
                "person": saved.user,
                "saved_search": saved,
                "groups": groups,
                "total": sum(group["total"] for group in groups),
                "search_url": absolute_url(saved.get_absolute_url()),
                "manage_url": absolute_url(reverse("capabilities:saved_search_list")),
            },
            language=saved.user.language,
        )


def saved_search_alert_all() -> int:
    """Run every saved search with alerts on; returns how many e-mails were queued."""
    ids = SavedSearch.objects.filter(alerts=True, user__is_active=True).values_list("pk", flat=True)
    return sum(saved_search_alert(saved_search_id=pk) is not None for pk in ids.iterator())


# --- Bulk import of testbeds and services (CSV/XLSX) -------------------------------------------

logger = logging.getLogger(__name__)

IMPORT_MODELS = {ImportKind.TESTBED: Testbed, ImportKind.SERVICE: Service}
#: At most this many progress writes per import, however many rows it has.
IMPORT_PROGRESS_STEPS = 100
#: Class of the advisory lock a running import holds (with the job's id as the second key).
IMPORT_LOCK_CLASS = 0x1A9071


def import_columns(kind: str) -> tuple[str, ...]:
    """The columns of an import file of ``kind`` (testbed|service), in the template's order."""
    return imports.columns(RECORDS[IMPORT_MODELS[kind]][0])


def import_help(kind: str) -> list[tuple[str, bool, str]]:
    """(column, required, what to write) for every column of an import file of ``kind``."""
    model = IMPORT_MODELS[kind]
    required = imports.required_columns(model)
    return [
        (column, column in required, imports.column_help(model, column))
        for column in import_columns(kind)
    ]


def _import_lookups(institute: Institute, model) -> imports.Lookups:
    lookups = imports.Lookups(
        areas={area.slug: area for area in TechnologyArea.objects.all()},
        readiness={
            (level.scale.slug, level.level): level
            for level in ReadinessLevel.objects.select_related("scale")
        },
    )
    for contact in Contact.objects.filter(institute=institute):
        lookups.contacts.setdefault(contact.email.lower(), []).append(contact)
    if model is Service:
        lookups.testbeds = {
            testbed.slug: testbed
            for testbed in Testbed.objects.filter(institute=institute).only(
                "pk", "slug", "institute"
            )
        }
    return lookups


def _import_objects(row: dict, *, readiness, testbeds, areas, contacts) -> tuple[dict, dict]:
    """The field values and relations of a checked row, with the objects its keys name."""
    values, relations = dict(row["values"]), {}
    gone = _("It no longer exists.")
    if values.get("readiness") is not None:
        if values["readiness"] not in readiness:
            raise ValidationError({"readiness": gone})
        values["readiness"] = readiness[values["readiness"]]
    if values.get("testbed") is not None:
        if values["testbed"] not in testbeds:
            raise ValidationError({"testbed": gone})
        values["testbed"] = testbeds[values["testbed"]]
    if "technology_areas" in row["relations"]:
        slugs = row["relations"]["technology_areas"]
        if any(slug not in areas for slug in slugs):
            raise ValidationError({"technology_areas": gone})
        relations["technology_areas"] = [areas[slug] for slug in slugs]
    if "contacts" in row["relations"]:
        pks = row["relations"]["contacts"]
        if any(pk not in contacts for pk in pks):
            raise ValidationError({"contacts": gone})
        relations["contacts"] = [contacts[pk] for pk in pks]
    return values, relations


def _import_errors(error: ValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"column": "" if column == "__all__" else column, "message": message}
            for column, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"column": "", "message": message} for message in error.messages]


def _import_key(model, institute, number: int, key: str, existing, seen):
    """The record a row's key names (None to add one), with what is wrong with the key."""
    if not key:
        return None, []
    errors = []
    if key in seen:
        errors.append(_("Row %(row)d already has this key.") % {"row": seen[key]})
    seen.setdefault(key, number)
    record = existing.get(key)
    if record is None:
        errors.append(
            _(
                "No %(kind)s of %(institute)s has the key “%(key)s”; leave the key empty to add "
                "a new one."
            )
            % {"kind": model._meta.verbose_name, "institute": institute.acronym, "key": key}
        )
    return record, [{"column": imports.KEY, "message": message} for message in errors]


def _import_cells(model, raw: dict, lookups) -> tuple[dict, dict, list[dict]]:
    """A row's cells parsed: (field values, relations, errors); an empty cell that means "the
    default when adding, unchanged when updating" is left out."""
    values, relations, errors = {}, {}, []
    for column, text in raw.items():
        if column == imports.KEY:
            continue
        try:
            value = imports.parse_cell(model, column, text, lookups=lookups)
        except ValidationError as error:
            errors.append({"column": column, "message": " ".join(error.messages)})
            continue
        if value is not imports.MISSING:
            (relations if column in imports.RELATION_COLUMNS else values)[column] = value
    return values, relations, errors


def _import_check_record(model, institute, record, values, relations, lookups, failed) -> list:
    """The errors of the record a row makes or changes, checked as the edit services check it
    (units, choices, clean()), leaving out the columns that already ``failed``."""
    errors = []
    instance = copy.copy(record) if record is not None else model(institute=institute)
    if record is None or values.get("status", record.status) != record.status:
        try:
            _refuse_retiring_by_edit(model, values)
        except ValidationError as error:
            errors += _import_errors(error)
            failed = failed | {"status"}
    try:
        objects, related = _import_objects(
            {
                "values": {k: v for k, v in values.items() if k not in failed},
                "relations": {k: v for k, v in relations.items() if k not in failed},
            },
            readiness={level.pk: level for level in lookups.readiness.values()},
            testbeds={testbed.pk: testbed for testbed in lookups.testbeds.values()},
            areas=lookups.areas,
            contacts={c.pk: c for found in lookups.contacts.values() for c in found},
        )
        for name, value in objects.items():
            setattr(instance, name, value)
        if isinstance(instance, Service):
            _normalise_service(instance)
        # The fields the lookups already resolved, and the slug record_create will give, are
        # left out; the check constraints repeat clean() and would cost queries on each row.
        instance.full_clean(
            exclude=["slug", "institute", "readiness", "testbed"],
            validate_unique=False,
            validate_constraints=False,
        )
        _check_relations(instance, related)
    except ValidationError as error:
        errors += [e for e in _import_errors(error) if e["column"] not in failed]
    return errors


def _import_check_row(model, institute, number: int, raw: dict, lookups, existing, seen) -> dict:
    """One row: its key, its cells parsed, then the record it makes or changes checked."""
    key = raw.get(imports.KEY, "").strip().lower()
    record, errors = _import_key(model, institute, number, key, existing, seen)
    values, relations, cell_errors = _import_cells(model, raw, lookups)
    errors += cell_errors
    if not any(e["column"] == imports.KEY for e in errors):
        failed = {e["column"] for e in errors}
        errors += _import_check_record(model, institute, record, values, relations, lookups, failed)
    return {
        "row": number,
        "key": key,
        "action": "update" if record is not None else "create",
        "name": values.get("name") or (record.name if record is not None else ""),
        "version": record.version if record is not None else None,
        "values": values,
        "relations": relations,
        "errors": errors,
    }


@transaction.atomic
def import_check(*, actor, institute: Institute, kind: str, filename: str, rows) -> ImportJob:
    """Check every row of an uploaded file as the edit forms and services would and keep the
    normalised rows with every error (row, column, reason). A file with errors is kept only to
    show them: it cannot be applied."""
    require(actor, "capabilities.import_records", institute)
    if kind not in IMPORT_MODELS:
        raise ValidationError({"kind": _("Choose testbeds or services.")})
    model = IMPORT_MODELS[kind]
    rows = list(rows)
    try:
        if not rows:
            raise ValidationError(_("The file has a header but no rows."))
        imports.check_columns(
            list(rows[0]),
            allowed=import_columns(kind),
            required=imports.required_columns(model),
        )
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    lookups = _import_lookups(institute, model)
    keys = {row.get(imports.KEY, "").strip().lower() for row in rows} - {""}
    existing = {
        record.slug: record for record in model.objects.filter(institute=institute, slug__in=keys)
    }
    checked, seen = [], {}
    for number, raw in enumerate(rows, start=2):
        if any(raw.values()):
            checked.append(
                _import_check_row(model, institute, number, raw, lookups, existing, seen)
            )
    job = ImportJob(
        institute=institute,
        created_by=actor,
        kind=kind,
        filename=os.path.basename(filename or "")[:255],
        rows=checked,
        to_create=sum(row["action"] == "create" for row in checked),
        to_update=sum(row["action"] == "update" for row in checked),
    )
    errors = sum(len(row["errors"]) for row in checked)
    if errors:
        job.status = ImportStatus.FAILED
        job.error = ngettext(
            "The file has %(count)d error; correct it and upload the file again.",
            "The file has %(count)d errors; correct them and upload the file again.",
            errors,
        ) % {"count": errors}
        job.finished_at = timezone.now()
    job.save()
    return job


@transaction.atomic
def import_queue(*, actor, job: ImportJob) -> ImportJob:
    """Hand a checked, error-free import to a worker; asking again once it is queued, running or
    done changes nothing."""
    require(actor, "capabilities.import_records", job.institute)
    job = lock(job, related=("institute",))
    if job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.DONE):
        return job
    if job.status != ImportStatus.VALIDATED:
        raise ValidationError(
            _("This import cannot be applied: %(reason)s Upload the file again.")
            % {"reason": job.error}
        )
    job.status = ImportStatus.QUEUED
    job.save(update_fields=["status"])
    enqueue_on_commit(tasks.apply_import, job.pk)
    return job


class _ImportProgress:
    """How far a running import got, written on a database connection of its own in autocommit.

    The rows are saved in one transaction that stays open until the last one, yet the progress
    page must see the count move meanwhile. The database rather than the cache: it is the one
    store the web and worker processes always share (without Redis the cache is per process),
    and the count stays with the job. The import's transaction never touches the job's row
    before its end, so these writes never wait on it.
    """

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.every = max(1, len(job.rows) // IMPORT_PROGRESS_STEPS)
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def write(self, **values) -> None:
        if self.connection is None:
            return
        quote = self.connection.ops.quote_name
        assignments = ", ".join(f"{quote(name)} = %s" for name in values)
        sql = f"UPDATE {quote(ImportJob._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, [*values.values(), self.job_id])
        except DatabaseError:
            logger.warning("Import %s: progress not written", self.job_id, exc_info=True)
            self.close()  # the import goes on; only the bar stops moving

    def step(self, processed: int, total: int) -> None:
        if processed % self.every == 0 or processed == total:
            self.write(processed=processed)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _import_claim(job: ImportJob) -> bool:
    """Inside the import's transaction: true when this run may apply the job (no other run
    holds it, and it is still waiting or was left running by a worker that died)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_CLASS, job.pk % 2**31]
        )
        if not cursor.fetchone()[0]:
            return False
    status = ImportJob.objects.filter(pk=job.pk).values_list("status", flat=True).get()
    return status in (ImportStatus.QUEUED, ImportStatus.RUNNING)


def _import_failure(error: Exception, row: dict | None, job: ImportJob) -> str:
    where = _("Row %(row)d: ") % {"row": row["row"]} if row else ""
    if isinstance(error, StaleEdit):
        return where + _(
            "“%(key)s” was changed by someone else after the file was checked; upload the file "
            "again."
        ) % {"key": row["key"] if row else ""}
    if isinstance(error, PermissionDenied):
        return where + _("%(person)s may no longer change the records of %(institute)s.") % {
            "person": job.created_by or _("The person who uploaded the file"),
            "institute": job.institute.acronym,
        }
    if isinstance(error, ValidationError):
        return where + "; ".join(
            f"{e['column']}: {e['message']}" if e["column"] else e["message"]
            for e in _import_errors(error)
        )
    if isinstance(error, ObjectDoesNotExist):
        return where + _("the record “%(key)s” no longer exists.") % {
            "key": row["key"] if row else ""
        }
    logger.exception("Import %s failed", job.uuid)
    return where + _("it could not be saved (%(error)s).") % {"error": type(error).__name__}


def import_apply(*, job: ImportJob) -> ImportJob:
    """Save every row of a queued import in one transaction, as the member who uploaded it:
    all rows land, or none and the job says why. Running it again does nothing."""
    job = ImportJob.objects.select_related("institute", "created_by").get(pk=job.pk)
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return job
    model = IMPORT_MODELS[job.kind]
    total = len(job.rows)
    progress = _ImportProgress(job)
    row = None
    try:
        with transaction.atomic():
            if not _import_claim(job):
                return job
            progress.write(status=ImportStatus.RUNNING, processed=0)
            lookups = {
                "readiness": ReadinessLevel.objects.in_bulk(),
                "testbeds": Testbed.objects.filter(institute=job.institute).in_bulk(),
                "areas": {area.slug: area for area in TechnologyArea.objects.all()},
                "contacts": Contact.objects.filter(institute=job.institute).in_bulk(),
            }
            with pghistory.context(user=job.created_by_id, url=job.get_absolute_url()):
                for processed, row in enumerate(job.rows, start=1):
                    values, relations = _import_objects(row, **lookups)
                    if row["action"] == "create":
                        record_create(
                            actor=job.created_by,
                            model=model,
                            institute=job.institute,
                            **values,
                            **relations,
                        )
                    else:
                        record_update(
                            actor=job.created_by,
                            record=model.objects.get(institute=job.institute, slug=row["key"]),
                            version=row["version"],
                            **values,
                            **relations,
                        )
                    progress.step(processed, total)
            row = None
            job.status = ImportStatus.DONE
            job.processed = total
            job.error = ""
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "processed", "error", "finished_at"])
    except Exception as error:  # whatever broke, nothing of the import landed: say why
        reason = _import_failure(error, row, job)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=reason, processed=0, finished_at=timezone.now()
        )
        job.refresh_from_db()
    finally:
        progress.close()
    return job


def import_sweep() -> int:
    """Queue again the imports that waited too long (the broker was down when they were queued);
    a job that is already running or done is left alone by import_apply."""
    stale = timezone.now() - timedelta(minutes=10)
    ids = list(
        ImportJob.objects.filter(status=ImportStatus.QUEUED, created_at__lt=stale).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        enqueue_on_commit(tasks.apply_import, pk)
    return len(ids)


# --- Evidence: "how we know" ------------------------------------------------------------------

EVIDENCE_FIELDS = ("kind", "title", "url", "doi", "reference", "year", "note")


def _evidence_values(data: dict) -> dict:
    unknown = set(data) - set(EVIDENCE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    return data


@transaction.atomic
def evidence_add(*, actor, record, **data) -> Evidence:
    """Whoever may change a testbed or service links it to what supports it."""
    require(actor, _perm("change", type(record)), record)
    if not isinstance(record, Testbed | Service):
        raise ValueError("Evidence supports a testbed or a service.")
    target = "testbed" if isinstance(record, Testbed) else "service"
    evidence = Evidence(**{target: record}, **_evidence_values(data))
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def evidence_update(*, actor, evidence: Evidence, **changes) -> Evidence:
    """Correct an item of evidence; the permission is that of the record it supports."""
    locked = lock(evidence, related=("testbed", "service"))
    require(actor, _perm("change", type(locked.record)), locked.record)
    for field, value in _evidence_values(changes).items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    """Withdraw an item of evidence (its history keeps what it said)."""
    locked = lock(evidence, related=("testbed", "service"))
    require(actor, _perm("change", type(locked.record)), locked.record)
    locked.delete()


# --- Writes from the API: one step per request -------------------------------------------------


def _unchanged(record, name: str, value) -> bool:
    if name in RELATIONS:
        return {item.pk for item in getattr(record, name).all()} == {item.pk for item in value}
    return getattr(record, name) == value


@transaction.atomic
def record_change(*, actor, record, version: int | None, published: bool | None = None, **changes):
    """Change fields, then publish or unpublish, then retire, as one step that lands whole or not
    at all (the API's PATCH); values equal to the stored ones change nothing."""
    model = type(record)
    _fields, retired, _active = RECORDS[model]
    require(actor, _perm("change", model), record)
    locked = _lock(record, version)
    retire = changes.get("status") == retired
    if retire:
        del changes["status"]
    changes = {
        name: value for name, value in changes.items() if not _unchanged(locked, name, value)
    }
    if changes:
        locked = record_update(actor=actor, record=locked, version=None, **changes)
    if published is not None:
        publish = record_publish if published else record_unpublish
        locked = publish(actor=actor, record=locked)
    if retire:
        locked = record_retire(actor=actor, record=locked)
    return locked


@transaction.atomic
def record_delete(*, actor, record, version: int | None = None) -> None:
    """Remove a testbed, service or contact for good; refused while access requests refer to it
    (retire it instead). Records that pointed at it let go of it, each as a change of its own."""
    model = type(record)
    require(actor, _perm("delete", model), record)
    # The records that point at it are locked first, in the order an edit of theirs takes its
    # locks (its own row, then the rows it refers to), so the two never wait on each other.
    pointing = []
    if model is Testbed:
        pointing = list(Service.objects.select_for_update().filter(testbed=record).order_by("pk"))
    if model is Contact:
        for related in (Testbed, Service):
            listing = related.objects.select_for_update(of=("self",)).filter(contacts=record)
            pointing += list(listing.order_by("pk"))
    locked = _lock(record, version)
    if model is not Contact:
        requests = locked.access_requests.count()
        if requests:
            raise ValidationError(
                ngettext(
                    "%(count)d access request refers to %(name)s; retire it instead.",
                    "%(count)d access requests refer to %(name)s; retire it instead.",
                    requests,
                )
                % {"count": requests, "name": locked.name},
                code="protected",
            )
    for related in pointing:
        if model is Testbed:
            record_update(actor=actor, record=related, version=None, testbed=None)
        else:
            others = [contact for contact in related.contacts.all() if contact.pk != locked.pk]
            record_update(actor=actor, record=related, version=None, contacts=others)
    locked.delete()
