"""The OpenAPI schema shows an example of every JSON body it describes, asked or answered, and
every example is valid against its schema: the right types and formats, no field the schema does
not have and, in an answer, every field the API gives."""

import copy
import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

METHODS = ("get", "put", "post", "patch", "delete")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("uuid", raises=ValueError)
def _uuid(value) -> bool:
    return not isinstance(value, str) or str(uuid.UUID(value)) == value


@FORMATS.checks("uri", raises=ValueError)
def _absolute_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@FORMATS.checks("date", raises=ValueError)
def _date(value) -> bool:
    if not isinstance(value, str):
        return True
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None and bool(date.fromisoformat(value))


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    """RFC 3339, as DRF writes it: a time zone is required."""
    if not isinstance(value, str):
        return True
    pattern = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"
    return re.fullmatch(pattern, value) is not None and bool(
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    )


@FORMATS.checks("email")
def _email(value) -> bool:
    return not isinstance(value, str) or re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value)


@FORMATS.checks("decimal", raises=InvalidOperation)
def _decimal(value) -> bool:
    return not isinstance(value, str) or Decimal(value).is_finite()


def _as_json_schema(node, *, answer: bool):
    """An OpenAPI 3.0 schema as JSON Schema 2020-12: ``nullable`` allows null; objects admit no
    property they do not name and, in an ``answer``, need every one that is not write-only."""
    if not isinstance(node, dict):
        return node
    node = dict(node)
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node:
            node[key] = [_as_json_schema(item, answer=answer) for item in node[key]]
    for key in ("items", "additionalProperties", "not"):
        if isinstance(node.get(key), dict):
            node[key] = _as_json_schema(node[key], answer=answer)
    if "properties" in node:
        properties = node["properties"] = {
            name: _as_json_schema(schema, answer=answer)
            for name, schema in node["properties"].items()
        }
        node.setdefault("additionalProperties", False)
        if answer:
            node["required"] = [
                name for name, schema in properties.items() if not schema.get("writeOnly")
            ]
    if node.pop("nullable", False):
        if "type" in node and not {"allOf", "oneOf", "anyOf", "$ref"} & set(node):
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def bodies(schema):
    """(where, media type object, whether it is an answer) of every JSON request body and 2xx
    JSON response of every operation."""
    for path, operations in schema["paths"].items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            for media_type, media in content.items():
                if _is_json(media_type):
                    yield f"{method.upper()} {path} request {media_type}", media, False
            for code, response in operation.get("responses", {}).items():
                if not code.startswith("2"):
                    continue
                for media_type, media in response.get("content", {}).items():
                    if _is_json(media_type):
                        yield f"{method.upper()} {path} {code} {media_type}", media, True


def examples_of(media) -> dict:
    found = {name: example["value"] for name, example in media.get("examples", {}).items()}
    if "example" in media:
        found["example"] = media["example"]
    return found


def missing_examples(schema) -> list[str]:
    return [where for where, media, _ in bodies(schema) if not examples_of(media)]


def invalid_examples(schema) -> list[str]:
    """Each example that its schema refuses, with the reasons."""
    components = {
        answer: {
            name: _as_json_schema(component, answer=answer)
            for name, component in schema["components"]["schemas"].items()
        }
        for answer in (False, True)
    }
    problems = []
    for where, media, answer in bodies(schema):
        root = {
            **_as_json_schema(media["schema"], answer=answer),
            "components": {"schemas": components[answer]},
        }
        validator = Draft202012Validator(root, format_checker=FORMATS)
        for name, value in examples_of(media).items():
            for error in validator.iter_errors(value):
                location = "/".join(str(part) for part in error.absolute_path)
                problems.append(f"{where} example {name} at /{location}: {error.message}")
    return problems


@pytest.fixture
def schema():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_json_body_of_every_operation_has_an_example(schema):
    assert len(list(bodies(schema))) > 30
    assert missing_examples(schema) == []


def test_every_example_is_valid_against_its_schema(schema):
    assert invalid_examples(schema) == []


def test_lists_show_a_whole_page_and_details_a_record(schema):
    listing = schema["paths"]["/api/v1/testbeds/"]["get"]["responses"]["200"]
    detail = schema["paths"]["/api/v1/testbeds/{uuid}/"]["get"]["responses"]["200"]
    (page,) = examples_of(listing["content"]["application/json"]).values()
    (record,) = examples_of(detail["content"]["application/json"]).values()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["results"] == [record]


def _media(schema, path, method, where):
    operation = schema["paths"][path][method]
    if where == "request":
        return operation["requestBody"]["content"]["application/json"]
    return operation["responses"][where]["content"]["application/json"]


@pytest.mark.parametrize(
    ("path", "method", "where", "break_it"),
    [
        # A number as text, a UUID that is not one, a relative address, a date in another form.
        ("/api/v1/testbeds/{uuid}/", "get", "200", lambda v: v.update(version="4")),
        ("/api/v1/services/", "post", "201", lambda v: v.update(testbed="PTB-QKD")),
        ("/api/v1/twas/{slug}/", "get", "200", lambda v: v.update(url="/api/v1/twas/twa-3/")),
        ("/api/v1/projects/", "post", "request", lambda v: v.update(start_date="01.01.2027")),
        # A field the API gives left out; a field the schema does not have.
        ("/api/v1/contacts/{uuid}/", "get", "200", lambda v: v.pop("phone")),
        ("/api/v1/institutes/{uuid}/", "patch", "request", lambda v: v.update(verified=True)),
        # Null where null is not allowed, and a page whose record is wrong.
        ("/api/v1/services/{uuid}/", "patch", "200", lambda v: v.update(uncertainty=None)),
        ("/api/v1/testbeds/", "get", "200", lambda v: v["results"][0].update(slug=None)),
    ],
)
def test_a_wrong_example_is_found(schema, path, method, where, break_it):
    broken = copy.deepcopy(schema)
    (example,) = _media(broken, path, method, where)["examples"].values()
    break_it(example["value"])
    assert len(invalid_examples(broken)) == 1


def test_a_missing_example_is_found(schema):
    broken = copy.deepcopy(schema)
    del _media(broken, "/api/v1/projects/{uuid}/transition/", "post", "request")["examples"]
    assert missing_examples(broken) == [
        "POST /api/v1/projects/{uuid}/transition/ request application/json"
    ]
