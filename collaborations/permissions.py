"""Who may do what with working areas, projects and participations (django-rules).

Objects given to the predicates are projects or participations (a participation answers for its
project where a rule is about the project). Conflict of interest: a coordinator whose institute
leads a project or took part in it during its current review round (requested, invited or
accepted, even if it has since left or declined) never decides on it.
"""

import rules
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q

from capabilities.enums import InstituteKind
from capabilities.models import Institute, Service, TechnologyArea, Testbed
from capabilities.permissions import institute_roles
from nmiq_portal.core import user_facts
from nmiq_portal.workflow.models import WorkflowEvent

from .enums import (
    EDITABLE_PROJECT_STATUSES,
    ENGAGED_PARTICIPATION_STATUSES,
    PUBLIC_PROJECT_STATUSES,
    NeedStatus,
    NeedVisibility,
    ProjectStatus,
)
from .models import IndustryNeed, NeedAnswer, Participation, TechnicalWorkingArea, paths_up


def _project(obj):
    """The project a rule is about: ``obj`` itself or the project of a participation."""
    if obj is None:
        return None
    return getattr(obj, "project", obj)


def conflicted_institute_ids(project) -> set[int]:
    """The institutes whose members may not decide on ``project``: the lead, every institute
    with a live participation, and every institute whose participation moved at any moment of
    the current review round (since the proposal was last submitted). Leaving and rejoining, or
    declining an invitation once it was submitted, does not clear a conflict."""
    ids = {project.lead_institute_id}
    if project.pk is None:
        return ids
    taking_part = Q(status__in=ENGAGED_PARTICIPATION_STATUSES)
    if project.submitted_at is not None:
        moved = WorkflowEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Participation),
            created_at__gte=project.submitted_at,
        ).values("object_id")
        taking_part |= Q(pk__in=moved)
    ids.update(project.participations.filter(taking_part).values_list("institute_id", flat=True))
    return ids


def _involved_institute_ids(project) -> set[int]:
    """The lead institute and every institute with a participation in any state."""
    ids = {project.lead_institute_id}
    if project.pk is not None:
        ids.update(project.participations.values_list("institute_id", flat=True))
    return ids


def coordinates(user, project) -> bool:
    """``user`` coordinates the working area of ``project``."""
    if not user.is_authenticated or project is None:
        return False
    return project.twa.coordinators.filter(pk=user.pk).exists()


def has_conflict(user, project) -> bool:
    """``user`` belongs to an institute that leads ``project`` or took part in its review round."""
    roles = institute_roles(user)
    return bool(roles) and not conflicted_institute_ids(project).isdisjoint(roles)


@rules.predicate
def is_lead_member(user, obj) -> bool:
    project = _project(obj)
    return project is not None and project.lead_institute_id in institute_roles(user)


@rules.predicate
def can_propose(user, project) -> bool:
    """Any institute member may draft a proposal; only for an institute they belong to."""
    if project is None:
        return bool(institute_roles(user))
    return project.lead_institute_id in institute_roles(user)


@rules.predicate
def is_involved_member(user, obj) -> bool:
    """Member of the lead institute or of an institute with a participation in any state."""
    project = _project(obj)
    roles = institute_roles(user)
    return (
        project is not None
        and bool(roles)
        and not _involved_institute_ids(project).isdisjoint(roles)
    )


@rules.predicate
def is_coordinator(user, obj) -> bool:
    return coordinates(user, _project(obj))


@rules.predicate
def is_conflicted(user, obj) -> bool:
    project = _project(obj)
    return project is not None and has_conflict(user, project)


@rules.predicate
def is_public_project(user, obj) -> bool:
    project = _project(obj)
    return project is not None and project.status in PUBLIC_PROJECT_STATUSES


@rules.predicate
def is_past_draft(user, obj) -> bool:
    project = _project(obj)
    return project is not None and project.status != ProjectStatus.DRAFT


@rules.predicate
def is_editable(user, obj) -> bool:
    project = _project(obj)
    return project is not None and project.status in EDITABLE_PROJECT_STATUSES


@rules.predicate
def is_participation_institute_member(user, participation) -> bool:
    return participation is not None and participation.institute_id in institute_roles(user)


is_staff = rules.is_staff


@rules.predicate
def coordinates_a_twa(user) -> bool:
    """``user`` coordinates at least one working area (read with the page's other facts of the
    person, once per user object)."""
    return user.is_authenticated and user_facts.get(user, "coordinates_a_twa")


user_facts.register(
    "coordinates_a_twa",
    lambda: Exists(TechnicalWorkingArea.coordinators.through.objects.filter(user=OuterRef("pk"))),
)


can_view_project = (
    is_public_project | is_staff | is_involved_member | (is_coordinator & is_past_draft)
)

rules.add_perm("collaborations.add_project", can_propose)
# What the menu asks on every page, as a rule rather than a permission: a refused permission
# falls through to the model backend, two queries more on every page.
rules.add_rule("collaborations.reviews", is_staff | coordinates_a_twa)
rules.add_perm("collaborations.view_project", can_view_project)
rules.add_perm("collaborations.change_project", is_lead_member & is_editable)
rules.add_perm("collaborations.view_project_audit", is_involved_member | is_coordinator | is_staff)
# Nobody decides on a proposal their own institute leads or takes part in, staff included.
rules.add_perm("collaborations.review_project", (is_coordinator | is_staff) & ~is_conflicted)
rules.add_perm("collaborations.manage_participation", is_lead_member)
# One per transition of the project table (collaborations/workflows.py).
rules.add_perm("collaborations.submit_project", is_lead_member)
rules.add_perm("collaborations.withdraw_project", is_lead_member)
rules.add_perm("collaborations.complete_project", is_lead_member)
rules.add_perm("collaborations.activate_project", is_lead_member | is_coordinator | is_staff)
# The participation table: the lead answers requests, the invited institute answers invitations.
rules.add_perm("collaborations.lead_project", is_lead_member)
rules.add_perm(
    "collaborations.request_participation",
    is_participation_institute_member & ~is_lead_member & can_view_project,
)
rules.add_perm("collaborations.answer_participation", is_participation_institute_member)
rules.add_perm("collaborations.leave_participation", is_participation_institute_member)


def project_deciders(project) -> list:
    """Who may decide on ``project``: its working area's coordinators without a conflict, or,
    when there is none, the staff without one."""
    engaged = conflicted_institute_ids(project)
    people = get_user_model().objects.filter(is_active=True).order_by("name", "email")
    unconflicted = people.exclude(memberships__institute_id__in=engaged)
    return list(unconflicted.filter(coordinated_twas=project.twa_id)) or list(
        unconflicted.filter(is_staff=True)
    )


# --- industry needs ---
# Needs are posted by people of a verified industry consortium with a verified e-mail address;
# members-only needs are seen by people of any verified institute (as members-only records are).


def has_verified_email(user) -> bool:
    """``user`` confirmed an e-mail address (read once per user object)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_has_verified_email", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._has_verified_email = cached
    return cached


def industry_institutes(user):
    """The verified industry consortia ``user`` may post needs for (every one, for staff)."""
    institutes = Institute.objects.filter(kind=InstituteKind.INDUSTRY_CONSORTIUM, verified=True)
    if user.is_authenticated and user.is_staff:
        return institutes
    return institutes.filter(memberships__user=user.pk)


def is_nmiq_member(user) -> bool:
    """``user`` belongs to a verified institute (read once per user object)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_nmiq_member", None)
    if cached is None:
        roles = institute_roles(user)
        cached = bool(roles) and Institute.objects.filter(pk__in=roles, verified=True).exists()
        user._is_nmiq_member = cached
    return cached


def _need(obj):
    """The need a rule is about: ``obj`` itself or the need of an answer."""
    if obj is None or isinstance(obj, IndustryNeed):
        return obj
    return getattr(obj, "need", None)


def need_visible(user, need) -> bool:
    """What ``IndustryNeed.objects.visible_to(user)`` says of one need."""
    if need.visibility == NeedVisibility.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    return user.is_staff or need.posted_by_id == user.pk or is_nmiq_member(user)


def need_viewers(need):
    """The users ``need_visible`` says may see ``need``, as one queryset."""
    users = get_user_model().objects.all()
    if need.visibility == NeedVisibility.PUBLIC:
        return users
    return users.filter(
        Q(is_staff=True) | Q(pk=need.posted_by_id) | Q(memberships__institute__verified=True)
    ).distinct()


@rules.predicate
def can_post_need(user, need) -> bool:
    """A verified address and a verified industry consortium of one's own (the need's)."""
    if not has_verified_email(user):
        return False
    if need is None:
        return industry_institutes(user).exists()
    return industry_institutes(user).filter(pk=need.institute_id).exists()


@rules.predicate
def is_poster(user, obj) -> bool:
    need = _need(obj)
    return need is not None and user.is_authenticated and need.posted_by_id == user.pk


@rules.predicate
def can_see_need(user, obj) -> bool:
    need = _need(obj)
    return need is not None and need_visible(user, need)


@rules.predicate
def is_open_need(user, obj) -> bool:
    need = _need(obj)
    return need is not None and need.status == NeedStatus.OPEN


@rules.predicate
def can_answer_need(user, obj) -> bool:
    """A member of a verified institute other than the one the need is posted for (for an
    answer, of the institute that gives it)."""
    need = _need(obj)
    if need is None or not has_verified_email(user):
        return False
    answering = set(institute_roles(user))
    if isinstance(obj, NeedAnswer):
        answering &= {obj.institute_id}
    answering -= {need.institute_id}
    return bool(answering) and Institute.objects.filter(pk__in=answering, verified=True).exists()


@rules.predicate
def can_subscribe_to_area(user, area) -> bool:
    """A member of an institute listing a published testbed or service in ``area`` or below."""
    roles = institute_roles(user)
    if area is None or not roles:
        return False
    subtree = TechnologyArea.objects.filter(Q(path=area.path) | Q(path__startswith=f"{area.path}/"))
    return any(
        model.objects.filter(
            institute__in=list(roles), published=True, technology_areas__in=subtree
        ).exists()
        for model in (Testbed, Service)
    )


rules.add_perm("collaborations.view_industry_need", can_see_need)
rules.add_perm("collaborations.add_industry_need", can_post_need)
rules.add_perm("collaborations.change_industry_need", (is_poster | is_staff) & can_see_need)
# One per transition of the need table (collaborations/workflows.py).
rules.add_perm("collaborations.meet_industry_need", is_poster | is_staff)
rules.add_perm("collaborations.close_industry_need", is_poster | is_staff)
rules.add_perm("collaborations.answer_industry_need", can_answer_need & can_see_need & is_open_need)
rules.add_perm("collaborations.subscribe_to_needs", can_subscribe_to_area)


def need_coordinators(need) -> list:
    """The coordinators of the active working areas that look after the need's technology area
    or an area above it."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            coordinated_twas__active=True,
            coordinated_twas__technology_areas__path__in=paths_up(need.technology_area),
        )
        .distinct()
        .order_by("pk")
    )
