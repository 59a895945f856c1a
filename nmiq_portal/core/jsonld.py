"""schema.org data (JSON-LD) in a page's <head>, for search engines and other directories."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

#: As django.utils.html.json_script escapes: the data can never close its <script> element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> str:
    """schema.org ``data``, ready to sit inside <script type="application/ld+json">."""
    text = json.dumps({"@context": "https://schema.org", **data}, cls=DjangoJSONEncoder)
    return mark_safe(text.translate(_ESCAPES))  # noqa: S308 - <, > and & are escaped
