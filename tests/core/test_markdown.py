"""Descriptions in the page's typography: Markdown tables and headings, and the plain-text
snippets that cards, search results and feeds show."""

from html.parser import HTMLParser

import nh3
import pytest
from django.utils import translation

from capabilities import search
from nmiq_portal.core.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    excerpt,
    markdown_text,
    render_markdown,
    strip_marks,
)

TABLE = "| Quantity | Range |\n| --- | --- |\n| Temperature | 10 mK to 4 K |\n"


def test_a_table_is_a_bootstrap_table_that_scrolls_inside_its_wrapper():
    html = render_markdown(TABLE)
    wrapper = '<div class="table-responsive" tabindex="0"><table class="table table-sm">'
    assert html.startswith(wrapper), "a keyboard reaches what scrolls sideways"
    assert "<td>10 mK to 4 K</td>" in html
    assert html.rstrip().endswith("</table></div>")


@pytest.mark.parametrize(
    ("source", "tag"),
    [("# Title", "h3"), ("## Part", "h4"), ("### Detail", "h5"), ("#### x", "h6")],
)
def test_headings_sit_below_the_pages_title_and_sections(source, tag):
    assert render_markdown(source) == f"<{tag}>{source.lstrip('# ')}</{tag}>\n"


def test_headings_never_go_below_h6():
    assert render_markdown("###### Deep") == "<h6>Deep</h6>\n"


def nh3_clean(html: str) -> str:
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, allowed_classes=ALLOWED_CLASSES
    )


def elements(html: str) -> list[tuple[str, dict]]:
    """Every element of ``html`` with its attributes, as a browser would read them."""
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


@pytest.mark.parametrize(
    "hostile",
    [
        '<div class="table-responsive alert">x</div>',
        '<table class="table" onclick="alert(1)"><tr><td>x</td></tr></table>',
        "[x](javascript:alert(1))",
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "![x](javascript:alert(1))",
    ],
)
def test_the_sanitiser_keeps_its_strength_around_the_new_classes(hostile):
    html = render_markdown(f"{TABLE}\n{hostile}\n\n| {hostile} | x |\n| --- | --- |\n| y | z |\n")
    for tag, attributes in elements(html):
        assert tag not in {"script", "img", "span"}
        assert not any(name.startswith("on") for name in attributes)
        assert not attributes.get("href", "").startswith("javascript")
        if "class" in attributes:
            assert (tag, attributes["class"]) in {
                ("div", "table-responsive"),
                ("table", "table table-sm"),
            }


def test_the_sanitiser_drops_any_other_class():
    assert nh3_clean('<div class="alert table-responsive"><table class="x table">') == (
        '<div class="table-responsive"><table class="table"></table></div>'
    )


def test_markdown_text_is_the_words_without_marks():
    text = "# Dilution fridge\n\nWorks **inside** a [cryostat](https://example.org) at `4 K`.\n\n"
    assert markdown_text(text + TABLE) == (
        "Dilution fridge Works inside a cryostat at 4 K. Quantity Range Temperature 10 mK to 4 K"
    )


def test_an_excerpt_is_cut_between_words_and_ends_with_an_ellipsis():
    text = "A **dilution** refrigerator reaching ten millikelvin, with optical access."
    assert excerpt(text, 40) == "A dilution refrigerator reaching ten…"
    assert (
        excerpt(text, 200)
        == "A dilution refrigerator reaching ten millikelvin, with optical access."
    )


def test_strip_marks_reads_a_fragment_of_raw_markdown():
    fragment = "## Fridge with **10 mK** | a | b |\n|---|---|\nsee [the page](https://x.org)"
    assert strip_marks(fragment) == "Fridge with 10 mK a b see the page"
    assert strip_marks("snake_case and 2*3") == "snake_case and 2*3"


def test_a_snippet_without_a_match_is_the_start_of_the_text_as_plain_text():
    long = "# Heading\n\n" + "The **cryostat** reaches ten millikelvin. " * 20
    shown = str(search.snippet(None, long))
    assert shown.endswith("…")
    assert "#" not in shown
    assert "**" not in shown


def test_a_highlighted_snippet_says_where_it_cuts_the_text():
    body = "Opening words. The **cryostat** reaches 10 mK. Closing words."
    marked = "The **\x02cryostat\x03** reaches 10 mK."
    assert str(search.snippet(marked, body)) == "… The <mark>cryostat</mark> reaches 10 mK. …"
    assert str(search.snippet("Opening words. The \x02cryostat\x03", body)) == (
        "Opening words. The <mark>cryostat</mark> …"
    )
    assert str(search.snippet(body.replace("cryostat", "\x02cryostat\x03"), body)).count("…") == 0


def test_excerpts_read_the_same_in_french():
    with translation.override("fr"):
        assert excerpt("Un **banc d'essai** cryogénique", 200) == "Un banc d'essai cryogénique"
