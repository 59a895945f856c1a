"""The outputs selectors, one module per kind; the names callers import."""
