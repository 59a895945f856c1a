"""API base: authentication, pagination, problem-details errors, schema, the shared router."""
