"""Reads of benchmarks and their results, each starting from ``visible_to`` or ``public``."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Prefetch, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from capabilities import search
from capabilities.permissions import institute_roles
from nmiq_portal.core.search import SearchResult
from nmiq_portal.workflow import events_for

from ..enums import ResultStatus
from ..models import Benchmark, BenchmarkResult


def benchmark_results(*, user):
    """Results ``user`` may see, in a chart's order (oldest first)."""
    return (
        BenchmarkResult.objects.visible_to(user)
        .select_related("institute", "project")
        .order_by("measured_on", "pk")
    )


def benchmark_list(*, user):
    """Benchmarks with their area and the number of published results, newest result first."""
    return (
        Benchmark.objects.visible_to(user)
        .select_related("technology_area", "twa")
        .annotate(
            published_count=Count("results", filter=Q(results__status=ResultStatus.PUBLISHED)),
            last_measured=Max(
                "results__measured_on", filter=Q(results__status=ResultStatus.PUBLISHED)
            ),
        )
        .order_by("name", "pk")
    )


def benchmark_for_page(*, user, results=None):
    """Benchmarks ``user`` may open, with the results ``user`` may see (oldest first) or those
    of ``results`` (a filtered ``benchmark_results``)."""
    results = benchmark_results(user=user) if results is None else results
    return (
        Benchmark.objects.visible_to(user)
        .select_related("technology_area", "twa")
        .prefetch_related(Prefetch("results", queryset=results, to_attr="visible_results"))
    )


def benchmark_chart(benchmark) -> dict:
    """The results of ``benchmark_for_page`` as its chart draws them: one series per platform,
    each point the value with ± its uncertainty as given (u, or U with k; none when not
    stated)."""
    series: dict[str, list] = {}
    for result in benchmark.visible_results:
        spread = result.uncertainty or 0.0
        series.setdefault(result.platform, []).append(
            {
                "x": result.measured_on.isoformat(),
                "y": result.value,
                "yMin": result.value - spread,
                "yMax": result.value + spread,
                "stated": result.uncertainty is not None,
                "k": result.coverage_factor,
                "url": result.get_absolute_url(),
            }
        )
    return {
        "benchmark": benchmark.name,
        "metric": benchmark.metric,
        "unit": benchmark.unit,
        "higher_is_better": benchmark.higher_is_better,
        "series": [{"platform": name, "points": points} for name, points in series.items()],
    }


def benchmarks_for_api(*, user=None):
    """The benchmarks the API and the change feed show ``user``."""
    return (
        Benchmark.objects.visible_to(user or AnonymousUser())
        .select_related("technology_area", "twa")
        .order_by("-updated_at", "pk")
    )


def result_list(*, user):
    """Results ``user`` may see, with what a list and the API show."""
    return BenchmarkResult.objects.visible_to(user).select_related(
        "benchmark", "institute", "project"
    )


def results_for_api(*, user=None):
    """The results the API and the change feed show ``user`` (anonymous: the published)."""
    return result_list(user=user or AnonymousUser()).order_by("-updated_at", "pk")


def result_for_page(*, user):
    return result_list(user=user).select_related("benchmark__technology_area", "benchmark__twa")


def published_results_for_feed(*, limit: int):
    """The results published most recently (the Atom feed)."""
    return list(
        BenchmarkResult.objects.public()
        .select_related("benchmark", "institute")
        .order_by("-published_at", "-pk")[:limit]
    )


def result_timeline(*, result):
    return list(events_for(result))


def result_review_queue(*, user) -> list[BenchmarkResult]:
    """Results in review that ``user`` may decide on: of benchmarks in areas they coordinate
    (staff: all), not of their institutes, the oldest submission first."""
    if not user.is_authenticated:
        return []
    waiting = BenchmarkResult.objects.filter(status=ResultStatus.IN_REVIEW)
    if not user.is_staff:
        waiting = waiting.filter(benchmark__twa__coordinators=user)
    mine = list(institute_roles(user))
    if mine:
        waiting = waiting.exclude(institute__in=mine)
    return list(
        waiting.select_related("benchmark", "benchmark__twa", "institute").order_by(
            "submitted_at", "pk"
        )
    )


def results_found(text: str, user):
    """Benchmark results ``user`` may see, as the directory's search finds them: by benchmark and
    metric, then platform and institute, then method. A draft or a result in review only for
    those its own page shows it to."""
    vector = search.columns_vector(
        {
            "A": ["benchmark__name", "benchmark__metric"],
            "B": ["provider", "device", "institute__acronym", "institute__name"],
            "C": ["method"],
        }
    )
    titled = BenchmarkResult.objects.visible_to(user).annotate(
        title=Concat(
            "benchmark__name",
            Value(": "),
            "provider",
            Value(" "),
            "device",
            output_field=TextField(),
        )
    )
    return search.matching(titled, text, vector)


def result_search_page(matches, text: str) -> dict[int, SearchResult]:
    """One page of ``results_found`` as the search lists it: value, institute, date, state."""
    results = search.highlighted(matches, "method", text).select_related("benchmark", "institute")
    return {
        result.pk: SearchResult(
            title=result.title,
            url=result.get_absolute_url(),
            snippet=search.snippet(getattr(result, "headline", None), result.method),
            details=_("%(value)s %(unit)s, %(institute)s, %(date)s")
            % {
                "value": result.value_as_given or f"{result.value:g}",
                "unit": "" if result.value_as_given else result.benchmark.unit,
                "institute": result.institute.acronym,
                "date": result.measured_on.isoformat(),
            },
            state="" if result.status == ResultStatus.PUBLISHED else result.get_status_display(),
        )
        for result in results
    }
