"""Writes of interlaboratory comparisons: the comparison, its results, its review.

The lead institute of a comparison project enters the comparison and its participants' results
while it is a draft; each write locks the comparison row and checks its ``version`` (a result's
change bumps it too, so two people editing one comparison never overwrite each other).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from collaborations.enums import ProjectKind
from collaborations.models import Project
from nmiq_portal import workflow
from nmiq_portal.core import slugs
from nmiq_portal.core.locking import check_version, lock
from nmiq_portal.core.permissions import require

from ..enums import EDITABLE_COMPARISON_STATUSES
from ..models import Comparison, ComparisonResult

COMPARISON_FIELDS = (
    "identifier",
    "measurand",
    "unit",
    "method",
    "reference_value",
    "reference_uncertainty",
    "coverage_factor",
    "description",
    "source",
)
RESULT_FIELDS = (
    "institute",
    "reported_as",
    "testbed",
    "service",
    "position",
    "value",
    "uncertainty_kind",
    "uncertainty",
    "coverage_factor",
    "method",
    "included",
    "notes",
)
MAX_RESULTS = 200


def _check_fields(changes: dict, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"Not a field of a comparison: {', '.join(sorted(unknown))}")


@transaction.atomic
def comparison_create(*, actor, project: Project, **fields) -> Comparison:
    """The lead institute of a comparison project enters its comparison (as a draft)."""
    _check_fields(fields, COMPARISON_FIELDS)
    require(actor, "outputs.add_comparison", project)
    project = lock(project)
    if project.kind != ProjectKind.COMPARISON:
        raise ValidationError({"project": _("Only a comparison project has a comparison.")})
    if Comparison.objects.filter(project=project).exists():
        raise ValidationError({"project": _("This project has its comparison already.")})
    comparison = Comparison(project=project, **fields)
    comparison.slug = slugs.name(comparison)
    comparison.full_clean()
    return workflow.create(comparison, "create", actor=actor)


def _editable(actor, comparison: Comparison, version) -> Comparison:
    locked = lock(comparison, related=("project",))
    require(actor, "outputs.view_comparison", locked)
    if locked.status not in EDITABLE_COMPARISON_STATUSES:
        raise ValidationError(
            _("A comparison is edited while it is a draft; it is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    require(actor, "outputs.change_comparison", locked)
    check_version(locked, version, fields=COMPARISON_FIELDS)
    return locked


def _bump(comparison: Comparison) -> Comparison:
    comparison.version += 1
    comparison.save(update_fields=["version", "updated_at"])
    return comparison


@transaction.atomic
def comparison_update(*, actor, comparison: Comparison, version: int, **changes) -> Comparison:
    """The lead institute revises its draft comparison."""
    _check_fields(changes, COMPARISON_FIELDS)
    locked = _editable(actor, comparison, int(version))
    for name, value in changes.items():
        setattr(locked, name, value)
    if "identifier" in changes:
        slugs.rename(locked)
    locked.full_clean()
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def result_add(*, actor, comparison: Comparison, version: int, **fields) -> ComparisonResult:
    """The lead institute enters a participant's result into its draft comparison."""
    _check_fields(fields, RESULT_FIELDS)
    locked = _editable(actor, comparison, int(version))
    if locked.results.count() >= MAX_RESULTS:
        raise ValidationError(_("A comparison has at most %(max)d results.") % {"max": MAX_RESULTS})
    result = ComparisonResult(comparison=locked, **fields)
    result.full_clean()
    result.save()
    _bump(locked)
    return result


@transaction.atomic
def result_update(*, actor, result: ComparisonResult, version: int, **changes) -> ComparisonResult:
    """Correct a result of a draft comparison (``version`` is the comparison's)."""
    _check_fields(changes, RESULT_FIELDS)
    locked = _editable(actor, result.comparison, int(version))
    result = ComparisonResult.objects.select_for_update().get(pk=result.pk, comparison=locked)
    for name, value in changes.items():
        setattr(result, name, value)
    result.full_clean()
    result.save()
    _bump(locked)
    return result


@transaction.atomic
def result_remove(*, actor, result: ComparisonResult, version: int) -> Comparison:
    """Take a result out of a draft comparison (``version`` is the comparison's)."""
    locked = _editable(actor, result.comparison, int(version))
    ComparisonResult.objects.filter(pk=result.pk, comparison=locked).delete()
    return _bump(locked)


def comparison_transition(
    *, actor, comparison: Comparison, action: str, comment: str = ""
) -> Comparison:
    """Run a transition of the comparison table (submit, publish, send back, withdraw)."""
    return workflow.transition(comparison, action, actor=actor, comment=comment)
