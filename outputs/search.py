"""Guides, comparisons and glossary terms in the directory's search (``nmiq_portal.core.search``).

Each kind starts from its model's visibility rule and searches as the directory does (the same
query syntax and text-search configuration, ``capabilities.search``): guides are found by what
anyone may read of them, so only once a version is published; comparisons and terms by
``visible_to``, drafts and proposals only for those their own pages show them to, marked as such.
"""

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import F, OuterRef, Prefetch, Subquery, TextField, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capabilities import search
from nmiq_portal.core.search import SearchKind, SearchResult, register

from .enums import ComparisonStatus, GuideVersionStatus, TermStatus
from .filters.glossary import search_terms
from .models import Comparison, Guide, GuideVersion, Term


def _snippet(obj, fallback: str) -> str:
    return search.snippet(getattr(obj, "headline", None), search.MARKDOWN_MARKS.sub("", fallback))


def _with_headline(matches, body: str, text: str):
    raw = search.tsquery(text)
    return matches.annotate(headline=search.headline(body, raw)) if raw else matches


# --- guides ---

#: The change notes of a guide's public versions, searched with its title and summary.
_PUBLIC_NOTES = Subquery(
    GuideVersion.objects.public()
    .filter(guide=OuterRef("pk"))
    .values("guide")
    .annotate(notes=StringAgg("change_notes", " "))
    .values("notes"),
    output_field=TextField(),
)


def guides_found(text: str, user):
    """Guides anyone may read (a version published, superseded or withdrawn): what search finds
    of a guide is never a draft's."""
    vector = search.columns_vector({"A": ["title"], "B": ["summary"], "C": [_PUBLIC_NOTES]})
    return search.matching(Guide.objects.public(), text, vector)


def guide_results(matches, text: str) -> dict[int, SearchResult]:
    versions = GuideVersion.objects.public().order_by("-major", "-minor", "-patch")
    guides = _with_headline(matches, "summary", text).prefetch_related(
        "institutes", Prefetch("versions", queryset=versions, to_attr="public_versions")
    )
    results = {}
    for guide in guides:
        latest = guide.public_versions[0]
        acronyms = ", ".join(sorted(institute.acronym for institute in guide.institutes.all()))
        results[guide.pk] = SearchResult(
            title=guide.title,
            url=guide.get_absolute_url(),
            snippet=_snippet(guide, guide.summary),
            details=_("%(institutes)s, version %(number)s")
            % {"institutes": acronyms, "number": latest.number},
            state=""
            if latest.status == GuideVersionStatus.PUBLISHED
            else latest.get_status_display(),
        )
    return results


register(
    SearchKind(
        key="guide",
        label=gettext_lazy("Guide"),
        search=guides_found,
        results=guide_results,
        order=10,
    )
)


# --- comparisons ---


def comparisons_found(text: str, user):
    """Comparisons ``user`` may see, by identifier and measurand, project, then description."""
    vector = search.columns_vector(
        {"A": ["identifier", "measurand"], "B": ["project__title"], "C": ["description"]}
    )
    titled = Comparison.objects.visible_to(user).annotate(
        title=Concat("identifier", Value(": "), "measurand", output_field=TextField())
    )
    return search.matching(titled, text, vector)


def comparison_results(matches, text: str) -> dict[int, SearchResult]:
    comparisons = _with_headline(matches, "description", text).select_related(
        "project", "project__lead_institute"
    )
    return {
        comparison.pk: SearchResult(
            title=comparison.title,
            url=comparison.get_absolute_url(),
            snippet=_snippet(comparison, comparison.description),
            details=_("%(project)s, led by %(institute)s")
            % {
                "project": comparison.project.title,
                "institute": comparison.project.lead_institute.acronym,
            },
            state=""
            if comparison.status == ComparisonStatus.PUBLISHED
            else comparison.get_status_display(),
        )
        for comparison in comparisons
    }


register(
    SearchKind(
        key="comparison",
        label=gettext_lazy("Comparison"),
        search=comparisons_found,
        results=comparison_results,
        order=20,
    )
)


# --- glossary ---


def terms_found(text: str, user):
    """Terms ``user`` may see (agreed and superseded ones for anyone), as the glossary's own
    search finds them."""
    terms = Term.objects.visible_to(user).annotate(title=F("term"))
    return search_terms(terms, text).annotate(rank=search.rank("search_vector", text))


def term_results(matches, text: str) -> dict[int, SearchResult]:
    results = {}
    for term in _with_headline(matches, "definition", text):
        source = f"{term.source} {term.clause}".strip()
        results[term.pk] = SearchResult(
            title=f"{term.term} ({term.abbreviation})" if term.abbreviation else term.term,
            url=term.get_absolute_url(),
            snippet=_snippet(term, term.definition),
            details=source,
            state="" if term.status == TermStatus.AGREED else term.get_status_display(),
        )
    return results


register(
    SearchKind(
        key="term",
        label=gettext_lazy("Glossary term"),
        search=terms_found,
        results=term_results,
        order=30,
    )
)
