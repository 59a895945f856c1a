"""Saved searches of the directory and their daily alerts."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nmiq_portal.core.locking import lock
from nmiq_portal.core.permissions import require
from nmiq_portal.notifications.models import OutgoingEmail
from nmiq_portal.notifications.services import absolute_url, email_render_enqueue

from ..models import SavedSearch
from ..selectors import directory_errors, directory_matches

logger = logging.getLogger(__name__)

MAX_SAVED_SEARCHES = 50
#: An alert lists at most this many new matches of each kind, then links to the search.
ALERT_MATCHES_SHOWN = 20


def normalise_query(query: str) -> str:
    """The directory's query string without the page number or empty values."""
    params = QueryDict(query.lstrip("?"), mutable=True)
    params.pop("page", None)
    for key in list(params):
        values = [value for value in params.getlist(key) if value.strip()]
        if values:
            params.setlist(key, values)
        else:
            del params[key]
    return params.urlencode()


@transaction.atomic
def saved_search_create(*, actor, name: str, query: str) -> SavedSearch:
    """Save a directory search under a name; alerts are on until switched off."""
    require(actor, "capabilities.add_saved_search")
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the search a name.")})
    query = normalise_query(query)
    if len(query) > SavedSearch._meta.get_field("query").max_length:
        raise ValidationError({"query": _("This search is too long to be saved.")})
    saved = SavedSearch.objects.filter(user=actor)
    if saved.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("You already have a saved search with this name.")})
    if saved.count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            _("You can keep %(count)d saved searches; delete one first.")
            % {"count": MAX_SAVED_SEARCHES}
        )
    errors = directory_errors(user=actor, params=QueryDict(query))
    if errors:
        reasons = "; ".join(str(message) for messages in errors.values() for message in messages)
        raise ValidationError(
            {"query": _("This search cannot run: %(reasons)s") % {"reasons": reasons}}
        )
    saved_search = SavedSearch(user=actor, name=name, query=query)
    saved_search.full_clean()
    saved_search.save()
    return saved_search


@transaction.atomic
def saved_search_delete(*, actor, saved_search: SavedSearch) -> None:
    require(actor, "capabilities.change_saved_search", saved_search)
    saved_search.delete()


@transaction.atomic
def saved_search_set_alerts(*, actor, saved_search: SavedSearch, alerts: bool) -> SavedSearch:
    """Switch the daily e-mail of new matches on or off; switching on starts from now."""
    require(actor, "capabilities.change_saved_search", saved_search)
    saved_search = lock(saved_search)
    if saved_search.alerts != alerts:
        saved_search.alerts = alerts
        fields = ["alerts"]
        if alerts:
            # Switched back on: what was published while it was off is not "new" any more.
            saved_search.last_alerted_at = timezone.now()
            fields.append("last_alerted_at")
        saved_search.save(update_fields=fields)
    return saved_search


def saved_search_alert(*, saved_search_id: int) -> OutgoingEmail | None:
    """E-mail ``saved_search``'s owner what newly matches it; nothing when nothing is new."""
    with transaction.atomic():
        saved = (
            SavedSearch.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=saved_search_id, alerts=True, user__is_active=True)
            .first()
        )
        if saved is None:
            return None
        now = timezone.now()
        matches = directory_matches(
            user=saved.user,
            params=QueryDict(saved.query),
            since=saved.last_alerted_at or saved.created_at,
        )
        groups = []
        for kind in ("testbed", "service"):
            queryset = matches.get(kind)
            if queryset is None:
                continue
            total = queryset.count()
            if total:
                shown = list(queryset.select_related("institute")[:ALERT_MATCHES_SHOWN])
                groups.append({"kind": kind, "total": total, "records": shown})
        saved.last_alerted_at = now
        saved.save(update_fields=["last_alerted_at"])
        if not groups:
            return None
        return email_render_enqueue(
            to=saved.user.email,
            template="capabilities/email/saved_search_alert",
            context={
                "person": saved.user,
                "saved_search": saved,
                "groups": groups,
                "total": sum(group["total"] for group in groups),
                "search_url": absolute_url(saved.get_absolute_url()),
                "manage_url": absolute_url(reverse("capabilities:saved_search_list")),
            },
            language=saved.user.language,
        )


def saved_search_alert_all() -> int:
    """Run every saved search with alerts on; returns how many e-mails were queued.

    Each runs in its own transaction: one that fails is logged and left as it was (its
    ``last_alerted_at`` unchanged, so the next run retries it), and the others still run."""
    ids = list(
        SavedSearch.objects.filter(alerts=True, user__is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queued = 0
    for pk in ids:
        try:
            queued += saved_search_alert(saved_search_id=pk) is not None
        except Exception:
            logger.exception("The alert of saved search %s failed; the next run retries it", pk)
    return queued
