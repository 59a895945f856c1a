"""The outputs services, one module per kind; the names callers import."""

# --- guides ---
from .guides import (
    guide_create,
    guide_update,
    guide_version_create,
    guide_version_transition,
    guide_version_update,
)
