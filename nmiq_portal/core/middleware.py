"""Request middleware of the portal: input PostgreSQL cannot store is refused before any view
runs; a page asked for under a slug its row gave up redirects to its slug now."""

from django.core.exceptions import BadRequest
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import slugs

#: PostgreSQL's text types hold every Unicode character but NUL. (Undecodable bytes never get
#: this far: Django decodes the path and query string with replacement characters.)
UNSTORABLE = "\x00"


class RefuseUnstorableInputMiddleware:
    """A NUL in the path or in any query parameter's name or value is a 400 on every page and
    endpoint, not a database error (a 500) in whichever filter or lookup meets it first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if UNSTORABLE in request.path or any(
            UNSTORABLE in key or any(UNSTORABLE in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest(_("The address holds a character the portal cannot read (NUL)."))
        return self.get_response(request)


class FormerSlugRedirectMiddleware:
    """A page not found under a provisional slug that its row gave up on becoming public
    redirects to the same page under the readable slug; the page then applies its own rules."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if response.status_code != 404 or request.method not in ("GET", "HEAD") or not match:
            return response
        kwargs, moved = dict(match.kwargs), False
        for key, value in match.kwargs.items():
            if isinstance(value, str) and (slug := slugs.former(value)):
                kwargs[key], moved = slug, True
        if not moved:
            return response
        url = reverse(match.view_name, args=match.args, kwargs=kwargs)
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
