"""Writes of readiness assessments: recording one, revising it, and moving it through its
workflow (submit, publish, return, withdraw)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capabilities.permissions import institute_roles
from nmiq_portal import workflow
from nmiq_portal.core.locking import lock_version
from nmiq_portal.core.permissions import require

from ..models import AssessmentCitation, ReadinessAssessment
from ..models.readiness import CITABLE_OUTPUTS

#: What an author sets; ``cites`` (the portal outputs it rests on) is kept beside the fields.
ASSESSMENT_FIELDS = (
    "technology_area",
    "twa",
    "level",
    "assessed_on",
    "rationale",
    "dois",
    "standards",
)
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")


def _check_fields(changes: dict) -> None:
    unknown = set(changes) - {*ASSESSMENT_FIELDS, "cites"}
    if unknown:
        raise TypeError(f"Not a field of an assessment: {', '.join(sorted(unknown))}")


def _distinct(values) -> list[str]:
    seen, kept = set(), []
    for value in values or ():
        value = " ".join(str(value).split())
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(value)
    return kept


def _doi(text: str) -> str:
    """A DOI as stored: without the resolver's address ("https://doi.org/10.1/x" → "10.1/x")."""
    for prefix in DOI_PREFIXES:
        if text.lower().startswith(prefix):
            return text[len(prefix) :]
    return text


def _clean(assessment: ReadinessAssessment) -> None:
    assessment.dois = _distinct(_doi(doi.strip()) for doi in assessment.dois or ())
    assessment.standards = _distinct(assessment.standards)
    if assessment.assessed_on and assessment.assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("An assessment is dated today or earlier.")})
    assessment.full_clean()


def _cite(assessment: ReadinessAssessment, cites) -> None:
    """Replace what the assessment cites by ``cites``: public portal outputs only."""
    rows = []
    for output in cites:
        if not isinstance(output, CITABLE_OUTPUTS):
            raise ValidationError({"cites": _("Cite a guide version, a result or a comparison.")})
        if not type(output).objects.public().filter(pk=output.pk).exists():
            raise ValidationError({"cites": _("“%(output)s” is not public.") % {"output": output}})
        rows.append((ContentType.objects.get_for_model(output), output.pk))
    AssessmentCitation.all_objects.filter(assessment=assessment).delete()
    AssessmentCitation.objects.bulk_create(
        AssessmentCitation(assessment=assessment, output_type=kind, output_id=pk)
        for kind, pk in dict.fromkeys(rows)
    )


def _author_institute(actor, institute):
    roles = institute_roles(actor)
    if institute is not None:
        if institute.pk not in roles and not actor.is_staff:
            raise ValidationError({"institute": _("Assess as a member of one of your institutes.")})
        return institute
    if len(roles) > 1:
        raise ValidationError({"institute": _("Say for which of your institutes you assess.")})
    return next(iter(roles), None)


@transaction.atomic
def assessment_create(*, actor, institute=None, cites=(), **fields) -> ReadinessAssessment:
    """A coordinator of ``twa`` (or staff) records a draft assessment of a technology area."""
    _check_fields(fields)
    assessment = ReadinessAssessment(**fields)
    require(actor, "outputs.add_readiness_assessment", assessment)
    assessment.author = actor
    author_institute = _author_institute(actor, institute)
    assessment.author_institute_id = getattr(author_institute, "pk", author_institute)
    _clean(assessment)
    assessment = workflow.create(assessment, "create", actor=actor)
    _cite(assessment, cites)
    return assessment


@transaction.atomic
def assessment_update(
    *, actor, assessment: ReadinessAssessment, version: int | None, cites=None, **changes
) -> ReadinessAssessment:
    """The author revises a draft or a returned assessment; a stale copy is refused."""
    _check_fields(changes)
    require(actor, "outputs.change_readiness_assessment", assessment)
    locked = lock_version(assessment, version, fields=ASSESSMENT_FIELDS)
    require(actor, "outputs.change_readiness_assessment", locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    # A move to another working area needs the author to coordinate that one too.
    require(actor, "outputs.change_readiness_assessment", locked)
    locked.version += 1
    _clean(locked)
    locked.save()
    if cites is not None:
        _cite(locked, cites)
    return locked


def assessment_transition(
    *, actor, assessment: ReadinessAssessment, action: str, comment: str = ""
) -> ReadinessAssessment:
    """Submit, publish, return or withdraw an assessment (the engine checks who may)."""
    return workflow.transition(assessment, action, actor=actor, comment=comment)
