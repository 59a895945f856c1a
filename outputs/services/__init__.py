"""The outputs services, one module per kind; the names callers import."""

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
