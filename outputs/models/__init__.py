"""The outputs models, one module per kind; the names callers import."""
