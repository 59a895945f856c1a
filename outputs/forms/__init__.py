"""Forms of the outputs pages, one module per kind."""
