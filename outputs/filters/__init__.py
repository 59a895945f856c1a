"""FilterSets of the outputs, one module per kind, shared by the pages and the API."""
