"""The directory's facets counted in SQL: one statement for every facet of every kind."""

import hashlib
import pickle
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q

from ..enums import AccessMode, Audience, RecordType
from ..filters import LEAD_TIME_ANY
from ..models import TechnologyArea, has_evidence
from .searched import SEARCHED, KindSearch

#: What the facets count, read once per record kind and per distinct search: one row a record.
FACET_COLUMNS = {
    RecordType.TESTBED: {
        "economy": "institute__economy",
        "rmo": "institute__rmo",
        "institute": "institute__slug",
        "status": "status",
        "si": "si_traceable",
        "has_evidence": "has_evidence",
        "access": "access_modes",
        "audience": "audiences",
    },
    RecordType.INSTITUTE: {"economy": "economy", "rmo": "rmo", "institute": "slug"},
}
FACET_COLUMNS[RecordType.SERVICE] = {
    **FACET_COLUMNS[RecordType.TESTBED],
    "kind": "kind",
    "metrology_area": "metrology_area",
    "branch": "branch",
    "kcdb_service": "kcdb_service",
    "lead_time_max": "lead_time_weeks_max",
    "charging": "charging",
}
#: The lead-time facet's buckets, in weeks; each holds the ones before it.
LEAD_TIME_BUCKETS = (2, 4, 8, 12)


#: The chosen facets that filter the records' rows (``type`` picks the kinds instead).
FILTERING_FACETS = ("area", *FACET_COLUMNS[RecordType.SERVICE])
#: Facets of arrays: a record counts once for each distinct value it holds.
ARRAY_FACETS = ("access", "audience")
#: Facets of a flag: the records where it is true.
FLAG_FACETS = ("si", "has_evidence")


def counted_facets(kind: str) -> tuple[str, ...]:
    """The facets a kind of record has a value for."""
    return (*FACET_COLUMNS[kind], *(("area",) if kind != RecordType.INSTITUTE else ()))


def facet_condition(kind: str, key: str, value) -> Q | None:
    """The condition a record of ``kind`` meets when facet ``key`` is chosen as ``value`` (the
    form's cleaned value), as the FilterSets apply it; None when it filters nothing."""
    if value in (None, False, "") or (isinstance(value, list | tuple) and not value):
        return None
    model = SEARCHED[kind][0]
    if kind == RecordType.INSTITUTE:
        column = {"economy": "economy", "rmo": "rmo", "institute": "pk"}[key]
        values = [institute.pk for institute in value] if key == "institute" else list(value)
        return Q(**{f"{column}__in": values})
    if key in ("economy", "rmo"):
        return Q(**{f"institute__{key}__in": list(value)})
    if key == "institute":
        return Q(institute__in=[institute.pk for institute in value])
    if key == "area":
        in_subtree = reduce(
            or_, (Q(path=area.path) | Q(path__startswith=f"{area.path}/") for area in value)
        )
        through = model.technology_areas.through
        tagged = through.objects.filter(
            technologyarea__in=TechnologyArea.objects.filter(in_subtree)
        ).values(f"{model._meta.model_name}_id")
        return Q(pk__in=tagged)
    if key in ARRAY_FACETS:
        return Q(**{f"{FACET_COLUMNS[kind][key]}__overlap": list(value)})
    if key == "si":
        return Q(si_traceable=True)
    if key == "has_evidence":
        return Q(has_evidence(model))
    if key == "lead_time_max":
        if LEAD_TIME_ANY in value:
            return Q(lead_time_weeks_max__isnull=False)
        return Q(lead_time_weeks_max__lte=max(int(weeks) for weeks in value))
    return Q(**{f"{key}__in": list(value)})


def _facet_sql(part: KindSearch, base) -> tuple[str, list, list[str]]:
    """(a CTE, its parameters, the SELECTs over it) counting one kind's facets over ``base``:
    each facet over the records that meet every chosen facet but its own, the total over those
    meeting all."""
    kind, model = part.kind, SEARCHED[part.kind][0]
    keys = list(part.conditions)
    qs = base.annotate(
        **{
            f"m_{key}": ExpressionWrapper(condition, output_field=BooleanField())
            for key, condition in part.conditions.items()
        }
    )
    if len(keys) > 1:
        # At most one chosen facet unmet: the only rows a count needs.
        qs = qs.filter(
            reduce(
                or_,
                (
                    reduce(and_, (part.conditions[other] for other in keys if other != key))
                    for key in keys
                ),
            )
        )
    columns = {"rid": F("pk")}
    for key in part.counted:
        if key == "has_evidence":
            columns["f_has_evidence"] = has_evidence(model)
        elif key != "area":
            columns[f"f_{key}"] = F(FACET_COLUMNS[kind][key])
    qs = qs.values(**columns, **{f"s_{key}": F(f"m_{key}") for key in keys})
    sql, params = qs.query.sql_with_params()
    cte = f"m_{kind}"

    def met(but=None) -> str:
        return " AND ".join(f'm."s_{key}"' for key in keys if key != but) or "TRUE"

    # Only names from this module go into the text (kinds, facets, tables, aliases, choices);
    # every value typed in the search is a parameter of the CTE.
    head = f"SELECT '{kind}'"
    selects = []
    # The facets counted over the search as given, in two passes over the CTE: the columns'
    # values grouped at once, then the flags, arrays and total as one row of aggregates.
    shared = [key for key in part.counted if key not in keys and key != "area"]
    grouped = [key for key in shared if key not in ARRAY_FACETS + FLAG_FACETS]
    if grouped:
        which = " ".join(f"WHEN GROUPING(m.\"f_{key}\") = 0 THEN '{key}'" for key in grouped)
        value = ", ".join(f'm."f_{key}"::text' for key in grouped)
        sets = ", ".join(f'(m."f_{key}")' for key in grouped)
        selects.append(
            f"{head}, CASE {which} END, COALESCE({value}), count(*) FROM {cte} m"
            f" WHERE {met()} GROUP BY GROUPING SETS ({sets})"
        )
    aggregates = []
    if part.typed or part.listed:
        aggregates.append(("total", "NULL", "count(*)"))
    for key in shared:
        if key in FLAG_FACETS:
            aggregates.append((key, "'on'", f'count(*) FILTER (WHERE m."f_{key}")'))
        elif key in ARRAY_FACETS:
            aggregates += _array_counts(key)
    if aggregates:
        selects.append(_one_row(head, cte, met(), aggregates))
    # A chosen facet is counted over the records meeting every other choice.
    for key in part.counted:
        if key not in keys and key != "area":
            continue
        where = met(key)
        if key == "area":
            through = model.technology_areas.through._meta.db_table
            column = f"{model._meta.model_name}_id"
            selects.append(
                f"{head}, 'area', tagged.slug, count(*) FROM (SELECT DISTINCT m.rid, s.slug"  # noqa: S608
                f" FROM {cte} m JOIN {through} t ON t.{column} = m.rid"
                f" JOIN {TechnologyArea._meta.db_table} a ON a.id = t.technologyarea_id"
                " CROSS JOIN LATERAL unnest(string_to_array(a.path, '/')) s(slug)"
                f" WHERE {where}) tagged GROUP BY tagged.slug"
            )
        elif key in FLAG_FACETS:
            selects.append(
                _one_row(head, cte, where, [(key, "'on'", f'count(*) FILTER (WHERE m."f_{key}")')])
            )
        elif key in ARRAY_FACETS:
            selects.append(_one_row(head, cte, where, _array_counts(key)))
        else:
            selects.append(
                f"{head}, '{key}', m.\"f_{key}\"::text, count(*) FROM {cte} m"
                f' WHERE {where} GROUP BY m."f_{key}"'
            )
    return f"{cte} AS MATERIALIZED ({sql})", list(params), selects


def _array_counts(key: str) -> list[tuple[str, str, str]]:
    """(facet, value, aggregate) counting the records whose array holds each choice."""
    choices = AccessMode if key == "access" else Audience
    return [
        (key, f"'{value}'", f"count(*) FILTER (WHERE m.\"f_{key}\" @> ARRAY['{value}']::varchar[])")
        for value in choices.values
    ]


def _one_row(head: str, cte: str, where: str, aggregates: list) -> str:
    """A SELECT of (kind, facet, value, count) rows from one pass of aggregates over ``cte``."""
    columns = ", ".join(f"{aggregate} AS c{n}" for n, (_k, _v, aggregate) in enumerate(aggregates))
    rows = ", ".join(
        f"('{key}', {value}::text, c{n})" for n, (key, value, _a) in enumerate(aggregates)
    )
    return (
        f"{head}, f.key, f.value, f.count FROM (SELECT {columns} FROM {cte} m"  # noqa: S608
        f" WHERE {where}) counted CROSS JOIN LATERAL (VALUES {rows}) f(key, value, count)"
    )


@dataclass(frozen=True)
class Keeping:
    """How long counts are kept: until ``idle`` seconds after the last search that read them,
    and counted again once ``most`` seconds old however often they are read. They are kept
    under the records' generation too, so never older than the data: ``most`` only bounds a
    change whose commit another cache entry got in before its own (or whose generation never
    moved, Redis down at that instant)."""

    idle: int
    most: int


#: A search's counts: one entry per distinct search, compressed (40 kB of rows, 5 kB kept, at
#: the large scale; bench/README.md), in Redis, which is the broker's too. Kept 15 minutes
#: after it was last read, a search someone comes back to, or a link a team shares, is counted
#: once; kept a fixed 5 minutes, the bench's searches, revisited every 8 minutes, were counted
#: again in each visit's first request (0.25 s more SQL). A crawler of the facets, at most the
#: ~6 searches a second two cores answer, keeps about 30 MB (15 minutes of them).
SEARCH_KEEPING = Keeping(idle=15 * 60, most=3600)
#: The directory's counts with nothing searched or chosen: one entry per scope (the public's,
#: the members', an institute's own records), read by most visits. Counted again every five
#: minutes with nothing changed, they cost 0.5 s of SQL at the large scale in one visit's
#: request (bench/README.md).
BROWSING_KEEPING = Keeping(idle=24 * 3600, most=24 * 3600)
#: The cache key of the records' generation: a number that changes after every commit that
#: saves, deletes or touches what the change feed follows (``nmiq_portal.changes.recorded``),
#: public or not: testbeds, services, institutes, their areas and evidence, cited outputs.
GENERATION_KEY = "directory-facets:generation"


def forget_counts() -> None:
    """Make every kept count stale: call it once a change to what the facets count commits."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, time.time_ns(), None)


def _run(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _packed(rows: list[tuple]) -> bytes:
    return zlib.compress(pickle.dumps(rows, pickle.HIGHEST_PROTOCOL), 1)


def _kept(statements: list[tuple[str, list]], keeping: Keeping) -> list[tuple]:
    """The rows of the facet queries, each kept for everyone whose search is the same
    statement (one cache read for them all): a statement says whose records it counts (a
    scope's shared part, or given institutes' own records), so its rows are the same for whoever
    runs it. An entry is (generation, counted at, kept from, packed rows): it is used while the
    generation is the records' and it is younger than ``keeping.most``, and kept again for
    ``keeping.idle`` seconds when a search reads it past half of that time."""
    # Inside a transaction the search may have written what it counts, and the generation
    # moves only after a commit: counts are kept only for a search made outside one.
    if connection.in_atomic_block:
        return [row for sql, params in statements for row in _run(sql, params)]
    keys = [
        f"directory-facets:kept:{hashlib.sha256(repr(statement).encode()).hexdigest()}"
        for statement in statements
    ]
    found = cache.get_many([GENERATION_KEY, *keys])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
    now, rows = time.time(), []
    for key, statement in zip(keys, statements, strict=True):
        kept = found.get(key)
        if generation is not None and kept is not None:
            kept_generation, counted_at, kept_from, packed = kept
            if kept_generation == generation and now - counted_at < keeping.most:
                rows += pickle.loads(zlib.decompress(packed))  # noqa: S301 - written above
                if now - kept_from > keeping.idle / 2:
                    cache.set(key, (generation, counted_at, now, packed), keeping.idle)
                continue
        counted = _run(*statement)
        if generation is not None:
            cache.set(key, (generation, now, now, _packed(counted)), keeping.idle)
        rows += counted
    return rows


def _statement(searches: list[KindSearch], part: str) -> tuple[str, list] | None:
    """The facet query over each kind's ``part`` ("shared" or "own"), if any may match."""
    ctes, params, selects = [], [], []
    for search in searches:
        base = getattr(search, part)
        if base.query.is_empty():
            continue  # no record of this kind can match (a range, for institutes)
        cte, cte_params, kind_selects = _facet_sql(search, base)
        ctes.append(cte)
        params += cte_params
        selects += kind_selects
    if not selects:
        return None
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(f'({s})' for s in selects)}", params


def facet_counts(
    searches: list[KindSearch], *, browsing: bool = False
) -> tuple[dict[str, Counter], dict[str, int]]:
    """Every facet's counts and each kind's number of results: one query over what everyone
    of the viewer's scope sees and one over the viewer's own institutes' records beyond it,
    whatever the number of facets, kinds and choices, each kept for whoever makes the same
    search (as BROWSING_KEEPING says when ``browsing``: nothing searched or chosen; else as
    SEARCH_KEEPING). The two parts hold no record in common, so their counts add up."""
    counts: dict[str, Counter] = {}
    totals: dict[str, int] = Counter()
    statements = [_statement(searches, "shared"), _statement(searches, "own")]
    keeping = BROWSING_KEEPING if browsing else SEARCH_KEEPING
    found = _kept([statement for statement in statements if statement], keeping)
    typed = {part.kind for part in searches if part.typed}
    for kind, key, value, count in found:
        if key == "total":
            totals[kind] += count
            if kind in typed:
                counts.setdefault("type", Counter())[kind] += count
        elif key == "lead_time_max":
            counts.setdefault(key, Counter())[None if value is None else int(value)] += count
        elif value:
            counts.setdefault(key, Counter())[value] += count
    return counts, totals
