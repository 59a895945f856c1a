"""The outputs models, one module per kind; the names callers import."""

# --- guides ---
from .guides import Guide, GuideVersion
