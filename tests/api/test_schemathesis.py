"""Schemathesis against the live API, signed in as an editor: every operation of the OpenAPI
schema, valid and invalid inputs, no server error and no answer the schema does not describe."""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from capabilities.enums import MemberRole
from nmiq_portal.accounts import services as account_services
from tests.collaborations.factories import ProjectFactory, TechnicalWorkingAreaFactory
from tests.factories import (
    BenchmarkResultFactory,
    ContactFactory,
    GuideFactory,
    GuideVersionFactory,
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    TermFactory,
    TestbedFactory,
)
from tests.outputs.factories import comparison_world

pytestmark = pytest.mark.django_db(transaction=True)

#: Examples per operation in the examples and fuzzing phases: enough to reach every parameter,
#: few enough that the run stays within a minute or two.
MAX_EXAMPLES = 10
#: The coverage phase sends every boundary case of every parameter (thousands of requests, a few
#: minutes), so CI leaves it out; SCHEMATHESIS_PHASES=examples,coverage,fuzzing,stateful runs it.
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "examples,fuzzing,stateful")
#: Answers that are right although schemathesis's defaults do not expect them, and why:
#: - 412: preconditions are evaluated before the request content (RFC 9110, 13.2.2), so a stale
#:   If-Match on an invalid body answers 412, not 400.
#: - 428: a write without If-Match (or the version in the body) needs a precondition (RFC 6585).
#: - 400 to valid-looking input: a body may name an institute that does not exist, or a filter a
#:   slug nobody uses; OpenAPI cannot say which values exist.
EXPECTED_STATUSES = {
    "negative_data_rejection": [
        *("400", "401", "403", "404", "405", "406", "409", "412", "415", "422", "428", "429"),
        "5xx",
    ],
    "positive_data_acceptance": [
        *("2xx", "3xx", "400", "401", "403", "404", "409", "412", "428", "429"),
        "5xx",
    ],
    "missing_required_header": ["400", "401", "403", "406", "415", "422", "428"],
}


@pytest.fixture
def demo():
    """What the demo has: a verified institute with an administrator and a personal token,
    records public and draft, another institute whose records they may not change, and a
    working area with the administrator's draft proposal and a public project."""
    home = InstituteFactory(acronym="PTB", slug="ptb", rmo="EURAMET")
    editor = MembershipFactory(institute=home, role=MemberRole.ADMIN).user
    _, token = account_services.api_token_create(
        actor=editor, name="schemathesis", expiry=timedelta(days=1)
    )
    contact = ContactFactory(institute=home)
    testbed = TestbedFactory(institute=home, contacts=[contact])
    TestbedFactory(institute=home, published=False, name="Draft cryostat")
    service = ServiceFactory(institute=home, testbed=testbed, contacts=[contact])
    other = InstituteFactory(acronym="NIST", slug="nist", economy="US", rmo="SIM")
    TestbedFactory(institute=other)
    ServiceFactory(institute=other)
    ContactFactory(institute=other)
    twa = TechnicalWorkingAreaFactory(slug="twa-1")
    proposal = ProjectFactory(twa=twa, lead_institute=home, proposer=editor)
    ProjectFactory(twa=twa, lead_institute=other, state="active")
    # The outputs: the editor's proposed term, a published guide, a comparison with results and
    # a benchmark with a published result, so that their detail operations are reached too.
    term = TermFactory(institute=home, proposer=editor)
    guide = GuideVersionFactory(guide=GuideFactory(institute=home), state="published").guide
    comparison = comparison_world().comparison
    result = BenchmarkResultFactory(institute=home, author=editor, state="published")
    return {
        "token": token,
        # Path parameters of records that exist, so reads and writes reach past the 404.
        "known": {
            "/api/v1/institutes/{uuid}/": str(home.uuid),
            "/api/v1/testbeds/{uuid}/": str(testbed.uuid),
            "/api/v1/services/{uuid}/": str(service.uuid),
            "/api/v1/contacts/{uuid}/": str(contact.uuid),
            "/api/v1/technology-areas/{slug}/": "cryogenics",
            "/api/v1/twas/{slug}/": twa.slug,
            "/api/v1/projects/{uuid}/": str(proposal.uuid),
            "/api/v1/projects/{uuid}/transition/": str(proposal.uuid),
            "/api/v1/terms/{uuid}/": str(term.uuid),
            "/api/v1/terms/{uuid}/transition/": str(term.uuid),
            "/api/v1/guides/{uuid}/": str(guide.uuid),
            "/api/v1/comparisons/{uuid}/": str(comparison.uuid),
            "/api/v1/comparisons/{uuid}/transition/": str(comparison.uuid),
            "/api/v1/benchmarks/{uuid}/": str(result.benchmark.uuid),
            "/api/v1/benchmarks/{uuid}/chart/": str(result.benchmark.uuid),
            "/api/v1/results/{uuid}/": str(result.uuid),
        },
    }


def _config(*, base_url, token, known) -> str:
    """schemathesis.toml: the editor's token on every request, bounded examples, and the
    records that exist as the path parameters of their operations."""
    lines = [
        f'base-url = "{base_url}"',
        'suppress-health-check = ["too_slow", "filter_too_much", "data_too_large"]',
        "[headers]",
        f'Authorization = "Token {token}"',
        "[generation]",
        f"max-examples = {MAX_EXAMPLES}",
        "[output.sanitization]",
        "enabled = false",
    ]
    for check, statuses in EXPECTED_STATUSES.items():
        lines += [f"[checks.{check}]", f"expected-statuses = {json.dumps(statuses)}"]
    for operation_path, value in known.items():
        (name,) = re.findall(r"\{(\w+)\}", operation_path)
        lines += [
            "[[operations]]",
            f'include-path = "{operation_path}"',
            f'parameters = {{ "{name}" = "{value}" }}',
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def live_api(live_server):
    """The live server without rate limits, which would otherwise answer most of the run 429."""
    rest_framework = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "token": None, "user": None},
    }
    with override_settings(REST_FRAMEWORK=rest_framework):
        yield live_server.url


def test_schemathesis_finds_nothing_wrong(live_api, demo, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(base_url=live_api, token=demo["token"], known=demo["known"]))
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        *("--config-file", str(config), "--no-color", "run", f"{live_api}/api/schema/?format=json"),
        # One worker: Python 3.11's ast module is not safe to use from parallel threads
        # (CPython gh-106905), and Hypothesis parses the source of its strategies' lambdas.
        *("--checks", "all", "--phases", PHASES, "--workers", "1"),
    ]
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[max(report.find("FAILURES"), 0) :]
