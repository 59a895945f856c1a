"""The directory search, its exports and the map."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import exports, formatting, selectors

PAGE_SIZE = 30


def _directory_query(request, *, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


def directory(request):
    """The public search over testbeds, services and institutes, and the kinds other apps
    register (guides, terms…), with facets; htmx swaps the facets and results, and every state
    of the search is a plain URL. ``view=table`` lists the testbeds and services in a table
    sortable by its columns (``sort=-lead_time``), with the columns chosen in ``cols``."""
    params = request.GET
    table = params.get("view") == "table"
    requested = params.get("sort", "")
    column_sort = table and selectors.parse_table_sort(requested) is not None
    sort = requested if requested in selectors.SORTS or column_sort else "relevance"
    text = params.get("q", "").strip()
    search = selectors.site_search(
        user=request.user, params=params, sort=sort if sort in selectors.SORTS else "relevance"
    )
    rows = selectors.table_rows(rows=search.rows, sort=sort) if table else search.rows
    page = Paginator(rows, PAGE_SIZE).get_page(params.get("page"))
    records = selectors.site_page_records(user=request.user, rows=list(page.object_list), text=text)
    columns = table_columns(params)
    ranges = _range_inputs(params)
    context = {
        "page": page,
        "records": records,
        "facets": search.facets,
        "errors": search.errors,
        "params": params,
        "text": text,
        "sort": sort,
        "sorts": _sorts(sort),
        "query": _directory_query(request),
        "export_query": _directory_query(request, drop=("page", "sort")),
        "ranges": ranges,
        "refused_input": _refused_input(search.errors, ranges, search.facets),
        "view": "table" if table else "cards",
        "cards_query": _directory_query(request, drop=("page", "view", "cols")),
        "table_query": _directory_query(request, drop=("page", "view")),
        "chips": selectors.search_chips(params=params, facets=search.facets),
        "unranged": selectors.unranged(user=request.user, params=params),
        "suggestion": (
            selectors.did_you_mean(params=params)
            if text and page.paginator.count < selectors.FEW_RESULTS
            else None
        ),
    }
    if table:
        context.update(
            table_headings=_table_headings(request, sort, columns),
            table_records=[
                (record, [(key, cells[key]) for key in columns])
                for record in records
                for cells in [formatting.table_cells(record)]
            ],
            column_choices=[
                (key, label, key in columns) for key, label in formatting.TABLE_COLUMNS
            ],
            hidden_kinds=len(search.rows) - len(rows),
        )
    template = (
        "capabilities/_directory_body.html"
        if request.htmx and not request.htmx.boosted
        else "capabilities/directory.html"
    )
    return render(request, template, context)


def table_columns(params) -> list[str]:
    """The table's columns chosen in ``cols``, in the table's order; all when none is."""
    chosen = set(params.getlist("cols"))
    columns = [key for key, _label in formatting.TABLE_COLUMNS if key in chosen]
    return columns or [key for key, _label in formatting.TABLE_COLUMNS]


def _table_headings(request, sort: str, columns: list[str]) -> list[dict]:
    """The table's headings: the name, then the chosen columns, each sortable one with the
    link that sorts by it (ascending first, then the other way) and its ``aria-sort``."""
    query = _directory_query(request, drop=("page", "sort"))
    labels = {"name": _("Name"), **dict(formatting.TABLE_COLUMNS)}
    headings = []
    for key in ("name", *columns):
        heading = {"key": key, "label": labels[key], "aria_sort": "", "url": ""}
        if key in selectors.TABLE_SORTS:
            ascending = sort == key
            descending = sort == f"-{key}"
            heading["aria_sort"] = (
                "ascending" if ascending else "descending" if descending else "none"
            )
            target = f"-{key}" if ascending else key
            heading["url"] = f"?{query}&sort={target}" if query else f"?sort={target}"
        headings.append(heading)
    return headings


def _sorts(sort: str) -> list[tuple[str, str]]:
    """The choices of the sort box, with a table column's sort when that is the current one
    (so that changing a filter keeps it)."""
    sorts = list(DIRECTORY_SORTS)
    parsed = selectors.parse_table_sort(sort) if sort not in selectors.SORTS else None
    if parsed:
        column, descending = parsed
        label = dict(formatting.TABLE_COLUMNS).get(column, _("Name"))
        template = _("%(column)s, descending") if descending else _("%(column)s, ascending")
        sorts.append((sort, template % {"column": label}))
    return sorts


DIRECTORY_SORTS = (
    ("relevance", gettext_lazy("Relevance")),
    ("name", gettext_lazy("Name")),
    ("updated", gettext_lazy("Last updated")),
)
RANGE_INPUTS = (
    ("temperature", gettext_lazy("Temperature"), "20 mK", "300 K"),
    ("frequency", gettext_lazy("Frequency"), "4 GHz", "8 GHz"),
    ("wavelength", gettext_lazy("Wavelength"), "1500 nm", "1600 nm"),
)


def _refused_input(errors: dict, ranges: list[dict], facets) -> list[tuple[str, str]]:
    """The error summary's (anchor, message) of the filters the search could not use: each
    names its field and links to its input (a range bound) or its facet's group."""
    fields = {}
    for box in ranges:
        fields[f"{box['name']}_min"] = (
            f"{box['name']}_min",
            _("%(name)s from") % {"name": box["label"]},
        )
        fields[f"{box['name']}_max"] = (
            f"{box['name']}_max",
            _("%(name)s to") % {"name": box["label"]},
        )
    for facet in facets:
        fields.setdefault(facet.key, (f"facet-{facet.key}", facet.label))
    fields.setdefault("q", ("directory-q", _("Search")))
    return [
        (anchor, _("%(field)s: %(message)s") % {"field": capfirst(label), "message": message})
        for field, messages in errors.items()
        for anchor, label in [fields.get(field, ("", field))]
        for message in messages
    ]


def _range_inputs(params) -> list[dict]:
    return [
        {
            "name": name,
            "label": label,
            "min": params.get(f"{name}_min", ""),
            "max": params.get(f"{name}_max", ""),
            "min_example": low,
            "max_example": high,
        }
        for name, label, low, high in RANGE_INPUTS
    ]


def directory_export(request, fmt):
    """The current search, whole, as CSV or JSON (streamed; same filters and doors as the page).
    From the table view, the CSV has the table's records and chosen columns."""
    matches = selectors.directory_matches(user=request.user, params=request.GET)
    if fmt == "csv" and request.GET.get("view") == "table":
        matches = {kind: qs for kind, qs in matches.items() if kind in selectors.TABLE_KINDS}
        columns = ("type", "name", *table_columns(request.GET), "url")
        lines = exports.csv_lines(exports.csv_records(matches, settings.SITE_URL), columns)
    elif fmt == "csv":
        lines = exports.csv_lines(exports.csv_records(matches, settings.SITE_URL))
    else:
        lines = exports.json_chunks(exports.records(matches, settings.SITE_URL))
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    content_type = "text/csv" if fmt == "csv" else "application/json"
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="nmiq-directory-{stamp}.{fmt}"'
    response["X-Robots-Tag"] = "noindex"
    return response


def _tile_origin(url: str) -> str:
    """The origin the map's tiles come from, for the CSP ('' for none or our own)."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _map_caption(points) -> str:
    """The map's caption: "12 testbeds and 30 services with a location match this search. 4
    without one are listed in the directory only."."""
    testbeds = ngettext("%(count)s testbed", "%(count)s testbeds", len(points.testbeds)) % {
        "count": len(points.testbeds)
    }
    services = ngettext("%(count)s service", "%(count)s services", len(points.services)) % {
        "count": len(points.services)
    }
    caption = _("%(testbeds)s and %(services)s with a location match this search.") % {
        "testbeds": testbeds,
        "services": services,
    }
    if points.without:
        caption += " " + ngettext(
            "%(count)s without one is listed in the directory only.",
            "%(count)s without one are listed in the directory only.",
            points.without,
        ) % {"count": points.without}
    return caption


def directory_map(request):
    """Testbeds and services of the current search on a map, and in a table that works without
    JavaScript."""
    points = selectors.map_points(user=request.user, params=request.GET)
    response = render(
        request,
        "capabilities/directory_map.html",
        {
            "points": points,
            "caption": _map_caption(points),
            "query": request.GET.urlencode(),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
    origin = _tile_origin(settings.MAP_TILE_URL)
    if origin:
        response._csp_update = {"img-src": [origin]}
    return response


def _feature(record, kind: str, site) -> dict:
    return {
        "type": "Feature",
        "id": str(record.uuid),
        "geometry": {"type": "Point", "coordinates": [site.longitude, site.latitude]},
        "properties": {
            "kind": kind,
            "name": record.name,
            "url": record.get_absolute_url(),
            "institute": record.institute.acronym,
            "city": site.city,
            "testbed": site.name if site is not record else "",
        },
    }


def directory_map_data(request):
    """The same testbeds and services as GeoJSON, for the map's markers; a service is placed at
    its testbed."""
    points = selectors.map_points(user=request.user, params=request.GET)
    features = [_feature(testbed, "testbed", testbed) for testbed in points.testbeds] + [
        _feature(service, "service", service.testbed) for service in points.services
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
    )
