"""Rate limits of the portal's own forms, counted with allauth's recipe (the one sign-in uses).

The counts live in the cache, which falls back to each process's memory while Redis is down
(core/cache.py): a limit keeps holding during an outage instead of failing the request.
"""

from allauth.core.internal import ratelimit


def consume(request, *, action: str, rates: str, key: str | None = None) -> bool:
    """Count one use of ``action`` by ``request``; False when one of ``rates`` is used up.

    ``rates`` are allauth's ("5/1h/ip,20/1d/key": per client IP, per ``key``). A refused use
    is not counted against the other rates.
    """
    usage = ratelimit.consume(
        request, app="nmiq_portal", action=action, config={action: rates}, key=key
    )
    return usage is not None
