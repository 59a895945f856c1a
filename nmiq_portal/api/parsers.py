"""Request bodies: JSON nested deeper than any representation the API accepts is refused."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

#: Deeper than any write serializer's input (a record with its nested ranges and parameters
#: is four levels deep); far below where Python's recursion limit would stop the parser.
MAX_JSON_DEPTH = 32


def _depth(data) -> int:
    """How deep lists and objects nest in ``data``, walked without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering a body nested past ``MAX_JSON_DEPTH`` with a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if _depth(data) > MAX_JSON_DEPTH:
            raise too_deep
        return data
