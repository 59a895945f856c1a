"""The outputs services, one module per kind; the names callers import."""

# --- glossary ---
from .glossary import (
    TERM_FIELDS,
    term_propose,
    term_supersede,
    term_transition,
    term_update,
)
