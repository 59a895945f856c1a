"""gunicorn's settings for the web process: the Docker image, docker-compose.yml and bench/run.py
all start `gunicorn -c gunicorn.conf.py nmiq_portal.wsgi:application` with these.

Every value can be overridden from the environment (gunicorn's own GUNICORN_CMD_ARGS, or the
variables below), so an orchestrator sizes the workers without editing this file.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
#: Sync workers, one request at a time each: 2-4 per core. The Docker image used 3.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
#: The heartbeat files on tmpfs: on overlay filesystems (containers) they stall the workers.
SHM = "/dev/shm"  # noqa: S108 - gunicorn's own heartbeat files, as its documentation advises
worker_tmp_dir = SHM if os.path.isdir(SHM) else None
accesslog = "-"
errorlog = "-"
#: A sync worker that does not answer its heartbeat for this long is killed. The longest request
#: is the snapshot (/api/v1/snapshot/), streamed: each of its responses ends after
#: settings.SNAPSHOT_RESPONSE_SECONDS (240 s) with the key the client continues from, inside this
#: limit; every other request ends in well under a second, and PostgreSQL's statement_timeout
#: (settings.DATABASE_WEB_STATEMENT_TIMEOUT_MS) still stops a stuck query.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
#: Fewer reconnects behind a proxy that keeps connections open.
keepalive = 5


#: A full collection starts when the younger generations have been collected more than
#: gc.get_threshold()[2] (10) times since the last one; ``post_request`` runs it between requests
#: from half of that, so a short request (at most two such collections, measured) never meets one.
FULL_COLLECTION_AFTER = gc.get_threshold()[2] // 2


def post_worker_init(worker):
    """After the worker has imported Django: load what the first request would (every view
    module, the cache client, the templates: ``nmiq_portal.core.warmup``), then move every object
    alive now out of the collector's reach, so the full collections of a long-lived worker walk
    only what requests left behind.

    The collector's thresholds stay Python's: a youngest generation of 50,000 (tried before)
    let the snapshot's reference cycles pile up, 221 MB a worker against 157 MB, and leaving
    full collections to the end of each request let a snapshot's grow a worker to 2 GB."""
    from nmiq_portal.core.warmup import warm

    warm()
    gc.collect()
    gc.freeze()


def post_request(worker, req, environ, resp):
    """The full collection that would soon start inside a request, run after this one's
    response is sent (gunicorn calls this after writing the last byte, before closing the
    connection): about 3 ms between requests, where inside the 40 ms API list it made the slow
    tail (p95 65 ms with it, 43 ms without; bench/README.md). A long request (the snapshot)
    still meets full collections at Python's own cadence."""
    if gc.get_count()[2] >= FULL_COLLECTION_AFTER:
        gc.collect()
