"""Rate limits: one bucket per anonymous IP, per personal token, and per signed-in session user."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class RatesFromSettings:
    """Reads the rate when a request comes in, not when the class is defined as DRF does, so
    that a changed ``DEFAULT_THROTTLE_RATES`` (tests, override_settings) takes effect."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousRateThrottle(RatesFromSettings, throttling.AnonRateThrottle):
    """Anonymous clients, by IP address (``NUM_PROXIES`` says how many proxies to trust)."""

    scope = "anon"


class TokenRateThrottle(RatesFromSettings, throttling.SimpleRateThrottle):
    """Requests with a personal token: each token has its own bucket, so one runaway sync job
    does not lock its owner's other tools out."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        if token is None or not hasattr(token, "token_key"):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class SessionRateThrottle(RatesFromSettings, throttling.SimpleRateThrottle):
    """Signed-in requests without a token (a browser session), by user."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated or request.auth is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
