"""Guides, benchmark results, comparisons and glossary terms in the directory's search
(``nmiq_portal.core.search``).

Each kind's reads are selectors that start from its model's visibility rule and search as the
directory does (the same query syntax and text-search configuration, ``capabilities.search``):
guides by what anyone may read of them, so only once a version is published; results,
comparisons and terms by ``visible_to``, drafts and proposals only for those their own pages
show them to, marked with their state.
"""

from django.utils.translation import gettext_lazy as _

from nmiq_portal.core.search import SearchKind, register

from . import selectors

register(
    SearchKind(
        key="guide",
        label=_("Guide"),
        search=selectors.guides_found,
        results=selectors.guide_results,
        order=10,
    )
)
register(
    SearchKind(
        key="result",
        label=_("Benchmark result"),
        search=selectors.results_found,
        results=selectors.result_search_page,
        order=15,
    )
)
register(
    SearchKind(
        key="comparison",
        label=_("Comparison"),
        search=selectors.comparisons_found,
        results=selectors.comparison_results,
        order=20,
    )
)
register(
    SearchKind(
        key="term",
        label=_("Glossary term"),
        search=selectors.terms_found,
        results=selectors.term_results,
        order=30,
    )
)
