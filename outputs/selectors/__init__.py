"""The outputs selectors, one module per kind; the names callers import."""

from .benchmarks import (
    benchmark_chart,
    benchmark_for_page,
    benchmark_list,
    benchmark_results,
    benchmarks_for_api,
    published_results_for_feed,
    result_for_page,
    result_list,
    result_review_queue,
    result_search_page,
    result_timeline,
    results_for_api,
    results_found,
)
from .comparisons import (
    comparison_for_page,
    comparison_list,
    comparison_results,
    comparison_review_queue,
    comparison_rows,
    comparisons_for_api,
    comparisons_for_feed,
    comparisons_found,
    record_equivalences,
)
from .glossary import (
    LETTERS,
    agreed_terms_for_feed,
    letters_in_use,
    review_list,
    search_terms,
    successor_choices,
    term_for_page,
    term_list,
    term_results,
    term_supersedes,
    term_timeline,
    terms_for_api,
    terms_found,
)
from .guides import (
    guide_for_page,
    guide_list,
    guide_results,
    guide_review_queue,
    guide_versions,
    guides_for_api,
    guides_found,
    latest_published,
    published_versions_for_feed,
    version_timeline,
)
from .landscape import COUNTED_KINDS, GAP_RULES, CountedKind, landscape, landscape_data
from .overview import published_counts
from .readiness import (
    assessment_for_page,
    assessments_for_api,
    published_series,
    readiness_by_area,
)
