"""Who may define and revise benchmarks and write results: each rule, with every lower role
refused (the moves of a result are in test_benchmarks_workflow.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from outputs.enums import ResultStatus as S
from outputs.models import Benchmark
from tests.outputs.benchmarks_world import AUTHORS, RESULT_ROLES, result_world
from tests.support import shared_data

pytestmark = pytest.mark.django_db

COORDINATORS = {"coordinator", "conflicted coordinator", "coordinator of another area"}

#: permission → (object, roles allowed).
RULES = {
    "outputs.add_benchmark": (None, COORDINATORS | {"staff"}),
    "outputs.change_benchmark": ("benchmark", {"coordinator", "conflicted coordinator", "staff"}),
    "outputs.add_benchmark_result": ("institute", AUTHORS),
    "outputs.change_benchmark_result": ("draft", AUTHORS),
    "outputs.view_benchmark_result_audit": ("draft", AUTHORS | {"coordinator", "staff"}),
}


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        world = result_world(S.DRAFT)
        world.published = result_world(S.PUBLISHED)
        yield world


@pytest.fixture
def world(_world, db):
    return _world.copy()


def _object(world, name):
    return {
        None: None,
        "benchmark": world.benchmark,
        "institute": world.result.institute,
        "draft": world.result,
    }[name]


@pytest.mark.parametrize("perm", sorted(RULES))
def test_each_rule_allows_its_roles_and_refuses_every_lower_one(world, perm):
    target, allowed = RULES[perm]
    obj = _object(world, target)
    for role in RESULT_ROLES:
        user = world[role] or AnonymousUser()
        assert user.has_perm(perm, obj) == (role in allowed), role


def test_nobody_edits_a_published_result(world):
    published = world.published
    for role in RESULT_ROLES:
        user = published[role] or AnonymousUser()
        assert not user.has_perm("outputs.change_benchmark_result", published.result), role


def _benchmark_form(world, **overrides):
    return {
        "name": "Readout fidelity",
        "metric": "Single-shot readout fidelity",
        "unit": "percent",
        "higher_is_better": "on",
        "technology_area": world.benchmark.technology_area.pk,
        "twa": world.benchmark.twa.pk,
        "protocol": "https://doi.org/10.1103/PhysRevApplied.7.054020",
        "description": "",
        "metriq_job_type": "",
        "metriq_metric": "",
        **overrides,
    }


def test_a_coordinator_defines_a_benchmark_of_their_area(client, world):
    client.force_login(world["coordinator"])
    response = client.post(reverse("outputs:benchmark_create"), _benchmark_form(world))
    assert response.status_code == 302
    assert Benchmark.objects.get(name="Readout fidelity").unit == "percent"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"unit": "furlongs per blorp"}, "unit"), ({"metriq_job_type": "WIT"}, "metriq_metric")],
)
def test_a_bad_benchmark_is_a_field_error(client, world, overrides, field):
    client.force_login(world["coordinator"])
    response = client.post(reverse("outputs:benchmark_create"), _benchmark_form(world, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Benchmark.objects.filter(name="Readout fidelity").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("plain user", 403),
        ("author", 403),
        ("coordinator of another area", 200),
    ],
)
def test_lower_roles_cannot_define_a_benchmark_in_the_area(client, world, role, status):
    if world[role] is not None:
        client.force_login(world[role])
    response = client.post(reverse("outputs:benchmark_create"), _benchmark_form(world))
    assert response.status_code == status
    if status == 200:  # may define benchmarks, but not in an area they do not coordinate
        assert "twa" in response.context["form"].errors
    assert not Benchmark.objects.filter(name="Readout fidelity").exists()


@pytest.mark.parametrize("role", ["plain user", "author", "coordinator of another area"])
def test_lower_roles_cannot_revise_a_benchmark(client, world, role):
    client.force_login(world[role])
    url = reverse("outputs:benchmark_edit", args=[world.benchmark.slug])
    assert client.get(url).status_code == 403
