"""The layout rules of DESIGN.md that code review alone would let slip."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Imports point one way: outputs → collaborations → capabilities → nmiq_portal.
ORDER = ["nmiq_portal", "capabilities", "collaborations", "outputs"]


def imported_top_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    packages = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            packages.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            packages.add(node.module.split(".")[0])
    return packages


@pytest.mark.parametrize("package", ORDER)
def test_imports_point_one_way(package):
    forbidden = set(ORDER[ORDER.index(package) + 1 :])
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_packages(path) & forbidden)
        for path in (ROOT / package).rglob("*.py")
        if imported_top_packages(path) & forbidden
    }
    assert offenders == {}


def test_the_layout_of_the_design_card_is_there():
    for name in [
        "manage.py",
        "nmiq_portal",
        "capabilities",
        "collaborations",
        "outputs",
        "templates",
        "static",
        "tests",
        "bench",
        "pyproject.toml",
        "docker-compose.yml",
        "README.md",
        "Makefile",
        ".ci/run",
    ]:
        assert (ROOT / name).exists(), name


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def inline_scripts(text: str) -> list[str]:
    """<script> elements without a src: code the CSP would block. A schema.org JSON-LD block
    is data that browsers never run, so it is the one kind allowed inline."""
    return [
        attributes
        for attributes in SCRIPT_TAG.findall(text)
        if "src=" not in attributes and 'type="application/ld+json"' not in attributes
    ]


def test_no_inline_script_or_style_in_templates():
    """The CSP forbids them; a page with one would break silently in the browser."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if "/email/" in str(template):
            continue  # e-mails are not served under the CSP
        text = template.read_text()
        if inline_scripts(text) or "<style" in text or " style=" in text or " onclick=" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize(
    ("html", "inline"),
    [
        ('<script src="/static/js/map.js" defer></script>', False),
        ('<script type="application/ld+json">{{ json_ld }}</script>', False),
        ("<script>alert(1)</script>", True),
        ('<script type="text/javascript">alert(1)</script>', True),
        ('<script type="module">import "x";</script>', True),
    ],
)
def test_only_json_ld_data_blocks_may_be_inline(html, inline):
    assert bool(inline_scripts(html)) is inline
