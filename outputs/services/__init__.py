"""The outputs services, one module per kind; the names callers import."""
