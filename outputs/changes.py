"""The outputs' public models in the change feed and the snapshot, as the anonymous API shows
them: only public records are ever written there, so a draft or a proposal never enters the feed.
"""

from nmiq_portal.changes import register
from nmiq_portal.core import slugs

from . import selectors
from .api.benchmarks import BenchmarkSerializer, ResultSerializer
from .api.comparisons import ComparisonSerializer
from .api.glossary import TermSerializer
from .api.guides import GuideSerializer
from .api.readiness import AssessmentSerializer
from .models import Benchmark, BenchmarkResult, Comparison, Guide, ReadinessAssessment, Term
from .selectors.guides import guides_for_api

# Agreed and superseded terms only: a proposal's edits record nothing, and a rejected or
# withdrawn proposal never appears. A term shows its technology area, its working area and its
# successor, so a change of any of them records the term too.
register(
    "term",
    Term,
    queryset=selectors.terms_for_api,
    serializer_class=TermSerializer,
    public=Term.objects.public,
    depends=("technology_area", "twa", "superseded_by"),
    watch={"technology_area": ("slug", "name"), "twa": ("number", "slug", "title")},
)

# Only published comparisons of public projects are written to the feed; a withdrawn one goes
# out as a delete. The representation shows the project and every result with its institute, so
# a change of any of these records the comparison too. A draft's edits record nothing.
register(
    "comparison",
    Comparison,
    queryset=selectors.comparisons_for_api,
    serializer_class=ComparisonSerializer,
    public=Comparison.objects.public,
    depends=("project", "results", "results__institute"),
)


# --- guides ---
# A guide enters the feed with its first published version and shows only its public versions
# (published, superseded, withdrawn): a draft or a version in review is never in its data. Its
# versions are not a dependency: a draft's every save would then record the guide, and the feed
# would tell when someone works on one. The moves that change its public versions (publish,
# supersede, withdraw) record it instead (services/guides.py). Known gap: an author's new
# name reaches the feed with the guide's next recorded change only.

register(
    "guide",
    Guide,
    queryset=guides_for_api,
    serializer_class=GuideSerializer,
    public=Guide.objects.public,
    depends=("institutes", "technology_areas", "twa", "project"),
)


# --- benchmarks ---
# Every benchmark is public. A result enters the feed when it is published and leaves it (a
# delete) when it is withdrawn; a draft's or a result in review's edits record nothing. A result
# shows its benchmark, its institute and its project, so their changes record it too.

register(
    "benchmark",
    Benchmark,
    queryset=selectors.benchmarks_for_api,
    serializer_class=BenchmarkSerializer,
    public=Benchmark.objects.public,
    depends=("technology_area", "twa"),
)
register(
    "result",
    BenchmarkResult,
    queryset=selectors.results_for_api,
    serializer_class=ResultSerializer,
    public=BenchmarkResult.objects.public,
    depends=("benchmark", "institute", "project"),
)


# --- readiness ---
# Published assessments only: a draft, one in review or one returned records nothing, and a
# withdrawn one goes out as a delete. An assessment shows its area, working area, level and
# author's institute, so their changes record it too.

register(
    "assessment",
    ReadinessAssessment,
    queryset=selectors.assessments_for_api,
    serializer_class=AssessmentSerializer,
    public=ReadinessAssessment.objects.public,
    depends=("technology_area", "twa", "level", "author_institute"),
)

# Named provisionally until public, reserving the paths beside them (a benchmark is public from
# the start).
slugs.register(
    Term, text=lambda term: term.term, fallback="term", reserved={"feed", "propose", "review"}
)
slugs.register(
    Comparison,
    text=lambda comparison: comparison.identifier,
    fallback="comparison",
    reserved={"new", "feed"},
)
slugs.register(Guide, text=lambda guide: guide.title, fallback="guide", reserved={"feed", "new"})
slugs.register(
    Benchmark,
    text=lambda benchmark: benchmark.name,
    fallback="benchmark",
    reserved={"feed", "new", "import"},
)
