"""The outputs selectors, one module per kind; the names callers import."""

# --- glossary ---
from .glossary import (
    LETTERS,
    agreed_terms_for_feed,
    letters_in_use,
    review_list,
    successor_choices,
    term_for_page,
    term_list,
    term_supersedes,
    term_timeline,
    terms_for_api,
)
