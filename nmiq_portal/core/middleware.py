"""Refuses, before any view runs, request input that PostgreSQL cannot store or compare."""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

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
