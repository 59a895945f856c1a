"""OpenAPI: every operation documents its problem-details error responses."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

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
    "429": "Too many requests; see the Retry-After header.",
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        ref = {"$ref": "#/components/schemas/Problem"}
        codes = ["401", "403", "429"]
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            codes.append("400")
        if "{" in self.path:
            codes.append("404")
        for code in codes:
            responses.setdefault(
                code,
                {
                    "description": _DESCRIPTIONS[code],
                    "content": {"application/problem+json": {"schema": ref}},
                },
            )
        return responses


def add_problem_component(result, generator, request, public):
    """Postprocessing hook: the schema of problem details, referred to by every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
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
