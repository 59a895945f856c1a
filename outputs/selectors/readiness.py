"""Reads of readiness assessments: what a person may see, and each area's current level with
its trend, computed from the published series."""

from dataclasses import dataclass

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Prefetch

from ..enums import Trend
from ..models import AssessmentCitation, BenchmarkResult, Comparison, GuideVersion
from ..models import ReadinessAssessment as Assessment

_RELATED = ("technology_area", "twa", "level__scale", "author", "author_institute")


def _citations() -> Prefetch:
    """The outputs an assessment cites, fetched in one query per kind of output."""
    return Prefetch(
        "citations",
        queryset=AssessmentCitation.objects.prefetch_related(
            GenericPrefetch(
                "output",
                [
                    GuideVersion.objects.select_related("guide"),
                    BenchmarkResult.objects.select_related("benchmark"),
                    Comparison.objects.all(),
                ],
            )
        ),
    )


def assessments_for_api(*, user):
    """The assessments ``user`` may see, with what the API shows of each fetched."""
    return (
        Assessment.objects.visible_to(user)
        .select_related(*_RELATED)
        .prefetch_related(_citations())
        .order_by("technology_area__path", "-assessed_on", "-pk")
    )


def assessment_for_page(*, user, uuid) -> Assessment | None:
    return assessments_for_api(user=user).filter(uuid=uuid).first()


def published_series(*, area):
    """The published assessments of ``area``, latest first: its history."""
    return (
        Assessment.objects.public()
        .filter(technology_area=area)
        .select_related("level__scale", "author_institute")
        .order_by("-assessed_on", "-published_at", "-pk")
    )


@dataclass(frozen=True)
class Readiness:
    """An area's current level (its latest published assessment) and how it moved."""

    current: Assessment
    previous: Assessment | None
    trend: str

    @property
    def trend_label(self):
        return Trend(self.trend).label

    @property
    def arrow(self) -> str:
        return TREND_ARROWS[self.trend]


TREND_ARROWS = {Trend.RISING: "↑", Trend.STEADY: "→", Trend.FALLING: "↓", Trend.FIRST: "•"}


def _trend(current: Assessment, previous: Assessment | None) -> str:
    if previous is None:
        return Trend.FIRST
    if current.level.level > previous.level.level:
        return Trend.RISING
    if current.level.level < previous.level.level:
        return Trend.FALLING
    return Trend.STEADY


def readiness_by_area() -> dict[int, Readiness]:
    """{area id: Readiness} from the published assessments, in one query. The trend compares
    the latest with the one before it on the same scale (levels of two scales do not compare)."""
    series: dict[int, list[Assessment]] = {}
    published = (
        Assessment.objects.public()
        .select_related("level__scale", "technology_area", "twa")
        .order_by("technology_area_id", "assessed_on", "published_at", "pk")
    )
    for assessment in published:
        series.setdefault(assessment.technology_area_id, []).append(assessment)
    readiness = {}
    for area_id, assessments in series.items():
        current = assessments[-1]
        same_scale = [a for a in assessments[:-1] if a.level.scale_id == current.level.scale_id]
        previous = same_scale[-1] if same_scale else None
        readiness[area_id] = Readiness(current, previous, _trend(current, previous))
    return readiness
