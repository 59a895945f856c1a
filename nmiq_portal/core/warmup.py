"""What a long-lived web process loads once, before its first request (gunicorn.conf.py's
``post_worker_init``), so that the first visitor does not wait for it and so that it is in place
before the worker's objects are frozen out of the garbage collector's reach.

Measured in a worker (bench/README.md, worker memory): the first search grew a worker by 44 MB,
most of it the cache's Redis client (redis-py's command module alone is 25 MB), the templates
compiled on first use and the unit registry; the same search afterwards grows it by about 1 MB.

An app adds what its first request would load by connecting to ``warming``."""

from django.core.cache import caches
from django.dispatch import Signal
from django.template import engines
from django.template.loader import get_template
from django.urls import get_resolver

#: Sent once by ``warm()``, after the URL configuration, templates and caches are loaded.
warming = Signal()


def warm() -> None:
    """Import every view (the URL configuration), make the cache clients (no connection is
    opened), compile the project's templates, then let the apps add theirs."""
    get_resolver().check()
    caches.all()  # each made on first use: importing its client is the cost
    for engine in engines.all():
        for folder in engine.engine.dirs:
            for path in sorted(folder.rglob("*.html")):
                get_template(str(path.relative_to(folder)), using=engine.name)
    warming.send(sender=None)
