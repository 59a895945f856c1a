"""The French catalogue is complete: every string of the code and templates is translated."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
SOURCES = ["manage.py", "nmiq_portal", "capabilities", "collaborations", "outputs", "templates"]


def _msgids(po: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> polib.POFile:
    """What makemessages finds today, run on a copy so the committed catalogue is untouched."""
    copy = tmp_path_factory.mktemp("messages")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    (copy / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=copy,
        env={**os.environ, "VAR_DIR": str(copy / "var")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))


def test_every_string_in_the_code_is_in_the_catalogue(extracted):
    committed = polib.pofile(str(CATALOGUE))
    missing = sorted(msgid for _, msgid in _msgids(extracted) - _msgids(committed))
    assert missing == [], "run makemessages -l fr and translate these"


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy():
    committed = polib.pofile(str(CATALOGUE))
    assert committed.untranslated_entries() == []
    assert committed.fuzzy_entries() == []
    assert committed.percent_translated() == 100


def test_the_catalogue_compiles_cleanly():
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(CATALOGUE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_pages_are_served_in_french_on_request(client):
    response = client.get("/institutes/", headers={"Accept-Language": "fr"})
    assert response.headers["Content-Language"] == "fr"
    assert "Se connecter" in response.content.decode()


def test_translation_functions_go_by_names_makemessages_knows():
    """makemessages extracts `_`, `gettext_lazy` and their kin by name: a string marked through
    another alias (`gettext_lazy as _lazy`) is never in the catalogue and shows in English."""
    alias = re.compile(r"import\s+(?:n|p|np)?gettext(?:_lazy|_noop)?\s+as\s+(?!_\b)\w+")
    offenders = [
        str(path.relative_to(ROOT))
        for name in SOURCES
        if (ROOT / name).is_dir()
        for path in (ROOT / name).rglob("*.py")
        if alias.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
