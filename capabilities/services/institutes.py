"""Writes on institutes, memberships and invitations; each checks its permission."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nmiq_portal import workflow
from nmiq_portal.core import slugs
from nmiq_portal.core.locking import lock, lock_version
from nmiq_portal.core.permissions import require
from nmiq_portal.core.ratelimit import DAY, count_or_refuse
from nmiq_portal.notifications.models import Notification
from nmiq_portal.notifications.services import email_render_enqueue, notify, withdraw_unseen

from .. import notifications
from ..enums import InvitationStatus, MemberRole
from ..models import Institute, Invitation, Membership, Service, Testbed
from ..permissions import forget_institute_roles
from .records import index_for_search

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


def count_invitation(institute: Institute) -> None:
    """Count one invitation sent by ``institute``; refused past its daily allowance."""
    limit = settings.INVITATIONS_PER_INSTITUTE_PER_DAY
    count_or_refuse(
        f"invitations:{institute.pk}",
        limit=limit,
        window=DAY,
        message=_(
            "%(institute)s has sent %(limit)d invitations in the last day, as many as it may; "
            "try again tomorrow."
        )
        % {"institute": institute.acronym, "limit": limit},
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
    count_invitation(institute)
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
    # What they were told as a member (a members-only need, an access request to the
    # institute) leaves their inbox with the membership.
    withdraw_unseen(user=membership.user)
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
    """Portal staff vouch for an institute (it becomes public, with the readable slug of its
    acronym if it had a provisional one) or withdraw that. Refused while a verified institute
    has the same acronym: unverified ones may share it, as none of them knows of the others."""
    require(actor, "capabilities.verify_institute", institute)
    institute = lock(institute)
    if institute.verified == verified:
        return institute
    if verified and (Institute.objects.public().filter(acronym__iexact=institute.acronym).exists()):
        raise ValidationError(
            {
                "acronym": _(
                    "A verified institute is registered as %(acronym)s: change this one's "
                    "acronym before verifying it."
                )
                % {"acronym": institute.acronym}
            }
        )
    institute.verified = verified
    institute.save(update_fields=["verified", "updated_at"])
    if not verified:
        # Its people may no longer see other institutes' members-only records.
        for member in get_user_model().objects.filter(memberships__institute=institute):
            withdraw_unseen(user=member)
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
    institute.slug = slugs.name(institute)
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
    institute.slug = data.get("slug") or slugs.name(institute)
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
