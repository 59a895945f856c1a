"""Published guide versions, comparisons and benchmark results as evidence of the testbeds and
services of the institutes that made them: registered with capabilities, which shows a citation
only while its output is public."""

from capabilities.enums import EvidenceKind
from capabilities.models import Institute, register_output

from .models import BenchmarkResult, Comparison, GuideVersion


def _participants(comparison: Comparison):
    return Institute.objects.filter(comparison_results__comparison=comparison).distinct()


register_output(
    Comparison,
    kind=EvidenceKind.COMPARISON,
    institutes=_participants,
    title=lambda comparison: f"{comparison.identifier}: {comparison.measurand}",
)
register_output(
    GuideVersion,
    kind=EvidenceKind.GUIDE,
    institutes=lambda version: version.guide.institutes.all(),
    related=("guide",),
)
register_output(
    BenchmarkResult,
    kind=EvidenceKind.BENCHMARK,
    institutes=lambda result: Institute.objects.filter(pk=result.institute_id),
    related=("benchmark",),
    title=lambda result: f"{result.benchmark.name}: {result.platform}, {result.measured_on}",
)
