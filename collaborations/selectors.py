"""Reads of the collaborations pages: working areas, projects, their people and timelines."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import JSONObject, Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from capabilities import fields as quantity_fields
from capabilities.formatting import format_quantity, format_range
from capabilities.models import Institute, Membership, Service, TechnologyArea, Testbed
from capabilities.selectors import directory_matches
from nmiq_portal.notifications.services import absolute_url
from nmiq_portal.workflow import events_for
from nmiq_portal.workflow.models import WorkflowEvent
from nmiq_portal.workflow.registry import workflow_named

from .enums import (
    AWAITING_REVIEW_STATUSES,
    ENGAGED_PARTICIPATION_STATUSES,
    PUBLIC_PROJECT_STATUSES,
    ParticipationRole,
    ParticipationStatus,
    ProjectKind,
    ProjectStatus,
)
from .models import (
    IndustryNeed,
    NeedAnswer,
    NeedSubscription,
    Participation,
    Project,
    TechnicalWorkingArea,
    paths_up,
)
from .permissions import conflicted_institute_ids

#: The order a working area's page shows its projects in, grouped by state.
STATE_ORDER = (
    ProjectStatus.ACTIVE,
    ProjectStatus.APPROVED,
    ProjectStatus.COMPLETED,
    ProjectStatus.IN_REVIEW,
    ProjectStatus.SUBMITTED,
    ProjectStatus.CHANGES_REQUESTED,
    ProjectStatus.DRAFT,
    ProjectStatus.REJECTED,
    ProjectStatus.WITHDRAWN,
)


def _institutes_of(user) -> set[int]:
    """Ids of the institutes ``user`` belongs to (read once per user object)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_collaborations_institutes", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("institute_id", flat=True))
        user._collaborations_institutes = cached
    return cached


def _coordinators(lookup: str = "coordinators") -> Prefetch:
    """A working area's coordinators in one order on the page, the API, the feed and the
    snapshot: by name, then by who was registered first."""
    return Prefetch(lookup, queryset=get_user_model().objects.order_by(Lower("name"), "pk"))


def twa_list(*, user):
    """Working areas ``user`` may see, with their coordinators and how many public projects."""
    return (
        TechnicalWorkingArea.objects.visible_to(user)
        .annotate(
            public_projects=Count(
                "projects", filter=Q(projects__status__in=PUBLIC_PROJECT_STATUSES)
            )
        )
        .prefetch_related(_coordinators())
        .order_by("number")
    )


def twa_for_page(*, user):
    return TechnicalWorkingArea.objects.visible_to(user).prefetch_related(_coordinators())


def twa_projects_by_state(*, user, twa) -> list[tuple[str, list[Project]]]:
    """[(state label, projects)] of ``twa`` that ``user`` may see, in ``STATE_ORDER``."""
    projects = (
        Project.objects.visible_to(user)
        .filter(twa=twa)
        .select_related("lead_institute")
        .order_by("title", "pk")
    )
    grouped: dict[str, list[Project]] = {}
    for project in projects:
        grouped.setdefault(project.status, []).append(project)
    return [
        (ProjectStatus(state).label, grouped[state]) for state in STATE_ORDER if state in grouped
    ]


def twa_participants(*, user, projects: list[Project]) -> dict:
    """The institutes (that ``user`` may see) taking part in ``projects``, and their economies."""
    institutes = list(
        Institute.objects.visible_to(user)
        .filter(
            participations__project__in=projects,
            participations__status=ParticipationStatus.ACCEPTED,
        )
        .distinct()
        .order_by("acronym")
    )
    economies = sorted({str(institute.economy.name) for institute in institutes})
    return {"institutes": institutes, "economies": economies}


def _participating(user):
    """Institutes ``user`` may see that have accepted to take part in a project ``user`` may see."""
    return Institute.objects.visible_to(user).filter(
        participations__status=ParticipationStatus.ACCEPTED,
        participations__project__in=Project.objects.visible_to(user),
    )


def participating_institutes(*, user):
    return _participating(user).distinct().order_by("acronym")


def economy_choices(*, user) -> list[tuple[str, str]]:
    """(code, name) of the economies of the institutes taking part in a project, by name."""
    codes = _participating(user).order_by().values_list("economy", flat=True).distinct()
    return sorted(((code, str(countries.name(code))) for code in codes), key=lambda c: c[1])


def project_list(*, user):
    """Projects ``user`` may see, with what the list shows."""
    return (
        Project.objects.visible_to(user)
        .select_related("twa", "lead_institute")
        .order_by("-updated_at", "pk")
    )


def project_for_page(*, user):
    """Projects ``user`` may open, with what their page shows fetched up front."""
    return (
        Project.objects.visible_to(user)
        .select_related("twa", "lead_institute", "proposer")
        .prefetch_related("deliverables", _coordinators("twa__coordinators"))
    )


def project_participations(*, user, project: Project, audit: bool) -> list[Participation]:
    """Who takes part: everyone, in every state, for those who may see the audit; for anyone
    else only the accepted institutes they may see."""
    participations = Participation.objects.filter(project=project).select_related("institute")
    if not audit:
        participations = participations.filter(
            status=ParticipationStatus.ACCEPTED,
            institute__in=Institute.objects.visible_to(user),
        )
    participations = sorted(
        participations,
        key=lambda p: (p.role != ParticipationRole.LEAD, p.institute.acronym.lower()),
    )
    for participation in participations:
        participation.project = project  # the permission rules read it; no query per row
    return participations


@dataclass(frozen=True)
class TimelineEntry:
    event: WorkflowEvent
    action: str
    from_state: str
    to_state: str
    institute: Institute | None  # for a participation's move, the institute it concerns


def project_timeline(*, project: Project, participations: list[Participation]) -> list:
    """Every move of ``project`` and of its participations, oldest first, with the labels of
    the actions and states in the active language."""
    institutes = {p.pk: p.institute for p in participations}
    entries = []
    for event in events_for(project, Participation.objects.filter(project=project)):
        workflow = workflow_named(event.workflow)
        entries.append(
            TimelineEntry(
                event=event,
                action=workflow.action_label(event.action) if workflow else event.action,
                from_state=workflow.state_label(event.from_state)
                if workflow and event.from_state
                else "",
                to_state=workflow.state_label(event.to_state) if workflow else event.to_state,
                institute=None
                if event.object_id == project.pk and workflow and workflow.model is Project
                else institutes.get(event.object_id),
            )
        )
    return entries


@dataclass(frozen=True)
class Decider:
    coordinator: object
    may_decide: bool


def project_deciders(*, project: Project) -> list[Decider]:
    """The working area's coordinators, each with whether they may decide on ``project``: not
    when an institute of theirs leads it or took part in its review round."""
    coordinators = list(project.twa.coordinators.all())  # in the order _coordinators() gives
    engaged = conflicted_institute_ids(project)
    conflicted = set(
        Membership.objects.filter(user__in=coordinators, institute_id__in=engaged).values_list(
            "user_id", flat=True
        )
    )
    return [Decider(coordinator=c, may_decide=c.pk not in conflicted) for c in coordinators]


def submission_readiness(*, project: Project, participations: list[Participation]) -> dict:
    """What the submission guard counts: accepted institutes and their economies, against the
    working area's minimum."""
    accepted = [p for p in participations if p.status == ParticipationStatus.ACCEPTED]
    institutes = len(accepted)
    economies = len({p.institute.economy.code for p in accepted})
    twa = project.twa
    partners = sum(1 for p in accepted if p.institute_id != project.lead_institute_id)
    return {
        "partners": partners,
        "partners_needed": max(twa.min_institutes - 1, 0),
        "institutes": institutes,
        "economies": economies,
        "min_institutes": twa.min_institutes,
        "min_economies": twa.min_economies,
        "ready": institutes >= twa.min_institutes and economies >= twa.min_economies,
    }


def _taking_part(project: Project):
    """Institutes with a live participation in ``project`` (a declined or left one may ask or be
    invited again)."""
    return Participation.objects.filter(
        project=project, status__in=ENGAGED_PARTICIPATION_STATUSES
    ).values("institute_id")


def joinable_institutes(*, user, project: Project):
    """``user``'s verified institutes that do not take part in ``project`` now."""
    return (
        Institute.objects.filter(memberships__user=user, verified=True)
        .exclude(pk__in=_taking_part(project))
        .order_by("acronym")
    )


def invitable_institutes(*, user, project: Project):
    """Institutes the lead may invite: the public ones that do not take part now."""
    return Institute.objects.public().exclude(pk__in=_taking_part(project)).order_by("acronym")


@dataclass
class QueueEntry:
    project: Project
    age_days: int
    overdue: bool
    conflicted: bool


def review_queue(*, user, now: datetime | None = None) -> list[QueueEntry]:
    """Proposals submitted or in review in the working areas ``user`` coordinates (staff: all),
    oldest first, with their age in days, overdue past PROPOSAL_REVIEW_DAYS, and whether an
    institute of ``user`` leads or takes part in them."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    projects = Project.objects.filter(status__in=AWAITING_REVIEW_STATUSES)
    if not user.is_staff:
        projects = projects.filter(twa__coordinators=user)
    projects = (
        projects.select_related("twa", "lead_institute")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(status__in=ENGAGED_PARTICIPATION_STATUSES),
                to_attr="engaged",
            )
        )
        .order_by("submitted_at", "pk")
    )
    mine = _institutes_of(user)
    limit = settings.PROPOSAL_REVIEW_DAYS
    entries = []
    for project in projects:
        since = project.submitted_at or project.created_at
        age = (now - since).days
        engaged = {project.lead_institute_id} | {p.institute_id for p in project.engaged}
        entries.append(
            QueueEntry(
                project=project,
                age_days=age,
                overdue=age > limit,
                conflicted=bool(engaged & mine),
            )
        )
    return entries


def review_count(*, user) -> int:
    """How many proposals wait for a decision in the working areas ``user`` coordinates."""
    if not user.is_authenticated:
        return 0
    waiting = Project.objects.filter(status__in=AWAITING_REVIEW_STATUSES)
    if not user.is_staff:
        waiting = waiting.filter(twa__coordinators=user)
    return waiting.count()


def institute_projects(*, user, institute: Institute) -> list[tuple[Project, str]]:
    """[(project, role)] of the projects ``institute`` leads or has accepted to join, that
    ``user`` may see."""
    participations = (
        Participation.objects.filter(
            institute=institute,
            status=ParticipationStatus.ACCEPTED,
            project__in=Project.objects.visible_to(user),
        )
        .select_related("project__twa")
        .order_by("project__title", "pk")
    )
    return [(p.project, p.get_role_display()) for p in participations]


def projects_of(*, user) -> list[Project]:
    """Projects an institute of ``user`` leads or takes part in (any state), for the profile."""
    if not user.is_authenticated:
        return []
    mine = Membership.objects.filter(user=user).values("institute_id")
    return list(
        Project.objects.visible_to(user)
        .filter(
            Q(lead_institute__in=mine)
            | Q(
                participations__institute__in=mine,
                participations__status__in=ENGAGED_PARTICIPATION_STATUSES,
            )
        )
        .distinct()
        .select_related("twa", "lead_institute")
        .order_by("-updated_at")[:20]
    )


#: The states of a proposal still on its way to a decision.
IN_PROGRESS = (
    ProjectStatus.DRAFT,
    ProjectStatus.SUBMITTED,
    ProjectStatus.IN_REVIEW,
    ProjectStatus.CHANGES_REQUESTED,
)


def proposals_in_progress_of(*, user, limit: int = 5) -> list[Project]:
    """The proposals an institute of ``user`` leads that wait for a decision or for the lead,
    most recently changed first, for their "my work" page. One query."""
    if not user.is_authenticated:
        return []
    mine = Membership.objects.filter(user=user).values("institute_id")
    return list(
        Project.objects.visible_to(user)
        .filter(lead_institute__in=mine, status__in=IN_PROGRESS)
        .select_related("twa", "lead_institute")
        .order_by("-updated_at", "-pk")[:limit]
    )


# --- What the API, the change feed and the snapshot show ---------------------------------------


def participants_order():
    """The lead first, then by acronym."""
    lead_first = Case(
        When(role=ParticipationRole.LEAD, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return [lead_first, Lower("institute__acronym"), "pk"]


def twas_for_api(*, user):
    return twa_list(user=user)


def _public_timeline():
    """The moves of each project (never of its participations), oldest first, as one column."""
    events = (
        WorkflowEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Project), object_id=OuterRef("pk")
        )
        .order_by("created_at", "pk")
        .values(
            entry=JSONObject(
                action="action",
                from_state="from_state",
                to_state="to_state",
                created_at="created_at",
            )
        )
    )
    return ArraySubquery(events)


def projects_for_api(*, user):
    """The projects ``user`` may see, with what their representation shows to anyone fetched up
    front (the change feed and the snapshot call it with an anonymous user)."""
    shown = (
        Participation.objects.filter(
            status=ParticipationStatus.ACCEPTED,
            institute__in=Institute.objects.visible_to(user),
        )
        .select_related("institute")
        .order_by(*participants_order())
    )
    return (
        Project.objects.visible_to(user)
        .select_related("twa", "lead_institute")
        .prefetch_related(
            "deliverables",
            Prefetch("participations", queryset=shown, to_attr="shown_participations"),
        )
        .annotate(public_timeline=_public_timeline())
        .order_by("-updated_at", "pk")
    )


def newly_approved(*, limit: int):
    """The ``limit`` public projects most recently approved."""
    return (
        Project.objects.public()
        .select_related("twa", "lead_institute")
        .order_by("-decided_at", "-pk")[:limit]
    )


# --- industry needs ---


def needs_for_page(*, user):
    """Needs ``user`` may see, with what the list shows, newest first."""
    return (
        IndustryNeed.objects.visible_to(user)
        .select_related("technology_area", "institute")
        .annotate(answer_count=Count("answers"))
        .order_by("-created_at", "pk")
    )


def need_for_page(*, user):
    """Needs ``user`` may open, with what their page shows fetched up front."""
    return IndustryNeed.objects.visible_to(user).select_related(
        "technology_area", "institute", "posted_by", "met_by"
    )


def need_answers(*, user, need: IndustryNeed) -> list[NeedAnswer]:
    """The answers to ``need`` as ``user`` may read them: a testbed, service or proposal
    ``user`` may not see is left out of its answer (``shown`` is None then)."""
    answers = list(
        NeedAnswer.objects.filter(need=need)
        .select_related("institute", "author")
        .order_by("created_at", "pk")
    )
    visible = {
        "testbed": set(
            Testbed.objects.visible_to(user)
            .filter(need_answers__need=need)
            .values_list("pk", flat=True)
        ),
        "service": set(
            Service.objects.visible_to(user)
            .filter(need_answers__need=need)
            .values_list("pk", flat=True)
        ),
        "project": set(
            Project.objects.visible_to(user)
            .filter(need_answer__need=need)
            .values_list("pk", flat=True)
        ),
    }
    records = {
        "testbed": Testbed.objects.in_bulk(visible["testbed"]),
        "service": Service.objects.in_bulk(visible["service"]),
        "project": Project.objects.in_bulk(visible["project"]),
    }
    for answer in answers:
        answer.shown = None
        for field in ("testbed", "service", "project"):
            pk = getattr(answer, f"{field}_id")
            if pk is not None:
                answer.shown = records[field].get(pk)
    return answers


@dataclass
class Suggestion:
    """A testbed or service that may meet a need, and why."""

    record: Testbed | Service
    kind: str
    score: int
    reasons: list[str]


def _significant(value: float) -> float:
    """``value`` to the 12 significant digits the search box reads, so that 1.55 µm (stored as
    1550.0000000000002 nm) meets a range stored as 1550 nm at its very edge."""
    return float(f"{value:.12g}")


def _range_reason(record, dimension: str, lo: float, hi: float) -> tuple[int, str]:
    """How ``record`` meets the need's [lo, hi] in ``dimension``: 2 when its range covers it,
    1 when it overlaps it (or matches by another of its ranges)."""

    def fmt(value):
        return format_quantity(value, dimension)

    low_field, high_field = record.RANGE_FIELDS[dimension]
    low, high = getattr(record, low_field), getattr(record, high_field)
    wanted = format_range(lo, hi, fmt)
    if low is None and high is None:
        return 1, _("matches %(wanted)s by its measurement range") % {"wanted": wanted}
    low, high = (low if low is not None else high), (high if high is not None else low)
    if _significant(low) <= lo and hi <= _significant(high):
        return 2, _("covers %(wanted)s") % {"wanted": wanted}
    return 1, _("overlaps %(wanted)s (%(range)s)") % {
        "wanted": wanted,
        "range": format_range(low, high, fmt),
    }


#: Suggestions shown on a need's page, the best first.
SUGGESTIONS = 10


def need_suggestions(*, user, need: IndustryNeed, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Testbeds and services ``user`` may see that the directory's search finds for the
    need's technology area and ranges (edges included, units converted), ranked: ranges
    covered first, then ranges overlapped, operational records first, then by name."""
    ranges = {
        dimension: (_significant(lo), _significant(hi))
        for dimension, (lo, hi) in need.ranges().items()
    }
    params = {"area": [need.technology_area.slug]}
    for dimension, (lo, hi) in ranges.items():
        params[f"{dimension}_min"] = [quantity_fields.format_quantity(lo, dimension)]
        params[f"{dimension}_max"] = [quantity_fields.format_quantity(hi, dimension)]
    matches = directory_matches(user=user, params=params)
    found = [
        ("testbed", record)
        for record in matches["testbed"].select_related("institute").order_by("name")[:100]
    ] + [
        ("service", record)
        for record in matches["service"].select_related("institute").order_by("name")[:100]
    ]
    suggestions = []
    for kind, record in found:
        score, reasons = 0, []
        for dimension, (lo, hi) in ranges.items():
            points, reason = _range_reason(record, dimension, lo, hi)
            score += points
            reasons.append(reason)
        if not ranges:
            reasons.append(_("in %(area)s") % {"area": need.technology_area.name})
        if kind == "service" and record.lead_time:
            reasons.append(_("lead time %(time)s") % {"time": record.lead_time})
        working = record.status in ("operational", "offered")
        if not working:
            reasons.append(record.get_status_display().lower())
        suggestions.append(
            Suggestion(record=record, kind=kind, score=score * 2 + working, reasons=reasons)
        )
    suggestions.sort(key=lambda s: (-s.score, s.record.name.casefold(), s.kind, s.record.pk))
    return suggestions[:limit]


def answerable_records(*, user, need: IndustryNeed) -> dict:
    """The testbeds and services of ``user``'s institutes (other than the need's) the poster
    may see: what a capability answer may point to."""
    mine = set(_institutes_of(user)) - {need.institute_id}
    return {
        "testbed": Testbed.objects.visible_to(need.posted_by)
        .filter(institute__in=mine)
        .select_related("institute")
        .order_by("name"),
        "service": Service.objects.visible_to(need.posted_by)
        .filter(institute__in=mine)
        .select_related("institute")
        .order_by("name"),
    }


def answering_institutes(*, user, need: IndustryNeed):
    """The verified institutes ``user`` may answer ``need`` for."""
    return (
        Institute.objects.filter(pk__in=_institutes_of(user), verified=True)
        .exclude(pk=need.institute_id)
        .order_by("acronym")
    )


def need_proposal_initial(need: IndustryNeed) -> dict:
    """A proposal's fields as a need fills them in: its title, area and objectives."""
    twa = (
        TechnicalWorkingArea.objects.public()
        .filter(technology_areas__path__in=paths_up(need.technology_area))
        .order_by("number")
        .first()
    )
    objectives = _("Meet the industry need “%(need)s” (%(url)s):") % {
        "need": need.title,
        "url": absolute_url(need.get_absolute_url()),
    }
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z][\w-]*", need.title))
    return {
        "title": need.title[:200],
        "acronym": (initials.upper() or "NEED")[:12],
        "kind": ProjectKind.RESEARCH,
        "twa": twa,
        "summary": need.description[:2000],
        "objectives": f"{objectives}\n\n{need.description}",
    }


def subscribable_areas(*, user):
    """The areas the published testbeds and services of ``user``'s institutes are in, and
    those ``user`` subscribed to already."""
    institutes = _institutes_of(user)
    return (
        TechnologyArea.objects.filter(
            Q(testbeds__institute__in=institutes, testbeds__published=True)
            | Q(services__institute__in=institutes, services__published=True)
            | Q(need_subscriptions__user=user.pk)
        )
        .distinct()
        .order_by("path")
    )


def need_subscriptions(*, user) -> list[NeedSubscription]:
    return list(NeedSubscription.objects.filter(user=user.pk).select_related("technology_area"))


def needs_for_api(*, user):
    """The needs ``user`` may see, with what their representation shows fetched up front (the
    change feed and the snapshot call it with an anonymous user)."""
    return (
        IndustryNeed.objects.visible_to(user)
        .select_related("technology_area", "institute")
        .annotate(answer_count=Count("answers"))
        .order_by("-updated_at", "pk")
    )


def newly_posted_needs(*, area=None, limit: int):
    """The ``limit`` open public needs posted last, in ``area`` and below it when given."""
    needs = IndustryNeed.objects.public().select_related("technology_area", "institute")
    if area is not None:
        needs = needs.filter(
            Q(technology_area__path=area.path)
            | Q(technology_area__path__startswith=f"{area.path}/")
        )
    return needs.order_by("-created_at", "-pk")[:limit]
