"""Writes on institutes, memberships and invitations; each checks its permission."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from nmiq_portal.core.exceptions import StaleEdit
from nmiq_portal.core.permissions import require
from nmiq_portal.notifications.models import Notification
from nmiq_portal.notifications.services import email_render_enqueue, notify

from . import notifications
from .enums import ContactStatus, InvitationStatus, MemberRole, ServiceStatus, TestbedStatus
from .models import (
    CapabilityRecord,
    Contact,
    Institute,
    Invitation,
    Membership,
    Service,
    Testbed,
)
from .permissions import forget_institute_roles
from .search import weighted_vector
from .units import parse_unit, to_base

INVITATION_VALIDITY = timedelta(days=14)


def _members_url(institute: Institute) -> str:
    return reverse("capabilities:institute_members", kwargs={"slug": institute.slug})


def _keep_an_admin(membership: Membership) -> None:
    """Refuse to demote or remove the institute's last administrator."""
    admins = Membership.objects.filter(institute=membership.institute, role=MemberRole.ADMIN)
    if membership.role == MemberRole.ADMIN and admins.count() == 1:
        raise ValidationError(_("An institute needs at least one administrator."))


def _lock_institute(institute: Institute) -> Institute:
    """Serialise membership changes of one institute (e.g. two admins demoting each other)."""
    return Institute.objects.select_for_update().get(pk=institute.pk)


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
    institute = _lock_institute(institute)
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
    invitation.save()
    _send_invitation(invitation, actor=actor)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation; its link stops working."""
    require(actor, "capabilities.revoke_invitation", invitation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation is no longer pending."))
    _close(invitation, InvitationStatus.REVOKED, actor=actor)
    return invitation


def _close(invitation: Invitation, status: str, *, actor) -> None:
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.answered_by = actor
    invitation.save(update_fields=["status", "answered_at", "answered_by"])


def _answerable(actor, invitation: Invitation) -> Invitation:
    require(actor, "capabilities.answer_invitation", invitation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has expired or was already answered."))
    return invitation


@transaction.atomic
def invitation_accept(*, actor, invitation: Invitation) -> Membership:
    """The invited person joins the institute with the invited role (never a lower one)."""
    invitation = _answerable(actor, invitation)
    institute = _lock_institute(invitation.institute)
    membership, created = Membership.objects.get_or_create(
        user=actor, institute=institute, defaults={"role": invitation.role}
    )
    if not created and invitation.role == MemberRole.ADMIN:
        membership.role = MemberRole.ADMIN
        membership.save(update_fields=["role"])
    _close(invitation, InvitationStatus.ACCEPTED, actor=actor)
    forget_institute_roles(actor)
    if invitation.invited_by is not None and invitation.invited_by_id != actor.pk:
        notify(
            recipient=invitation.invited_by,
            verb=notifications.INVITATION_ACCEPTED.key,
            actor=actor,
            target=institute,
            data={"member": str(actor), "institute": institute.acronym},
            url=_members_url(institute),
        )
    return membership


@transaction.atomic
def invitation_decline(*, actor, invitation: Invitation) -> Invitation:
    """The invited person says no; whoever invited them is told."""
    invitation = _answerable(actor, invitation)
    _close(invitation, InvitationStatus.DECLINED, actor=actor)
    if invitation.invited_by is not None:
        notify(
            recipient=invitation.invited_by,
            verb=notifications.INVITATION_DECLINED.key,
            actor=actor,
            target=invitation.institute,
            data={"email": invitation.email, "institute": invitation.institute.acronym},
            url=_members_url(invitation.institute),
        )
    return invitation


@transaction.atomic
def membership_change_role(*, actor, membership: Membership, role: str) -> Membership:
    """Make a member an admin or an editor; an institute always keeps one admin."""
    require(actor, "capabilities.change_membership", membership)
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    _lock_institute(membership.institute)
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
    _lock_institute(membership.institute)
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
    institute = _lock_institute(institute)
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
    base = slugify(acronym) or "institute"
    taken = set(Institute.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


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
    institute = _lock_institute(institute)
    _check_version(institute, version)
    for field, value in changes.items():
        setattr(institute, field, value)
    institute.version += 1
    return _save_institute(institute)


@transaction.atomic
def institute_delete(*, actor, institute: Institute) -> None:
    """Portal staff remove an institute with its memberships and invitations."""
    require(actor, "capabilities.delete_institute", institute)
    _lock_institute(institute).delete()


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


def _unique_record_slug(model, institute: Institute, name: str, *, exclude=None) -> str:
    base = slugify(f"{institute.acronym} {name}")[:100] or model._meta.model_name
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=getattr(exclude, "pk", None))
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_relations(record, relations: dict) -> None:
    """Contacts and the related testbed must belong to the record's own institute."""
    errors = {}
    contacts = relations.get("contacts")
    if contacts is not None and any(c.institute_id != record.institute_id for c in contacts):
        errors["contacts"] = _("Choose contacts of %(institute)s.") % {
            "institute": record.institute.acronym
        }
    testbed = getattr(record, "testbed", None)
    if testbed is not None and testbed.institute_id != record.institute_id:
        errors["testbed"] = _("Choose a testbed of %(institute)s.") % {
            "institute": record.institute.acronym
        }
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


def _lock(record):
    return type(record).objects.select_for_update().select_related("institute").get(pk=record.pk)


def _field_label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def changes_since(record, version: int) -> list[tuple[str, object, object]]:
    """(field, value at ``version``, value now) for what changed after ``version``."""
    model = type(record)
    then = record.history.filter(version=version).order_by("-pgh_id").first()
    if then is None:
        return []
    fields, _retired, _active = RECORDS.get(model, (INSTITUTE_FIELDS, None, None))
    extra = ("published", "status") if model is not Institute else ("verified",)
    changed = []
    for name in (*fields, *extra):
        field = model._meta.get_field(name)
        old, new = getattr(then, field.attname, None), getattr(record, field.attname)
        if old != new:
            changed.append((_field_label(model, name), old, new))
    return changed


def _check_version(locked, version: int | None) -> None:
    """Refuse an edit made from a copy older than the stored record."""
    if version is not None and int(version) != locked.version:
        raise StaleEdit(current=locked, changes=changes_since(locked, int(version)))


@transaction.atomic
def record_update(*, actor, record, version: int | None, **changes):
    """Change a testbed, service or contact; refused when the editor's copy (``version``) is
    stale. ``version=None`` skips the check (a single-field action that cannot lose data)."""
    model = type(record)
    require(actor, _perm("change", model), record)
    values, relations = _split(model, changes)
    locked = _lock(record)
    _check_version(locked, version)
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
    locked = _lock(record)
    _check_version(locked, version)
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
