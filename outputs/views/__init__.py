"""The outputs views, one module per kind; the names callers import."""
