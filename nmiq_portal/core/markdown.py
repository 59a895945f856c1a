"""Markdown that people write in descriptions, rendered to HTML that is safe to show, and to the
plain text of a snippet."""

import html
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

#: How many levels a description's headings move down: a page's title is its h1 and its sections
#: are h2, so a description's "# Title" is an h3 there.
HEADING_OFFSET = 2
#: The classes the renderer gives a table and its scrolling wrapper, and the only ones kept.
TABLE_CLASSES = "table table-sm"
WRAPPER_CLASS = "table-responsive"

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "div", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
#: nh3 drops every other class, so the classes above are the only ones a description can carry.
ALLOWED_CLASSES = {"div": {WRAPPER_CLASS}, "table": set(TABLE_CLASSES.split())}


def _table_open(self, tokens, idx, options, env):
    return f'<div class="{WRAPPER_CLASS}"><table class="{TABLE_CLASSES}">\n'


def _table_close(self, tokens, idx, options, env):
    return "</table></div>\n"


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_markdown.add_render_rule("table_open", _table_open)
_markdown.add_render_rule("table_close", _table_close)


def _shift_headings(tokens, offset: int) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + offset)}"


def render_markdown(text: str, *, heading_offset: int = HEADING_OFFSET) -> str:
    """Markdown to sanitised HTML: no raw HTML, no scripts, links only to http(s) and mailto,
    every link marked nofollow; headings ``heading_offset`` levels down (never above h3 by
    default), tables as Bootstrap tables that scroll sideways on a narrow screen."""
    return _rendered(text or "", heading_offset)


#: Rendered texts each process keeps, the most recently shown first: a page of 50 testbeds spent
#: 26 ms rendering their descriptions again on every request (bench/README.md). The HTML
#: depends on the text alone, so a kept one is never stale; 1,000 descriptions are about 1 MB.
RENDERED_KEPT = 1000


@lru_cache(maxsize=RENDERED_KEPT)
def _rendered(text: str, heading_offset: int) -> str:
    tokens = _markdown.parse(text)
    _shift_headings(tokens, heading_offset)
    rendered = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        # The wrapper scrolls on a narrow screen: reachable by keyboard (the only div there is).
        set_tag_attribute_values={"div": {"tabindex": "0"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


_SPACES = re.compile(r"\s+")


def markdown_text(text: str) -> str:
    """The words of a Markdown text without its marks, on one line: what a snippet shows."""
    words = nh3.clean(_markdown.render(text or ""), tags=set())
    return _SPACES.sub(" ", html.unescape(words)).strip()


ELLIPSIS = "\u2026"


def excerpt(text: str, length: int = 240) -> str:
    """The start of a Markdown text as plain text, at most ``length`` characters, cut between
    words and ending with an ellipsis when it was cut."""
    plain = markdown_text(text)
    if len(plain) <= length:
        return plain
    cut = plain[: length + 1].rsplit(" ", 1)[0] if " " in plain[:length] else plain[:length]
    return cut.rstrip(" ,;:.-\u2013\u2014") + ELLIPSIS


#: Marks of Markdown in a piece of raw text (a search headline), which cannot be parsed as a
#: whole: images and links keep their text, emphasis, code, heading, quote, list and table marks go.
_MARKS = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+", re.MULTILINE), ""),
    (re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", re.MULTILINE), ""),
    (re.compile(r"\*\*|__|`|~~"), ""),
    (re.compile(r"(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])"), ""),
    (re.compile(r"\s*\|\s*"), " "),
)


def strip_marks(text: str) -> str:
    """A fragment of raw Markdown with its marks removed, on one line."""
    for pattern, replacement in _MARKS:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()
