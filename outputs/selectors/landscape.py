"""The standardisation landscape: each technology area with its current readiness level, its
trend, counts of what exists for it (an area counts what its sub-areas have) and its gaps.

Everything counted is public, so the landscape is the same for every visitor. Each kind of
count is one SQL query whatever the number of areas: the kind's public items, each with the
path of an area it belongs to, joined to every area whose path is that path or a prefix of it,
grouped by area.

A new kind of count is one more ``CountedKind`` in ``COUNTED_KINDS``; a new gap, one more
function in ``GAP_RULES``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from capabilities.enums import RecordType, ServiceStatus, TestbedStatus
from capabilities.models import Service, TechnologyArea, Testbed
from collaborations.enums import NeedStatus, ProjectStatus
from collaborations.models import IndustryNeed, Project

from ..enums import GuideVersionStatus, TermStatus
from ..models import Benchmark, BenchmarkResult, Comparison, Guide, GuideVersion, Term
from .readiness import Readiness, readiness_by_area


@dataclass(frozen=True)
class CountedKind:
    """One column of the landscape.

    ``items()`` returns the public items as rows of ``item`` (what is counted, once per area)
    and ``area_path`` (the path of an area it belongs to; one row per area). ``link(area)`` is
    the list page of the area's items, where one filters by area.
    """

    key: str
    label: str
    items: Callable[[], QuerySet]
    link: Callable[[TechnologyArea], str] | None = None


def _page(name: str, **params) -> Callable[[TechnologyArea], str]:
    """The list page ``name`` with ``params``; a parameter given as None is the area's slug."""

    def link(area):
        query = {key: area.slug if value is None else value for key, value in params.items()}
        return f"{reverse(name)}?{urlencode(query)}"

    return link


def _agreed_terms():
    return (
        Term.objects.public()
        .filter(status=TermStatus.AGREED)
        .values(item=F("pk"), area_path=F("technology_area__path"))
    )


def _published_guides():
    published = GuideVersion.objects.public().filter(
        guide=OuterRef("pk"), status=GuideVersionStatus.PUBLISHED
    )
    return (
        Guide.objects.public()
        .filter(Exists(published))
        .values(item=F("pk"), area_path=F("technology_areas__path"))
    )


def _benchmarks():
    return Benchmark.objects.public().values(item=F("pk"), area_path=F("technology_area__path"))


def _results():
    return BenchmarkResult.objects.public().values(
        item=F("pk"), area_path=F("benchmark__technology_area__path")
    )


def _project_areas(item: str, projects: QuerySet):
    """Rows (``item``, area path) of ``projects``: a project and its comparison have no area
    of their own; they are in the areas of their public guides and published results."""
    guides = (
        Guide.objects.public()
        .filter(project__in=projects)
        .values(item=F(f"project__{item}"), area_path=F("technology_areas__path"))
    )
    results = (
        BenchmarkResult.objects.public()
        .filter(project__in=projects)
        .values(item=F(f"project__{item}"), area_path=F("benchmark__technology_area__path"))
    )
    return guides.union(results)


def _active_projects():
    return _project_areas("id", Project.objects.public().filter(status=ProjectStatus.ACTIVE))


def _comparisons():
    return _project_areas(
        "comparison__id",
        Project.objects.public().filter(comparison__in=Comparison.objects.public()),
    )


def _open_needs():
    return IndustryNeed.objects.public().values(item=F("pk"), area_path=F("technology_area__path"))


def _records(model, status):
    return (
        model.objects.public()
        .filter(status=status)
        .values(item=F("pk"), area_path=F("technology_areas__path"))
    )


COUNTED_KINDS: list[CountedKind] = [
    CountedKind(
        "terms",
        _("Agreed terms"),
        _agreed_terms,
        _page("outputs:term_list", technology_area=None),
    ),
    CountedKind(
        "guides", _("Published guides"), _published_guides, _page("outputs:guide_list", area=None)
    ),
    CountedKind(
        "benchmarks", _("Benchmarks"), _benchmarks, _page("outputs:benchmark_list", area=None)
    ),
    CountedKind("results", _("Benchmark results"), _results),
    CountedKind("comparisons", _("Comparisons"), _comparisons),
    CountedKind("projects", _("Active projects"), _active_projects),
    CountedKind(
        "testbeds",
        _("Operational testbeds"),
        lambda: _records(Testbed, TestbedStatus.OPERATIONAL),
        _page(
            "capabilities:directory",
            area=None,
            type=RecordType.TESTBED.value,
            status=TestbedStatus.OPERATIONAL.value,
        ),
    ),
    CountedKind(
        "services",
        _("Services offered"),
        lambda: _records(Service, ServiceStatus.OFFERED),
        _page(
            "capabilities:directory",
            area=None,
            type=RecordType.SERVICE.value,
            status=ServiceStatus.OFFERED.value,
        ),
    ),
    CountedKind(
        "needs",
        _("Open industry needs"),
        _open_needs,
        _page("collaborations:need_list", area=None, status=NeedStatus.OPEN.value),
    ),
]


def count_by_area(kind: CountedKind) -> dict[int, int]:
    """{area id: items} of ``kind``, each area counting its sub-areas' items too (an item in
    two areas of one subtree counts once): one query."""
    sql, params = kind.items().query.sql_with_params()
    area = TechnologyArea._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, COUNT(DISTINCT i.item) "  # noqa: S608 - no user input
            f'FROM "{area}" a JOIN ({sql}) i '
            "ON i.area_path = a.path OR starts_with(i.area_path, a.path || '/') "
            "GROUP BY a.id",
            params,
        )
        return dict(cursor.fetchall())


def benchmarks_of_one_institute() -> dict[int, list[tuple[str, int]]]:
    """{area id: [(benchmark name, results)]} of the public benchmarks whose published results
    all come from one institute, each under its own area: one query."""
    found: dict[int, list[tuple[str, int]]] = {}
    rows = (
        BenchmarkResult.objects.public()
        .values("benchmark_id", "benchmark__name", "benchmark__technology_area_id")
        .annotate(results=Count("pk"), institutes=Count("institute", distinct=True))
        .filter(institutes=1)
        .order_by("benchmark__name", "benchmark_id")
    )
    for row in rows:
        found.setdefault(row["benchmark__technology_area_id"], []).append(
            (row["benchmark__name"], row["results"])
        )
    return found


@dataclass
class AreaRow:
    """One technology area of the landscape."""

    area: TechnologyArea
    readiness: Readiness | None
    counts: dict[str, int]
    links: dict[str, str]
    #: (name, results) of the area's own benchmarks whose results all come from one institute.
    single_source: list[tuple[str, int]] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    #: (rule, numbers) of each gap found, so an area whose sub-area names the same gap with
    #: the same numbers does not repeat it.
    signatures: set = field(default_factory=set)

    @property
    def cells(self):
        """(kind, count, link, shade) in the order of the columns."""
        return [
            (kind, self.counts[kind.key], self.links.get(kind.key), shade(self.counts[kind.key]))
            for kind in COUNTED_KINDS
        ]


def shade(count: int) -> int:
    """The heat map's shade of a count: 0 for none, then 1-2, 3-5, 6 and more."""
    return 0 if count == 0 else 1 if count <= 2 else 2 if count <= 5 else 3


# A gap rule reads an area's row and names the gap as a sentence, with the numbers that make
# it this gap (or returns None).


def _one_institute(row: AreaRow):
    if not row.single_source:
        return None
    names = ", ".join(
        ngettext("“%(name)s” (%(count)s result)", "“%(name)s” (%(count)s results)", count)
        % {"name": name, "count": count}
        for name, count in row.single_source
    )
    text = ngettext(
        "%(area)s: results of one institute only for the benchmark %(benchmarks)s",
        "%(area)s: results of one institute only for the benchmarks %(benchmarks)s",
        len(row.single_source),
    ) % {"area": row.area.label, "benchmarks": names}
    return text, tuple(row.single_source)


def _level_without_guide(row: AreaRow):
    if row.readiness is not None and not row.counts["guides"]:
        text = _("%(area)s: %(level)s claimed and no published guide") % {
            "area": row.area.label,
            "level": row.readiness.current.level_label,
        }
        return text, (row.readiness.current.pk,)
    return None


def _benchmarks_without_results(row: AreaRow):
    benchmarks = row.counts["benchmarks"]
    if benchmarks and not row.counts["results"]:
        text = ngettext(
            "%(area)s: %(count)s benchmark and no published result",
            "%(area)s: %(count)s benchmarks and no published result",
            benchmarks,
        ) % {"area": row.area.label, "count": benchmarks}
        return text, (benchmarks,)
    return None


def _needs_without_testbed(row: AreaRow):
    needs = row.counts["needs"]
    if needs and not row.counts["testbeds"]:
        text = ngettext(
            "%(area)s: %(count)s open industry need and no operational testbed",
            "%(area)s: %(count)s open industry needs and no operational testbed",
            needs,
        ) % {"area": row.area.label, "count": needs}
        return text, (needs,)
    return None


GAP_RULES: list[Callable[[AreaRow], tuple[str, tuple] | None]] = [
    _needs_without_testbed,
    _one_institute,
    _level_without_guide,
    _benchmarks_without_results,
]


@dataclass
class Landscape:
    kinds: list[CountedKind]
    rows: list[AreaRow]

    @property
    def gaps(self) -> list[str]:
        return [gap for row in self.rows for gap in row.gaps]


def landscape() -> Landscape:
    """Every technology area in tree order with its readiness, counts and gaps: one query for
    the areas, one for the readiness, one per kind of count, one for the benchmarks whose
    results come from one institute."""
    areas = list(TechnologyArea.objects.order_by("path"))
    readiness = readiness_by_area()
    counted = {kind.key: count_by_area(kind) for kind in COUNTED_KINDS}
    single_source = benchmarks_of_one_institute()
    rows = []
    for area in areas:
        rows.append(
            AreaRow(
                area=area,
                readiness=readiness.get(area.pk),
                counts={key: counts.get(area.pk, 0) for key, counts in counted.items()},
                links={kind.key: kind.link(area) for kind in COUNTED_KINDS if kind.link},
                single_source=single_source.get(area.pk, []),
            )
        )
    children: dict[int | None, list[AreaRow]] = {}
    for row in rows:
        children.setdefault(row.area.parent_id, []).append(row)
    # Deepest first, so a sub-area's gaps are known when its parent's are weighed.
    for row in sorted(rows, key=lambda r: -r.area.depth):
        below = set().union(*(child.signatures for child in children.get(row.area.pk, [])))
        for rule in GAP_RULES:
            found = rule(row)
            if found is None:
                continue
            text, numbers = found
            signature = (rule.__name__, numbers)
            row.signatures.add(signature)
            if signature not in below:
                row.gaps.append(text)
    return Landscape(kinds=COUNTED_KINDS, rows=rows)


def landscape_data(result: Landscape) -> dict:
    """The landscape as the JSON export and the API give it."""
    return {
        "kinds": [{"key": kind.key, "label": str(kind.label)} for kind in result.kinds],
        "areas": [
            {
                "slug": row.area.slug,
                "name": row.area.name,
                "path": row.area.path,
                "depth": row.area.depth,
                "readiness": _readiness_data(row.readiness),
                "counts": row.counts,
                "gaps": row.gaps,
            }
            for row in result.rows
        ],
    }


def _readiness_data(readiness: Readiness | None) -> dict | None:
    if readiness is None:
        return None
    current = readiness.current
    return {
        "scale": current.level.scale.slug,
        "level": current.level.level,
        "name": current.level.name,
        "assessed_on": current.assessed_on.isoformat(),
        "trend": readiness.trend,
        "assessment": str(current.uuid),
    }
