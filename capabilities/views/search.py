"""The directory search, its exports and the map."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from .. import exports, selectors

PAGE_SIZE = 30


def _directory_query(request, *, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


def directory(request):
    """The public search over testbeds, services and institutes, and the kinds other apps
    register (guides, terms…), with facets; htmx swaps the facets and results, and every state
    of the search is a plain URL."""
    params = request.GET
    sort = params.get("sort") if params.get("sort") in selectors.SORTS else "relevance"
    text = params.get("q", "").strip()
    search = selectors.site_search(user=request.user, params=params, sort=sort)
    page = Paginator(search.rows, PAGE_SIZE).get_page(params.get("page"))
    records = selectors.site_page_records(user=request.user, rows=list(page.object_list), text=text)
    context = {
        "page": page,
        "records": records,
        "facets": search.facets,
        "errors": selectors.directory_errors(params=params),
        "params": params,
        "text": text,
        "sort": sort,
        "sorts": DIRECTORY_SORTS,
        "query": _directory_query(request),
        "export_query": _directory_query(request, drop=("page", "sort")),
        "ranges": _range_inputs(params),
        "range_chips": selectors.range_chips(params=params),
        "unranged": selectors.unranged(user=request.user, params=params),
        "suggestion": (
            selectors.did_you_mean(params=params)
            if text and page.paginator.count < selectors.FEW_RESULTS
            else None
        ),
    }
    template = (
        "capabilities/_directory_body.html"
        if request.htmx and not request.htmx.boosted
        else "capabilities/directory.html"
    )
    return render(request, template, context)


DIRECTORY_SORTS = (
    ("relevance", _lazy("Relevance")),
    ("name", _lazy("Name")),
    ("updated", _lazy("Last updated")),
)
RANGE_INPUTS = (
    ("temperature", _lazy("Temperature"), "20 mK", "300 K"),
    ("frequency", _lazy("Frequency"), "4 GHz", "8 GHz"),
    ("wavelength", _lazy("Wavelength"), "1500 nm", "1600 nm"),
)


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
    """The current search, whole, as CSV or JSON (streamed; same filters and doors as the page)."""
    matches = selectors.directory_matches(user=request.user, params=request.GET)
    rows = exports.records(matches, settings.SITE_URL)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(rows), content_type="text/csv")
    else:
        response = StreamingHttpResponse(exports.json_chunks(rows), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="nmiq-directory-{stamp}.{fmt}"'
    response["X-Robots-Tag"] = "noindex"
    return response


def _tile_origin(url: str) -> str:
    """The origin the map's tiles come from, for the CSP ('' for none or our own)."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def directory_map(request):
    """Testbeds of the current search on a map, and in a table that works without JavaScript."""
    testbeds = selectors.map_testbeds(user=request.user, params=request.GET)
    response = render(
        request,
        "capabilities/directory_map.html",
        {
            "testbeds": testbeds,
            "query": request.GET.urlencode(),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
    origin = _tile_origin(settings.MAP_TILE_URL)
    if origin:
        response._csp_update = {"img-src": [origin]}
    return response


def directory_map_data(request):
    """The same testbeds as GeoJSON, for the map's markers."""
    features = [
        {
            "type": "Feature",
            "id": str(testbed.uuid),
            "geometry": {"type": "Point", "coordinates": [testbed.longitude, testbed.latitude]},
            "properties": {
                "name": testbed.name,
                "url": testbed.get_absolute_url(),
                "institute": testbed.institute.acronym,
                "city": testbed.city,
            },
        }
        for testbed in selectors.map_testbeds(user=request.user, params=request.GET)
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
    )
