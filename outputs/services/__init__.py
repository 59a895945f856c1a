"""The outputs services, one module per kind; the names callers import."""

from .benchmarks import (
    benchmark_create,
    benchmark_result_create,
    benchmark_result_transition,
    benchmark_result_update,
    benchmark_update,
    result_import_apply,
    result_import_check,
)
from .comparisons import (
    comparison_create,
    comparison_transition,
    comparison_update,
    result_add,
    result_remove,
    result_update,
)
from .glossary import (
    TERM_FIELDS,
    term_propose,
    term_supersede,
    term_transition,
    term_update,
)
from .guides import (
    guide_create,
    guide_update,
    guide_version_create,
    guide_version_transition,
    guide_version_update,
)
from .readiness import (
    ASSESSMENT_FIELDS,
    assessment_create,
    assessment_transition,
    assessment_update,
)
