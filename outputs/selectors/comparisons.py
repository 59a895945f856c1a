"""Reads of interlaboratory comparisons, each starting from ``visible_to`` or ``public``."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, TextField, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from capabilities import search
from capabilities.models import Service, Testbed
from capabilities.permissions import institute_roles
from nmiq_portal.core.search import SearchResult
from nmiq_portal.workflow.models import WorkflowEvent

from ..enums import ComparisonStatus
from ..models import Comparison, ComparisonResult


def _results(user):
    """Results in table order; ``testbed_shown``/``service_shown`` say whether ``user`` may see
    the record a result names (a draft testbed's name never reaches a published comparison)."""
    return (
        ComparisonResult.objects.select_related("institute", "testbed", "service")
        .annotate(
            testbed_shown=Exists(
                Testbed.objects.visible_to(user).filter(pk=OuterRef("testbed_id"))
            ),
            service_shown=Exists(
                Service.objects.visible_to(user).filter(pk=OuterRef("service_id"))
            ),
        )
        .order_by("position", "pk")
    )


def comparison_list(*, user):
    """Comparisons ``user`` may see, with what the list shows."""
    return (
        Comparison.objects.visible_to(user)
        .select_related("project", "project__twa", "project__lead_institute")
        .annotate(result_count=Count("results"))
        .order_by("-published_at", "-created_at", "pk")
    )


def comparison_for_page(*, user):
    """Comparisons ``user`` may open, their results fetched up front."""
    return (
        Comparison.objects.visible_to(user)
        .select_related("project", "project__twa", "project__lead_institute")
        .prefetch_related(Prefetch("results", queryset=_results(user)))
    )


def comparisons_for_api(*, user):
    """The comparisons ``user`` may see as the API shows them (the change feed and the snapshot
    call it with an anonymous user)."""
    return comparison_for_page(user=user).order_by("-updated_at", "pk")


def comparisons_for_feed():
    """The newest published comparisons, for the Atom feed."""
    return comparison_for_page(user=AnonymousUser()).order_by("-published_at", "pk")


@dataclass
class Row:
    """A result with its degree of equivalence (None when nothing can be computed yet)."""

    result: ComparisonResult
    equivalence: object


def comparison_rows(comparison: Comparison):
    """(evaluation or None, the error that prevents it or "", rows of results with d_i)."""
    results = list(comparison.results.all())
    try:
        evaluation = comparison.evaluation(results)
    except ValueError as error:
        return None, comparison.explain(error), [Row(result, None) for result in results]
    return (
        evaluation,
        "",
        [Row(result, eq) for result, eq in zip(results, evaluation.equivalences, strict=True)],
    )


def record_equivalences(*, record) -> list[tuple[Comparison, Row]]:
    """The published comparisons a testbed or service took part in, with its lab's d_i."""
    field = "testbed" if isinstance(record, Testbed) else "service"
    comparisons = (
        comparison_for_page(user=AnonymousUser()).filter(**{f"results__{field}": record}).distinct()
    )
    shown = []
    for comparison in comparisons:
        _evaluation, _error, rows = comparison_rows(comparison)
        shown.extend(
            (comparison, row)
            for row in rows
            if getattr(row.result, f"{field}_id") == record.pk and row.equivalence is not None
        )
    return shown


def records_for_results(*, user):
    """Testbeds and services a result may name (those the editor may see)."""
    return (
        Testbed.objects.visible_to(user).select_related("institute").order_by("name"),
        Service.objects.visible_to(user).select_related("institute").order_by("name"),
    )


def comparison_review_queue(*, user) -> list[Comparison]:
    """Comparisons in review that ``user`` may publish or send back: of projects in working
    areas they coordinate (staff: all), never one their institute leads, joined or gave a result
    to (the conflict the decision itself checks again), oldest submission first."""
    if not user.is_authenticated:
        return []
    waiting = Comparison.objects.filter(status=ComparisonStatus.IN_REVIEW)
    if not user.is_staff:
        waiting = waiting.filter(project__twa__coordinators=user)
    mine = list(institute_roles(user))
    if mine:
        waiting = waiting.exclude(
            Q(project__lead_institute__in=mine)
            | Q(project__participations__institute__in=mine)
            | Q(results__institute__in=mine)
        )
    submitted = WorkflowEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Comparison),
        object_id=OuterRef("pk"),
        action="submit",
    ).order_by("-created_at")
    return list(
        waiting.select_related("project", "project__twa", "project__lead_institute")
        .annotate(submitted_at=Subquery(submitted.values("created_at")[:1]))
        .distinct()
        .order_by("submitted_at", "pk")
    )


def comparisons_found(text: str, user):
    """Comparisons ``user`` may see, as the directory's search finds them: by identifier and
    measurand, then project, then description."""
    vector = search.columns_vector(
        {"A": ["identifier", "measurand"], "B": ["project__title"], "C": ["description"]}
    )
    titled = Comparison.objects.visible_to(user).annotate(
        title=Concat("identifier", Value(": "), "measurand", output_field=TextField())
    )
    return search.matching(titled, text, vector)


def comparison_results(matches, text: str) -> dict[int, SearchResult]:
    """One page of ``comparisons_found`` as the search lists it: its project, its state."""
    comparisons = search.highlighted(matches, "description", text).select_related(
        "project", "project__lead_institute"
    )
    return {
        comparison.pk: SearchResult(
            title=comparison.title,
            url=comparison.get_absolute_url(),
            snippet=search.snippet(getattr(comparison, "headline", None), comparison.description),
            details=_("%(project)s, led by %(institute)s")
            % {
                "project": comparison.project.title,
                "institute": comparison.project.lead_institute.acronym,
            },
            state=""
            if comparison.status == ComparisonStatus.PUBLISHED
            else comparison.get_status_display(),
        )
        for comparison in comparisons
    }
