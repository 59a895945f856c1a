"""CORS for reads only: any origin may GET the public API, no origin may write through it."""

from corsheaders.middleware import CorsMiddleware

READ_METHODS = frozenset({"GET", "HEAD"})


class ReadOnlyCorsMiddleware(CorsMiddleware):
    """django-cors-headers, answering only reads and the preflights of reads: a preflight for
    PATCH, or a cross-origin POST, gets no CORS header at all, so the browser refuses it."""

    def is_enabled(self, request) -> bool:
        if request.method == "OPTIONS":
            method = request.headers.get("access-control-request-method", "GET")
            if method.upper() not in READ_METHODS:
                return False
        elif request.method not in READ_METHODS:
            return False
        return super().is_enabled(request)
