"""Every record whose PATCH asks for a version shows that version where it is read.

Walked from the schema, so an endpoint added later is held to it without being listed here.
"""

import pytest

pytestmark = pytest.mark.django_db


def _properties(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    for part in node.get("allOf", []):
        node = {**node, "properties": {**node.get("properties", {}), **_properties(schema, part)}}
    return node.get("properties", {})


def _body(operation: dict) -> dict:
    content = operation.get("requestBody", {}).get("content", {})
    return next(iter(content.values()), {}).get("schema", {})


def _read(operation: dict) -> dict:
    content = operation["responses"]["200"]["content"]
    return content.get("application/json", next(iter(content.values())))["schema"]


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_patch_that_takes_a_version_reads_back_with_it(schema):
    versioned, hidden = [], []
    for path, operations in schema["paths"].items():
        patch = operations.get("patch")
        if patch is None or "version" not in _properties(schema, _body(patch)):
            continue
        versioned.append(path)
        for method in ("get", "patch"):
            if "version" not in _properties(schema, _read(operations[method])):
                hidden.append(f"{method.upper()} {path}")
    assert not hidden, f"answer without the version their PATCH asks for: {hidden}"
    assert "/api/v1/contacts/{uuid}/" in versioned
    assert len(versioned) >= 4
