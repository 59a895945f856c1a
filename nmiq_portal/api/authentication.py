"""Personal-token authentication (django-rest-knox) that records when a token was last used."""

from datetime import timedelta

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication

LAST_USED_RESOLUTION = timedelta(minutes=5)


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token):
        user, auth_token = super().authenticate_credentials(token)
        now = timezone.now()
        last_used = auth_token.last_used_at
        if last_used is None or now - last_used > LAST_USED_RESOLUTION:
            type(auth_token).objects.filter(pk=auth_token.pk).update(last_used_at=now)
        return user, auth_token
