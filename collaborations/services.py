"""Writes of the collaborations app: proposals, their review, and who takes part.

Every status moves through the workflow engine (``nmiq_portal.workflow``); these services add the
rules around it (what may be edited when, deliverables, one participation per institute).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from capabilities.models import Institute, Service, TechnologyArea, Testbed
from capabilities.services import count_invitation
from nmiq_portal import workflow
from nmiq_portal.core import slugs
from nmiq_portal.core.locking import check_version, lock
from nmiq_portal.core.permissions import require
from nmiq_portal.notifications.enums import Delivery
from nmiq_portal.notifications.services import (
    absolute_url,
    email_render_enqueue,
    notify,
    withdraw,
)

from .enums import (
    AWAITING_REVIEW_STATUSES,
    EDITABLE_PROJECT_STATUSES,
    AnswerKind,
    NeedStatus,
    NeedVisibility,
    ParticipationRole,
    ParticipationStatus,
    ProjectStatus,
)
from .models import (
    Deliverable,
    IndustryNeed,
    NeedAnswer,
    NeedSubscription,
    Participation,
    Project,
    Reminder,
    TechnicalWorkingArea,
)
from .notifications import (
    DELIVERABLE_DUE,
    NEED_UNANSWERED,
    REVIEW_OVERDUE,
    need_data,
    need_recipients,
)
from .permissions import is_lead_member, need_coordinators, need_viewers, project_deciders
from .selectors import review_queue

#: What a proposer writes (the working area, the lead and the deliverables come separately).
PROPOSAL_FIELDS = (
    "kind",
    "title",
    "acronym",
    "summary",
    "objectives",
    "work_plan",
    "expected_outputs",
    "start_date",
    "end_date",
)
#: What the lead may change on a project: the proposal, and the final report once there is one.
PROJECT_FIELDS = (*PROPOSAL_FIELDS, "final_report_url")
DELIVERABLE_FIELDS = ("title", "description", "due_date", "done")
MAX_DELIVERABLES = 50


def _check_fields(changes: dict, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"Not a field a proposer sets: {', '.join(sorted(unknown))}")


def _check_twa(twa: TechnicalWorkingArea) -> None:
    if not twa.active:
        raise ValidationError({"twa": _("This working area no longer takes proposals.")})


def _deliverables(project: Project, deliverables) -> None:
    """Replace the project's deliverables with ``deliverables`` (dicts of their fields)."""
    deliverables = list(deliverables)
    if len(deliverables) > MAX_DELIVERABLES:
        raise ValidationError(
            {
                "deliverables": _("A project lists at most %(max)d deliverables.")
                % {"max": MAX_DELIVERABLES}
            }
        )
    project.deliverables.all().delete()
    made = []
    for position, values in enumerate(deliverables):
        _check_fields(values, DELIVERABLE_FIELDS)
        deliverable = Deliverable(project=project, position=position, **values)
        try:
            deliverable.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {
                    "deliverables": [
                        _("Deliverable %(n)d: %(errors)s")
                        % {"n": position + 1, "errors": "; ".join(error.messages)}
                    ]
                }
            ) from error
        made.append(deliverable)
    Deliverable.objects.bulk_create(made)


@transaction.atomic
def project_create(
    *, actor, twa: TechnicalWorkingArea, lead_institute: Institute, deliverables=(), **fields
) -> Project:
    """An institute member drafts a proposal led by their institute (saved as a draft)."""
    _check_fields(fields, PROJECT_FIELDS)
    project = Project(twa=twa, lead_institute=lead_institute, **fields)
    require(actor, "collaborations.add_project", project)
    project.proposer = actor
    _check_twa(twa)
    if not lead_institute.verified:
        raise ValidationError(
            {"lead_institute": _("An institute proposes projects once portal staff verified it.")}
        )
    project.slug = slugs.name(project)
    project.full_clean()
    workflow.create(project, "create", actor=actor)
    _deliverables(project, deliverables)
    lead = Participation(
        project=project,
        institute=lead_institute,
        role=ParticipationRole.LEAD,
        initiated_by=actor,
    )
    workflow.create(lead, "lead", actor=actor)
    return project


@transaction.atomic
def project_update(
    *, actor, project: Project, version: int, deliverables=None, **changes
) -> Project:
    """The lead institute revises its draft (or a proposal sent back for changes)."""
    _check_fields(changes, (*PROJECT_FIELDS, "twa"))
    locked = lock(project)
    if locked.status not in EDITABLE_PROJECT_STATUSES and is_lead_member(actor, locked):
        raise ValidationError(
            _("A proposal is edited as a draft or when changes are requested; it is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    require(actor, "collaborations.change_project", locked)
    check_version(locked, int(version), fields=(*PROJECT_FIELDS, "twa"))
    if "twa" in changes and changes["twa"].pk != locked.twa_id:
        if locked.status != ProjectStatus.DRAFT:
            raise ValidationError({"twa": _("Only a draft moves to another working area.")})
        _check_twa(changes["twa"])
    for name, value in changes.items():
        setattr(locked, name, value)
    if "acronym" in changes:
        slugs.rename(locked)
    locked.version += 1
    locked.full_clean()
    locked.save()
    if deliverables is not None:
        _deliverables(locked, deliverables)
    return locked


def project_transition(*, actor, project: Project, action: str, comment: str = "") -> Project:
    """Run a transition of the project table (submit, approve, withdraw …)."""
    return workflow.transition(project, action, actor=actor, comment=comment)


@transaction.atomic
def project_link_final_report(*, actor, project: Project, final_report_url: str) -> Project:
    """The lead links the final report of its approved or running project (before completing)."""
    locked = lock(project)
    require(actor, "collaborations.complete_project", locked)
    if locked.status not in (ProjectStatus.APPROVED, ProjectStatus.ACTIVE):
        raise ValidationError(
            {"final_report_url": _("A final report is linked to an approved or active project.")}
        )
    locked.final_report_url = final_report_url
    locked.version += 1
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def deliverable_set_done(*, actor, deliverable: Deliverable, done: bool) -> Deliverable:
    """The lead marks a deliverable of its approved or running project done (or not)."""
    locked = lock(deliverable, related=("project",))
    require(actor, "collaborations.complete_project", locked.project)
    if locked.project.status not in (ProjectStatus.APPROVED, ProjectStatus.ACTIVE):
        raise ValidationError(_("Deliverables are ticked off while the project runs."))
    locked.done = done
    locked.save(update_fields=["done"])
    return locked


def _join(
    *, actor, project: Project, institute: Institute, role: str, action: str
) -> Participation:
    if role not in (ParticipationRole.PARTICIPANT, ParticipationRole.OBSERVER):
        raise ValidationError({"role": _("An institute joins as a participant or an observer.")})
    # One participation change per project at a time: the project row is the lock.
    locked_project = lock(project)
    existing = (
        Participation.objects.select_for_update()
        .filter(project=locked_project, institute=institute)
        .first()
    )
    if existing is not None and existing.status not in (
        ParticipationStatus.DECLINED,
        ParticipationStatus.LEFT,
    ):
        raise ValidationError(
            _("%(institute)s is already %(status)s in this project.")
            % {"institute": institute.acronym, "status": existing.get_status_display().lower()}
        )
    if action == "invite":
        count_invitation(locked_project.lead_institute)
    if existing is None:
        participation = Participation(
            project=locked_project, institute=institute, role=role, initiated_by=actor
        )
        return workflow.create(participation, action, actor=actor)
    moved = workflow.transition(existing, action, actor=actor)
    # Who asks again, and in which role: recorded once the engine allowed the move.
    Participation.objects.filter(pk=moved.pk).update(role=role, initiated_by=actor)
    moved.refresh_from_db()
    return moved


@transaction.atomic
def participation_request(
    *, actor, project: Project, institute: Institute, role: str = ParticipationRole.PARTICIPANT
) -> Participation:
    """A member asks for their institute to join a project; the lead answers."""
    return _join(actor=actor, project=project, institute=institute, role=role, action="request")


@transaction.atomic
def participation_invite(
    *, actor, project: Project, institute: Institute, role: str = ParticipationRole.PARTICIPANT
) -> Participation:
    """The lead invites an institute to its project; the institute answers. Each invitation
    counts against the lead institute's daily allowance, as its membership invitations do."""
    require(actor, "collaborations.manage_participation", project)
    return _join(actor=actor, project=project, institute=institute, role=role, action="invite")


def participation_transition(
    *, actor, participation: Participation, action: str, comment: str = ""
) -> Participation:
    """Accept, decline or leave a participation (the engine says who may, from which state)."""
    if action not in ("accept", "decline", "leave"):
        raise ValidationError(_("Participations are accepted, declined or left."))
    return workflow.transition(participation, action, actor=actor, comment=comment)


# --- Reminders and digests ------------------------------------------------------------------------
# Run on a schedule by collaborations/tasks.py. Each reminder is claimed by a Reminder row in the
# transaction that writes its notifications, so a job that runs twice (or on two workers at once)
# sends it once.

#: A new proposal stays "new" in the weekly digest for this many days.
DIGEST_NEW_DAYS = 7


def _claim(key: str) -> bool:
    """Record that the reminder ``key`` is sent, in the current transaction; False when it was
    already (a concurrent claim waits for the other transaction, then fails if it committed)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def _may_see(people, project) -> list:
    """``people`` who are active and may see ``project`` (what a notification says reaches them
    with no further check)."""
    return [
        person
        for person in people
        if person.is_active and person.has_perm("collaborations.view_project", project)
    ]


def review_age_days(project: Project, *, now) -> int:
    """Whole days a proposal has waited for its review (as the review queue counts them)."""
    return (now - (project.submitted_at or project.created_at)).days


def projects_overdue_for_review(*, now=None):
    """Proposals submitted or in review for more than PROPOSAL_REVIEW_DAYS whole days."""
    now = now or timezone.now()
    return Project.objects.filter(
        status__in=AWAITING_REVIEW_STATUSES,
        submitted_at__lte=now - timedelta(days=settings.PROPOSAL_REVIEW_DAYS + 1),
    )


def project_review_remind(*, project_id: int, now=None) -> int:
    """Remind the coordinators who may decide on an overdue proposal (staff when every
    coordinator has a conflict), once per PROPOSAL_REVIEW_DAYS it keeps waiting; returns how
    many people were reminded."""
    now = now or timezone.now()
    with transaction.atomic():
        project = (
            projects_overdue_for_review(now=now).select_related("twa").filter(pk=project_id).first()
        )
        if project is None:
            return 0
        age = review_age_days(project, now=now)
        period = (age - 1) // settings.PROPOSAL_REVIEW_DAYS
        if not _claim(f"review:{project.pk}:{project.submitted_at.timestamp():.0f}:{period}"):
            return 0
        people = project_deciders(project)
        data = {
            "project": project.acronym,
            "title": project.title,
            "twa": str(project.twa),
            "days": age,
        }
        recipients = _may_see(people, project)
        for person in recipients:
            notify(
                recipient=person,
                verb=REVIEW_OVERDUE.key,
                target=project,
                data=data,
                url=reverse("collaborations:review_queue"),
            )
        return len(recipients)


def project_review_remind_all(*, now=None) -> int:
    """Remind the coordinators of every overdue proposal not reminded in this period yet."""
    ids = projects_overdue_for_review(now=now).order_by("submitted_at", "pk")
    return sum(
        project_review_remind(project_id=pk, now=now) > 0 for pk in ids.values_list("pk", flat=True)
    )


def deliverables_due_soon(*, today=None):
    """Open deliverables of approved or running projects due within DELIVERABLE_REMINDER_DAYS."""
    today = today or timezone.localdate()
    return Deliverable.objects.filter(
        done=False,
        due_date__gte=today,
        due_date__lte=today + timedelta(days=settings.DELIVERABLE_REMINDER_DAYS),
        project__status__in=(ProjectStatus.APPROVED, ProjectStatus.ACTIVE),
    )


def deliverable_remind(*, deliverable_id: int, today=None) -> int:
    """Remind the members of the lead institute that a deliverable is due soon (once per due
    date); returns how many people were reminded."""
    with transaction.atomic():
        deliverable = (
            deliverables_due_soon(today=today)
            .select_related("project__twa")
            .filter(pk=deliverable_id)
            .first()
        )
        if deliverable is None:
            return 0
        if not _claim(f"deliverable:{deliverable.pk}:{deliverable.due_date.isoformat()}"):
            return 0
        project = deliverable.project
        members = (
            get_user_model()
            .objects.filter(memberships__institute_id=project.lead_institute_id)
            .distinct()
            .order_by("pk")
        )
        data = {
            "deliverable": deliverable.title,
            "project": project.acronym,
            "due": deliverable.due_date.isoformat(),
        }
        recipients = _may_see(members, project)
        for person in recipients:
            notify(
                recipient=person,
                verb=DELIVERABLE_DUE.key,
                target=project,
                data=data,
                url=project.get_absolute_url(),
            )
        return len(recipients)


def deliverable_remind_all(*, today=None) -> int:
    """Remind the lead institutes of every deliverable due soon and not reminded yet."""
    ids = deliverables_due_soon(today=today).order_by("due_date", "pk")
    return sum(
        deliverable_remind(deliverable_id=pk, today=today) > 0
        for pk in ids.values_list("pk", flat=True)
    )


def review_digest_send(*, coordinator, now=None):
    """E-mail ``coordinator`` their review queue (new, waiting, overdue) once a week; nothing
    when it is empty or they turned e-mail off. Returns the outbox message, or None."""
    now = now or timezone.now()
    if not coordinator.is_active or coordinator.notification_delivery == Delivery.OFF:
        return None
    with transaction.atomic():
        # Proposals the coordinator may decide on; a conflicted one waits for someone else.
        entries = [e for e in review_queue(user=coordinator, now=now) if not e.conflicted]
        if not entries:
            return None
        year, week, _day = timezone.localdate(now).isocalendar()
        if not _claim(f"digest:{coordinator.pk}:{year}-W{week:02d}"):
            return None
        groups = {"overdue": [], "new": [], "waiting": []}
        for entry in entries:
            if entry.overdue:
                group = "overdue"
            elif entry.age_days < DIGEST_NEW_DAYS:
                group = "new"
            else:
                group = "waiting"
            entry.link = absolute_url(entry.project.get_absolute_url())
            groups[group].append(entry)
        return email_render_enqueue(
            to=coordinator.email,
            template="collaborations/email/review_digest",
            context={
                "recipient": coordinator,
                "overdue": groups["overdue"],
                "new": groups["new"],
                "waiting": groups["waiting"],
                "total": len(entries),
                "queue_url": absolute_url(reverse("collaborations:review_queue")),
            },
            language=coordinator.language,
        )


def review_digest_send_all(*, now=None) -> int:
    """Send each coordinator of an active working area their weekly review digest."""
    coordinators = (
        get_user_model()
        .objects.filter(coordinated_twas__active=True, is_active=True)
        .distinct()
        .order_by("pk")
    )
    return sum(
        review_digest_send(coordinator=person, now=now) is not None for person in coordinators
    )


# --- industry needs ---

#: What a poster writes about a need (the institute it is posted for comes separately).
NEED_FIELDS = (
    "title",
    "description",
    "technology_area",
    "urgency",
    "needed_by",
    "visibility",
    *(name for pair in IndustryNeed.RANGE_FIELDS.values() for name in pair),
)


@transaction.atomic
def need_create(*, actor, institute: Institute, **fields) -> IndustryNeed:
    """Someone of an industry consortium posts a need for it; it opens at once."""
    _check_fields(fields, NEED_FIELDS)
    need = IndustryNeed(institute=institute, **fields)
    require(actor, "collaborations.add_industry_need", need)
    need.posted_by = actor
    need.slug = slugs.name(need)
    need.full_clean()
    return workflow.create(need, "create", actor=actor)


@transaction.atomic
def need_update(*, actor, need: IndustryNeed, version: int, **changes) -> IndustryNeed:
    """The poster (or staff) revises an open need; a stale copy is refused."""
    _check_fields(changes, NEED_FIELDS)
    locked = lock(need)
    require(actor, "collaborations.change_industry_need", locked)
    if locked.status != NeedStatus.OPEN:
        raise ValidationError(
            _("A need is edited while it is open; it is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    check_version(locked, int(version), fields=NEED_FIELDS)
    was_public = locked.visibility == NeedVisibility.PUBLIC
    for name, value in changes.items():
        setattr(locked, name, value)
    if "title" in changes:
        slugs.rename(locked)
    locked.version += 1
    locked.full_clean()
    locked.save()
    if was_public and locked.visibility != NeedVisibility.PUBLIC:
        # What non-members were told of it while public goes: no digest carries it to them.
        withdraw(target=locked, seen_by=need_viewers(locked))
    return locked


@transaction.atomic
def need_mark_met(*, actor, need: IndustryNeed, answer: NeedAnswer, comment: str = ""):
    """The poster (or staff) says which answer met the need."""
    locked = lock(need)
    require(actor, "collaborations.meet_industry_need", locked)
    if answer.need_id != locked.pk:
        raise ValidationError({"answer": _("Choose one of this need's answers.")})
    # The engine reads the need afresh under its lock: the answer is written first, in the
    # same transaction, so a refused move undoes it.
    IndustryNeed.objects.filter(pk=locked.pk).update(met_by=answer)
    return workflow.transition(locked, "mark_met", actor=actor, comment=comment)


def need_close(*, actor, need: IndustryNeed, comment: str = "") -> IndustryNeed:
    """The poster (or staff) closes a need nobody is to answer any more."""
    return workflow.transition(need, "close", actor=actor, comment=comment)


def _answer(*, actor, need: IndustryNeed, institute: Institute, **fields) -> NeedAnswer:
    answer = NeedAnswer(need=need, institute=institute, author=actor, **fields)
    require(actor, "collaborations.answer_industry_need", answer)
    answer.full_clean()
    return workflow.create(answer, "post", actor=actor)


@transaction.atomic
def need_answer_capability(
    *, actor, need: IndustryNeed, record: Testbed | Service, comment: str = ""
) -> NeedAnswer:
    """A member points the poster to one of their institute's testbeds or services, which the
    poster may see."""
    if not isinstance(record, Testbed | Service):
        raise TypeError("A capability is a testbed or a service")
    model = type(record)
    if not model.objects.visible_to(need.posted_by).filter(pk=record.pk).exists():
        raise ValidationError(
            {"record": _("Point to a published record the poster of the need may see.")}
        )
    field = "testbed" if model is Testbed else "service"
    return _answer(
        actor=actor,
        need=lock(need),
        institute=record.institute,
        kind=AnswerKind.CAPABILITY,
        comment=comment,
        **{field: record},
    )


@transaction.atomic
def need_answer_comment(
    *, actor, need: IndustryNeed, institute: Institute, comment: str
) -> NeedAnswer:
    """A member of an institute answers a need in words."""
    if not comment.strip():
        raise ValidationError({"comment": _("Write your answer.")})
    return _answer(
        actor=actor,
        need=lock(need),
        institute=institute,
        kind=AnswerKind.COMMENT,
        comment=comment.strip(),
    )


@transaction.atomic
def need_propose_project(
    *, actor, need: IndustryNeed, twa, lead_institute: Institute, deliverables=(), **fields
) -> Project:
    """A member drafts a project proposal meant to meet a need; the proposal is the answer."""
    need = lock(need)
    # Asked before the draft is written, so that a refusal leaves nothing behind.
    require(
        actor,
        "collaborations.answer_industry_need",
        NeedAnswer(need=need, institute=lead_institute, author=actor),
    )
    project = project_create(
        actor=actor, twa=twa, lead_institute=lead_institute, deliverables=deliverables, **fields
    )
    _answer(
        actor=actor,
        need=need,
        institute=lead_institute,
        kind=AnswerKind.PROPOSAL,
        project=project,
    )
    return project


@transaction.atomic
def need_subscribe(*, actor, technology_area: TechnologyArea) -> NeedSubscription:
    """Hear of every new need in an area (and those below it) one's institute lists records
    in."""
    require(actor, "collaborations.subscribe_to_needs", technology_area)
    subscription, _created = NeedSubscription.objects.get_or_create(
        user=actor, technology_area=technology_area
    )
    return subscription


def need_unsubscribe(*, actor, technology_area: TechnologyArea) -> int:
    """Stop hearing of new needs in an area; returns how many subscriptions ended."""
    deleted, _kinds = NeedSubscription.objects.filter(
        user=actor.pk, technology_area=technology_area
    ).delete()
    return deleted


def needs_unanswered(*, now=None):
    """Open needs posted more than NEEDS_REMINDER_DAYS ago that nobody answered."""
    now = now or timezone.now()
    return IndustryNeed.objects.filter(
        status=NeedStatus.OPEN,
        created_at__lte=now - timedelta(days=settings.NEEDS_REMINDER_DAYS),
        answers__isnull=True,
    )


def need_remind(*, need_id: int, now=None) -> int:
    """Remind the coordinators of the working areas of an unanswered need's area (staff when
    no working area looks after it) once; returns how many people were reminded."""
    now = now or timezone.now()
    with transaction.atomic():
        need = (
            needs_unanswered(now=now)
            .select_related("technology_area", "institute")
            .filter(pk=need_id)
            .first()
        )
        if need is None or not _claim(f"need:{need.pk}"):
            return 0
        people = need_coordinators(need) or get_user_model().objects.filter(
            is_staff=True, is_active=True
        ).order_by("pk")
        data = need_data(need, days=(now - need.created_at).days)
        recipients = need_recipients(need, people)
        for person in recipients:
            notify(
                recipient=person,
                verb=NEED_UNANSWERED.key,
                target=need,
                data=data,
                url=need.get_absolute_url(),
            )
        return len(recipients)


def need_remind_all(*, now=None) -> int:
    """Remind the coordinators of every unanswered need not reminded yet."""
    ids = needs_unanswered(now=now).order_by("created_at", "pk").values_list("pk", flat=True)
    return sum(need_remind(need_id=pk, now=now) > 0 for pk in ids)
