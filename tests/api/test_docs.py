"""/api/docs/ for a consortium developer: a portal page (language, a way back) with a quick start
around Swagger UI served from our static files, and a padlock only where a token is needed."""

import re

import pytest
from django.urls import reverse
from rest_framework.permissions import SAFE_METHODS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_docs_page_carries_the_readers_language_and_a_way_back(client, language):
    html = client.get(reverse("api-docs"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in html
    assert f'href="{reverse("home")}"' in html
    assert 'id="swagger-ui"' in html


def test_the_quick_start_covers_fetch_cors_limits_cursors_and_the_feed(client, settings):
    html = client.get(reverse("api-docs")).content.decode()
    quick_start = html.split('id="quick-start-heading"', 1)[1].split('id="reference-heading"')[0]
    assert 'fetch("http://testserver/api/v1/testbeds/' in quick_start
    assert "CORS" in quick_start
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["anon"] in quick_start
    assert rates["token"] in quick_start
    assert "?pagination=cursor" in quick_start
    assert "/api/v1/changes/?after=" in quick_start
    assert "/api/v1/snapshot/" in quick_start


def test_swagger_ui_comes_from_our_static_files(client):
    html = client.get(reverse("api-docs")).content.decode()
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    swagger = [url for url in scripts if "swagger" in url]
    assert swagger, "the bundle, the preset and the stylesheet"
    assert all(url.startswith("/static/") for url in swagger)
    assert "/api/docs/?script=" in html


def test_public_reads_carry_no_security_requirement_and_writes_do(schema):
    reads = [(p, m, o) for p, m, o in operations(schema) if m in SAFE_METHODS]
    writes = [(p, m, o) for p, m, o in operations(schema) if m not in SAFE_METHODS]
    assert reads
    assert writes
    assert [f"{m} {p}" for p, m, o in reads if o.get("security")] == []
    for path, method, operation in writes:
        assert operation.get("security"), f"{method} {path}"
        assert {} not in operation["security"], "a write is never anonymous"
    assert "security" not in schema
