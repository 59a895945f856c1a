"""Errors as RFC 9457 problem details, with the field and the reason for invalid input."""

from http import HTTPStatus

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

PROBLEM_JSON = "application/problem+json"


def _flatten(errors, prefix=""):
    """[{"field": "contacts.0.email", "detail": "...", "code": "invalid"}, ...]"""
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = str(key) if key != "non_field_errors" else ""  # list items: 0, 1, …
            yield from _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(errors, list):
        if all(isinstance(item, exceptions.ErrorDetail | str) for item in errors):
            for item in errors:
                yield {
                    "field": prefix or None,
                    "detail": str(item),
                    "code": getattr(item, "code", "invalid"),
                }
        else:
            for index, item in enumerate(errors):
                yield from _flatten(item, f"{prefix}.{index}" if prefix else str(index))
    else:
        yield {
            "field": prefix or None,
            "detail": str(errors),
            "code": getattr(errors, "code", "invalid"),
        }


def problem_details_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    status = response.status_code
    problem = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "instance": request.path if request is not None else None,
    }
    if isinstance(exc, exceptions.ValidationError):
        problem["detail"] = "The request is invalid; see errors."
        problem["code"] = "invalid"
        problem["errors"] = list(_flatten(response.data))
    else:
        problem["detail"] = str(getattr(exc, "detail", "") or problem["title"])
        problem["code"] = getattr(getattr(exc, "detail", None), "code", None) or getattr(
            exc, "default_code", "error"
        )
    response.data = problem
    # Without an accepted renderer (content negotiation itself failed, e.g. on an unknown format
    # suffix), DRF answers with its first renderer: JSON.
    renderer = getattr(request, "accepted_renderer", None)
    if request is not None and (renderer is None or isinstance(renderer, JSONRenderer)):
        response.content_type = PROBLEM_JSON
    return response
