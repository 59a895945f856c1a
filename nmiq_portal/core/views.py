"""Site-wide pages: home, health, and error pages that answer the API in problem details."""

from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found, server_error

from . import health, sections


@never_cache
def healthz(request):
    """JSON status of database, broker and worker: 200 when all are up, 503 otherwise.

    ``?only=database`` (comma-separated names) limits the checks, e.g. for a container's own
    liveness probe that should not fail when the worker is down.
    """
    names = [n for n in request.GET.get("only", "").split(",") if n in health.CHECKS]
    results = {name: health.CHECKS[name]() for name in names or health.CHECKS}
    healthy = all(result["status"] == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
    )


def _problem(request, status, code, detail=None):
    """Problem details shaped as the API's own errors (nmiq_portal/api/exceptions.py), for what
    Django answers before a view of the API runs: an unknown path or a malformed id in it."""
    title = HTTPStatus(status).phrase
    problem = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "instance": request.path,
        "detail": detail or title,
        "code": code,
    }
    return JsonResponse(problem, status=status, content_type="application/problem+json")


def bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        return _problem(request, 400, "bad_request", str(exception or "") or None)
    return render(request, "400.html", {"reason": str(exception or "")}, status=400)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return _problem(request, 404, "not_found", "No such resource or endpoint.")
    return page_not_found(request, exception)


def error(request):
    if request.path.startswith("/api/"):
        return _problem(request, 500, "error", "Server error; it is logged.")
    return server_error(request)


@login_required
def my_work(request):
    """What waits for the signed-in person, a short list from each app that has one: where an
    institute's editor lands after signing in."""
    return render(
        request, "core/my_work.html", {"sections": sections.render_context("work", request)}
    )


def home_page(request):
    """The landing page: what comes first (the search, on every screen), what NMI-Q is, and a
    section from each app that has one."""
    return render(
        request,
        "core/home.html",
        {
            "lead_sections": sections.render_context("home_lead", request),
            "sections": sections.render_context("home", request),
        },
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; point them at the real icon."""
    return redirect(static("img/favicon.svg"), permanent=True)
