"""Who may do what with the outputs (django-rules), one block per kind."""

import rules
from django.contrib.auth import get_user_model

from capabilities.permissions import institute_roles
from collaborations.enums import PUBLIC_PROJECT_STATUSES, ProjectKind
from collaborations.permissions import coordinates, has_conflict

from .enums import (
    DOWNLOADABLE_GUIDE_VERSION_STATUSES,
    EDITABLE_ASSESSMENT_STATUSES,
    PUBLIC_GUIDE_VERSION_STATUSES,
    PUBLIC_TERM_STATUSES,
    AssessmentStatus,
    ComparisonStatus,
    GuideVersionStatus,
    ResultStatus,
    TermStatus,
)

# --- glossary ---
# Any member of an institute proposes a term (for one of their institutes); the coordinators of
# the term's working area decide on it, or, for a term of no working area, any coordinator; staff
# may do everything (propose for any institute or none, edit any term, decide). Nobody decides
# on a term they or their own institute proposed, staff included (as for project proposals).


def coordinates_any(user) -> bool:
    """``user`` coordinates at least one working area (read once per user object)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_coordinated_twa_ids", None)
    if cached is None:
        cached = set(user.coordinated_twas.values_list("pk", flat=True))
        user._coordinated_twa_ids = cached
    return bool(cached)


def coordinates_term(user, term) -> bool:
    """``user`` coordinates the term's working area, or any one when the term has none."""
    if term is None or not coordinates_any(user):
        return False
    if term.twa_id is None:
        return True
    return term.twa_id in user._coordinated_twa_ids


@rules.predicate
def can_propose_term(user, term) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    roles = institute_roles(user)
    if term is None or term.proposed_by_institute_id is None:
        return bool(roles)
    return term.proposed_by_institute_id in roles


@rules.predicate
def is_term_proposer(user, term) -> bool:
    return term is not None and user.is_authenticated and term.proposed_by_id == user.pk


@rules.predicate
def is_proposed_term(user, term) -> bool:
    return term is not None and term.status == TermStatus.PROPOSED


@rules.predicate
def is_public_term(user, term) -> bool:
    return term is not None and term.status in PUBLIC_TERM_STATUSES


@rules.predicate
def is_term_coordinator(user, term) -> bool:
    return coordinates_term(user, term)


@rules.predicate
def is_term_under_review(user, term) -> bool:
    return term is not None and term.status in (TermStatus.PROPOSED, TermStatus.REJECTED)


@rules.predicate
def is_term_conflicted(user, term) -> bool:
    """``user`` proposed the term, or belongs to the institute that did."""
    if term is None or not user.is_authenticated:
        return False
    return term.proposed_by_id == user.pk or term.proposed_by_institute_id in institute_roles(user)


can_view_term = (
    is_public_term
    | rules.is_staff
    | is_term_proposer
    | (is_term_coordinator & is_term_under_review)
)

rules.add_perm("outputs.add_term", can_propose_term)
rules.add_perm("outputs.view_term", can_view_term)
rules.add_perm("outputs.view_term_audit", is_term_proposer | is_term_coordinator | rules.is_staff)
rules.add_perm("outputs.change_term", (is_term_proposer & is_proposed_term) | rules.is_staff)
rules.add_perm("outputs.review_term", (is_term_coordinator | rules.is_staff) & ~is_term_conflicted)
rules.add_perm("outputs.withdraw_term", is_term_proposer)


def term_deciders(term) -> list:
    """Who may decide on ``term``: the coordinators it belongs to without a conflict, or, when
    there is none, the staff without one."""
    people = get_user_model().objects.filter(is_active=True).exclude(pk=term.proposed_by_id)
    if term.proposed_by_institute_id is not None:
        people = people.exclude(memberships__institute_id=term.proposed_by_institute_id)
    people = people.order_by("name", "email")
    coordinators = (
        people.filter(coordinated_twas=term.twa_id)
        if term.twa_id is not None
        else people.filter(coordinated_twas__isnull=False)
    )
    return list(coordinators.distinct()) or list(people.filter(is_staff=True))


# --- comparisons ---
# Objects are comparisons (or a project, for adding one). The lead institute of the comparison
# project enters the comparison and its results and submits them; the coordinators of the
# project's working area publish or send back, never on a project their institute leads, takes
# part in or reports a result to (staff likewise).


def _comparison_project(obj):
    if obj is None:
        return None
    return obj.project if hasattr(obj, "project_id") else obj


def _result_institute_ids(comparison) -> set[int]:
    if comparison is None or not hasattr(comparison, "results") or comparison.pk is None:
        return set()
    return set(comparison.results.values_list("institute_id", flat=True))


@rules.predicate
def is_comparison_lead_member(user, obj) -> bool:
    project = _comparison_project(obj)
    return project is not None and project.lead_institute_id in institute_roles(user)


@rules.predicate
def is_comparison_project(user, obj) -> bool:
    project = _comparison_project(obj)
    return project is not None and project.kind == ProjectKind.COMPARISON


@rules.predicate
def is_comparison_involved(user, obj) -> bool:
    """Member of the lead institute or of an institute with a participation in any state."""
    project = _comparison_project(obj)
    roles = institute_roles(user)
    if project is None or not roles:
        return False
    ids = {
        project.lead_institute_id,
        *project.participations.values_list("institute_id", flat=True),
    }
    return not ids.isdisjoint(roles)


@rules.predicate
def is_comparison_coordinator(user, obj) -> bool:
    return coordinates(user, _comparison_project(obj))


@rules.predicate
def is_comparison_conflicted(user, obj) -> bool:
    project = _comparison_project(obj)
    if project is None:
        return False
    roles = institute_roles(user)
    return has_conflict(user, project) or not _result_institute_ids(obj).isdisjoint(roles)


@rules.predicate
def is_published_comparison(user, comparison) -> bool:
    return (
        comparison is not None
        and comparison.status == ComparisonStatus.PUBLISHED
        and comparison.project.status in PUBLIC_PROJECT_STATUSES
    )


@rules.predicate
def is_comparison_past_draft(user, comparison) -> bool:
    return comparison is not None and comparison.status != ComparisonStatus.DRAFT


@rules.predicate
def is_comparison_draft(user, comparison) -> bool:
    return comparison is not None and comparison.status == ComparisonStatus.DRAFT


_comparison_reviewer = (is_comparison_coordinator | rules.is_staff) & ~is_comparison_conflicted

rules.add_perm(
    "outputs.view_comparison",
    is_published_comparison
    | rules.is_staff
    | is_comparison_involved
    | (is_comparison_coordinator & is_comparison_past_draft),
)
rules.add_perm(
    "outputs.view_comparison_audit",
    is_comparison_involved | is_comparison_coordinator | rules.is_staff,
)
rules.add_perm("outputs.add_comparison", is_comparison_lead_member & is_comparison_project)
rules.add_perm("outputs.change_comparison", is_comparison_lead_member & is_comparison_draft)
rules.add_perm("outputs.submit_comparison", is_comparison_lead_member)
rules.add_perm("outputs.review_comparison", _comparison_reviewer)
rules.add_perm("outputs.withdraw_comparison", is_comparison_lead_member | _comparison_reviewer)


# --- guides ---

# Objects given to the guide predicates are guides or guide versions (a version answers for its
# guide where a rule is about the guide). Conflict of interest, as for project proposals: a
# coordinator (or staff member) whose institute wrote the guide never decides on it.


def _guide(obj):
    if obj is None:
        return None
    return getattr(obj, "guide", obj)


def _guide_institute_ids(guide) -> set[int]:
    if guide is None or guide.pk is None:
        return set()
    cached = getattr(guide, "_institute_ids", None)
    if cached is None:
        cached = set(guide.institutes.values_list("pk", flat=True))
        guide._institute_ids = cached
    return cached


def _twa_coordinator_ids(guide) -> set[int]:
    cached = getattr(guide, "_coordinator_ids", None)
    if cached is None:
        cached = set(guide.twa.coordinators.values_list("pk", flat=True))
        guide._coordinator_ids = cached
    return cached


@rules.predicate
def can_write_guides(user, guide) -> bool:
    """A member (editor or admin) of an institute; of an authoring one for an existing guide."""
    roles = institute_roles(user)
    if guide is None:
        return bool(roles)
    return not _guide_institute_ids(_guide(guide)).isdisjoint(roles)


@rules.predicate
def is_guide_author(user, version) -> bool:
    if version is None or version.pk is None or not user.is_authenticated:
        return False
    # Reads the authors prefetched with the version, when they were.
    return any(author.pk == user.pk for author in version.authors.all())


@rules.predicate
def coordinates_guide(user, obj) -> bool:
    guide = _guide(obj)
    return guide is not None and user.is_authenticated and user.pk in _twa_coordinator_ids(guide)


@rules.predicate
def wrote_guide(user, obj) -> bool:
    """An institute of ``user`` is one of the guide's authoring institutes."""
    guide = _guide(obj)
    roles = institute_roles(user)
    return guide is not None and bool(roles) and not _guide_institute_ids(guide).isdisjoint(roles)


@rules.predicate
def is_public_version(user, version) -> bool:
    return version is not None and version.status in PUBLIC_GUIDE_VERSION_STATUSES


@rules.predicate
def is_downloadable_version(user, version) -> bool:
    return version is not None and version.status in DOWNLOADABLE_GUIDE_VERSION_STATUSES


@rules.predicate
def is_in_review(user, version) -> bool:
    return version is not None and version.status == GuideVersionStatus.IN_REVIEW


@rules.predicate
def is_draft_version(user, version) -> bool:
    return version is not None and version.status == GuideVersionStatus.DRAFT


is_staff = rules.is_staff

#: Coordinators of the guide's area (or staff) whose institutes did not write it.
can_review_guide = (coordinates_guide | is_staff) & ~wrote_guide
#: Authors, staff, and the reviewers while the version is in review: nobody else sees a draft.
can_see_unpublished = is_guide_author | is_staff | (is_in_review & can_review_guide)

rules.add_perm("outputs.add_guide", can_write_guides | is_staff)
rules.add_perm("outputs.change_guide", can_write_guides | is_staff)
rules.add_perm("outputs.view_guide_version", is_public_version | can_see_unpublished)
rules.add_perm("outputs.download_guide_version", is_downloadable_version | can_see_unpublished)
rules.add_perm("outputs.add_guide_version", can_write_guides | is_staff)
rules.add_perm(
    "outputs.change_guide_version",
    is_draft_version & ((is_guide_author & can_write_guides) | is_staff),
)
# One per transition of the guide version table (outputs/workflows.py).
rules.add_perm("outputs.submit_guide_version", (is_guide_author & can_write_guides) | is_staff)
rules.add_perm("outputs.review_guide_version", can_review_guide)
rules.add_perm("outputs.withdraw_guide_version", can_review_guide | can_write_guides)
# Nobody supersedes by hand: the portal does it when a later version is published.
rules.add_perm("outputs.supersede_guide_version", rules.always_deny)


def guide_reviewers(guide) -> list:
    """Who may decide on ``guide``'s versions: its area's coordinators whose institutes did not
    write it, or, when there is none, the staff without a conflict."""
    people = get_user_model().objects.filter(is_active=True).order_by("name", "email")
    unconflicted = people.exclude(memberships__institute_id__in=_guide_institute_ids(guide))
    return list(unconflicted.filter(coordinated_twas=guide.twa_id)) or list(
        unconflicted.filter(is_staff=True)
    )


# --- benchmarks ---
# Objects are benchmark results (or an institute, for adding one; a benchmark, for editing it).
# The members (editors and administrators) of the result's institute are its authors: they
# enter, revise a draft and submit; the coordinators of the benchmark's working area publish or
# send back, never on a result of their own institute (staff likewise); a published result is
# withdrawn, with a reason, by its authors or a reviewer.


def _result_institute_id(obj):
    if obj is None:
        return None
    return getattr(obj, "institute_id", getattr(obj, "pk", None))


@rules.predicate
def is_result_author(user, obj) -> bool:
    institute_id = _result_institute_id(obj)
    roles = institute_roles(user)
    return bool(roles) if institute_id is None else institute_id in roles


@rules.predicate
def coordinates_benchmark(user, obj) -> bool:
    benchmark = getattr(obj, "benchmark", obj)
    return (
        benchmark is not None
        and coordinates_any(user)
        and benchmark.twa_id in user._coordinated_twa_ids
    )


@rules.predicate
def coordinates_any_twa(user) -> bool:
    return coordinates_any(user)


@rules.predicate
def is_published_result(user, result) -> bool:
    return result is not None and result.status == ResultStatus.PUBLISHED


@rules.predicate
def is_result_in_review(user, result) -> bool:
    return result is not None and result.status == ResultStatus.IN_REVIEW


@rules.predicate
def is_result_draft(user, result) -> bool:
    return result is not None and result.status == ResultStatus.DRAFT


#: Coordinators of the benchmark's area (or staff) whose institute did not make the result.
can_review_result = (coordinates_benchmark | is_staff) & ~is_result_author

rules.add_perm("outputs.add_benchmark", coordinates_any_twa | is_staff)
rules.add_perm("outputs.change_benchmark", coordinates_benchmark | is_staff)
rules.add_perm(
    "outputs.view_benchmark_result",
    is_published_result | is_staff | is_result_author | (is_result_in_review & can_review_result),
)
rules.add_perm("outputs.view_benchmark_result_audit", is_result_author | can_review_result)
rules.add_perm("outputs.add_benchmark_result", is_result_author)
rules.add_perm("outputs.change_benchmark_result", is_result_draft & is_result_author)
# One per transition of the result table (outputs/workflows.py).
rules.add_perm("outputs.submit_benchmark_result", is_result_author)
rules.add_perm("outputs.review_benchmark_result", can_review_result)
rules.add_perm("outputs.withdraw_benchmark_result", can_review_result | is_result_author)


def result_reviewers(result) -> list:
    """Who may decide on ``result``: the coordinators of its benchmark's area outside its
    institute, or, when there is none, the staff outside it."""
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(memberships__institute_id=result.institute_id)
        .order_by("name", "email")
    )
    return list(people.filter(coordinated_twas=result.benchmark.twa_id)) or list(
        people.filter(is_staff=True)
    )


# --- readiness ---
# Objects are assessments (or a working area, for recording one). A coordinator of the working
# area records an assessment of a technology area and submits it; another coordinator of that
# area, or staff, publishes it or returns it, never the author nor anyone of the author's
# institute (so an institute never assesses itself alone). The author withdraws an assessment
# not yet published; a reviewer withdraws a published one.


def _assessment_twa_id(obj):
    if obj is None:
        return None
    return getattr(obj, "twa_id", getattr(obj, "pk", None))


@rules.predicate
def coordinates_assessment(user, obj) -> bool:
    twa_id = _assessment_twa_id(obj)
    if not coordinates_any(user):
        return False
    return twa_id is None or twa_id in user._coordinated_twa_ids


@rules.predicate
def is_assessment_author(user, assessment) -> bool:
    return (
        assessment is not None
        and user.is_authenticated
        and getattr(assessment, "author_id", None) == user.pk
    )


@rules.predicate
def is_assessment_conflicted(user, assessment) -> bool:
    """``user`` wrote the assessment, or belongs to the author's institute."""
    if assessment is None or not user.is_authenticated:
        return False
    return assessment.author_id == user.pk or (
        assessment.author_institute_id is not None
        and assessment.author_institute_id in institute_roles(user)
    )


def _assessment_in(*states):
    @rules.predicate
    def in_states(user, assessment) -> bool:
        return assessment is not None and assessment.status in states

    return in_states


is_published_assessment = _assessment_in(AssessmentStatus.PUBLISHED)
is_editable_assessment = _assessment_in(*EDITABLE_ASSESSMENT_STATUSES)
is_assessment_past_draft = ~_assessment_in(AssessmentStatus.DRAFT)

#: Coordinators of the area (or staff) who neither wrote it nor belong to its author's institute.
can_review_assessment = (coordinates_assessment | is_staff) & ~is_assessment_conflicted

rules.add_perm(
    "outputs.view_readiness_assessment",
    is_published_assessment
    | is_staff
    | is_assessment_author
    | (coordinates_assessment & is_assessment_past_draft),
)
rules.add_perm(
    "outputs.view_readiness_assessment_audit",
    is_assessment_author | coordinates_assessment | is_staff,
)
rules.add_perm("outputs.add_readiness_assessment", coordinates_assessment | is_staff)
rules.add_perm(
    "outputs.change_readiness_assessment",
    is_editable_assessment & is_assessment_author & (coordinates_assessment | is_staff),
)
# One per transition of the assessment table (outputs/workflows.py).
rules.add_perm(
    "outputs.submit_readiness_assessment",
    is_assessment_author & (coordinates_assessment | is_staff),
)
rules.add_perm("outputs.review_readiness_assessment", can_review_assessment)
rules.add_perm(
    "outputs.withdraw_readiness_assessment",
    (is_assessment_author & ~is_published_assessment)
    | (can_review_assessment & is_published_assessment),
)


def assessment_reviewers(assessment) -> list:
    """Who may decide on ``assessment``: the working area's other coordinators outside the
    author's institute, or, when there is none, the staff outside it."""
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(pk=assessment.author_id)
        .order_by("name", "email")
    )
    if assessment.author_institute_id is not None:
        people = people.exclude(memberships__institute_id=assessment.author_institute_id)
    return list(people.filter(coordinated_twas=assessment.twa_id).distinct()) or list(
        people.filter(is_staff=True).distinct()
    )
