"""The outputs models, one module per kind; the names callers import."""

# --- glossary ---
from .glossary import Term
