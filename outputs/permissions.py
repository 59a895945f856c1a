"""Who may do what with the outputs (django-rules), one block per kind."""

import rules

from capabilities.permissions import institute_roles
from collaborations.enums import PUBLIC_PROJECT_STATUSES, ProjectKind
from collaborations.permissions import coordinates, has_conflict

from .enums import ComparisonStatus

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
