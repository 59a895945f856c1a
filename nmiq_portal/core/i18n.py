"""Data rows in the reader's language.

Words that are data, not code (a technology area's name, a readiness level, a KCDB branch),
cannot go through gettext: staff add and reword them. Such a field ``name`` has a sibling per
other language of ``settings.LANGUAGES`` (``name_fr``), kept in the seed migrations, and pages
show ``translated(row, "name")``: the reader's language where it is filled in, else English.
"""

from django.conf import settings
from django.utils.translation import get_language


def other_languages() -> list[str]:
    """The languages beside the default one, whose fields data rows carry."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def translated_fields(field: str) -> list[str]:
    """The per-language siblings of ``field``: ['name_fr']."""
    return [f"{field}_{code}" for code in other_languages()]


def translated(row, field: str) -> str:
    """``row``'s ``field`` in the active language, falling back to the default language."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language != settings.LANGUAGE_CODE:
        value = getattr(row, f"{field}_{language}", "")
        if value:
            return value
    return getattr(row, field)
