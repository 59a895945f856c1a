"""OpenAPI: every operation documents its problem-details error responses."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions
from rest_framework.serializers import ListSerializer

from .fields import FIELDS_PARAM, FieldsMixin

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Bad Request"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string"},
        "instance": {"type": "string", "nullable": True},
        "code": {"type": "string", "example": "invalid"},
        "errors": {
            "type": "array",
            "description": "For invalid input: each field and the reason.",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True, "example": "economy"},
                    "detail": {"type": "string", "example": "Select a valid choice."},
                    "code": {"type": "string", "example": "invalid_choice"},
                },
                "required": ["field", "detail", "code"],
            },
        },
    },
    "required": ["type", "title", "status"],
}

_DESCRIPTIONS = {
    "400": "Invalid input: the problem lists each field and the reason.",
    "401": "Authentication credentials were missing or wrong.",
    "403": "You may not do this.",
    "404": "No such resource (or not visible to you).",
    "429": "Too many requests from your IP address (anonymous), token or session; wait as many "
    "seconds as Retry-After says.",
}
_LIST_404 = "No such page."

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before asking again.",
        "schema": {"type": "integer", "minimum": 0},
    }
}
LINK = {
    "Link": {
        "description": 'The next and previous pages (RFC 8288: rel="next", rel="prev"), '
        "as in the body; absent when there are none.",
        "schema": {"type": "string"},
    }
}


class AutoSchema(SpectacularAutoSchema):
    def get_auth(self):
        """No security requirement on a read anyone may make, so the docs show a padlock only
        on writes and on operations that need a token or a session."""
        anyone = (permissions.AllowAny, permissions.IsAuthenticatedOrReadOnly)
        views_permissions = self.view.get_permissions()
        if self.method in permissions.SAFE_METHODS and all(
            isinstance(permission, anyone) for permission in views_permissions
        ):
            return []
        return [auth for auth in super().get_auth() if auth]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        ref = {"$ref": "#/components/schemas/Problem"}
        codes = ["401", "403", "429"]
        listing = self.method == "GET" and self._is_list_view()
        if self.method in ("POST", "PUT", "PATCH") or listing or self._fields_parameter():
            codes.append("400")
        if "{" in self.path or listing:
            codes.append("404")
        for code in codes:
            description = _LIST_404 if code == "404" and "{" not in self.path else None
            responses.setdefault(
                code,
                {
                    "description": description or _DESCRIPTIONS[code],
                    "content": {"application/problem+json": {"schema": ref}},
                },
            )
        responses["429"].setdefault("headers", {}).update(RETRY_AFTER)
        if listing and "200" in responses:
            responses["200"].setdefault("headers", {}).update(LINK)
        return responses

    def _get_examples(self, *args, **kwargs):
        # A list's examples are written as whole pages: drf-spectacular cannot wrap a record in
        # our page, an anyOf of two shapes, so it must take them as they are.
        self._examples_as_written = True
        try:
            return super()._get_examples(*args, **kwargs)
        finally:
            self._examples_as_written = False

    def _is_list_view(self, serializer=None):
        return not getattr(self, "_examples_as_written", False) and super()._is_list_view(
            serializer
        )

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if field.read_only and "format" in schema and _blank_in_model(field):
            # DRF drops allow_blank from read-only fields, so drf-spectacular cannot tell that
            # an optional URL or e-mail address is answered as "".
            outer = {"readOnly", "nullable", "description", "title"}
            inner = {key: schema.pop(key) for key in list(schema) if key not in outer}
            schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]
        return schema

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        fields = self._fields_parameter()
        return [*parameters, fields] if fields else parameters

    def _fields_parameter(self) -> OpenApiParameter | None:
        """``fields`` on the reads of a view that takes it, naming the fields one may ask for:
        its list and detail, not an extra read (chart data, say) that answers its own shape."""
        if self.method != "GET" or not isinstance(self.view, FieldsMixin):
            return None
        if getattr(self.view, "action", None) not in (None, "list", "retrieve"):
            return None
        serializer = self._get_serializer()
        if isinstance(serializer, ListSerializer):
            serializer = serializer.child
        names = list(getattr(serializer, "fields", {}))
        if not names:
            return None
        return OpenApiParameter(
            FIELDS_PARAM,
            {"type": "array", "items": {"type": "string", "enum": names}},
            OpenApiParameter.QUERY,
            description="Only these fields of each object, comma-separated (e.g. "
            f"`{','.join(names[:2])}`); all of them when absent. An unknown name answers 400.",
            style="form",
            explode=False,
        )


def add_problem_component(result, generator, request, public):
    """Postprocessing hook: the schema of problem details, referred to by every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    return result


def _blank_in_model(field) -> bool:
    """Whether the model field behind a serializer field is text that may be left empty."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return isinstance(model_field, models.CharField) and model_field.blank


def _component(result, schema):
    ref = (schema or {}).get("$ref", "")
    return result["components"]["schemas"].get(ref.rpartition("/")[2]) if ref else None


def optional_fields_where_fields_apply(result, generator, request, public):
    """Postprocessing hook: a client may leave any field out with ``?fields=``, so the objects
    such an operation answers (directly or in a page's results) mark no field as required."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            if FIELDS_PARAM not in names:
                continue
            content = operation.get("responses", {}).get("200", {}).get("content", {})
            for media in content.values():
                target = _component(result, media.get("schema"))
                if target is not None and "anyOf" in target:
                    page = target["anyOf"][0]["properties"]["results"]
                    target = _component(result, page.get("items"))
                if target is not None and target.pop("required", None) is not None:
                    target["description"] = (
                        target.get("description", "") + "\n\nEvery field is present unless "
                        "the request names fewer with `fields`."
                    ).strip()
    return result


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """Documents our personal tokens (knox) as `Authorization: Token <token>`."""

    target_class = "nmiq_portal.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A personal token made on your profile page, sent as `Token <token>`.",
        }
