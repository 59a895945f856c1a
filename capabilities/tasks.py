"""Celery tasks of the directory: thin, repeatable, each loads by id and calls a service."""
