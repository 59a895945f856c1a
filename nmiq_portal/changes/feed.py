"""Reading the change feed: events below the watermark, data as of now.

Events are ordered by (txid, id) and handed out only below the watermark, the oldest transaction
still running that may write to this database, read in the same statement: every event a later
poll could find has a txid above the cursor, so no poll skips one. Because transaction ids are
not commit order, an event's action and data are those of its object when the page is read: an
upsert of an object that is no longer public goes out as a delete, a delete of one that is
public again as an upsert.
"""

import base64
import binascii
import copy

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict
from rest_framework.request import Request

from . import registry
from .models import Action, ChangeEvent

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
CURSOR_VERSION = "2"
PREVIOUS_CURSOR_VERSION = "1"

#: The watermark (an xid8): the oldest transaction of the current snapshot still running, less
#: those pg_stat_activity shows to belong to a session of another database (a session writes only
#: to its own database), or the snapshot's xmax when none is left. Other databases on the same
#: server then never hold the feed back. A running transaction pg_stat_activity does not show
#: (no privilege to see it, or finished since) counts as this database's: the watermark may wait
#: for it, never pass it. backend_xid is 32 bits; running ids are never 2^32 apart, so the low
#: 32 bits of a running xid8 name it.
WATERMARK = """(
SELECT coalesce(min(running.xid), pg_snapshot_xmax(pg_current_snapshot()))
FROM pg_snapshot_xip(pg_current_snapshot()) AS running(xid)
WHERE mod(running.xid::text::numeric, 4294967296)::bigint NOT IN (
    SELECT backend_xid::text::bigint FROM pg_stat_activity
    WHERE backend_xid IS NOT NULL
    AND datid <> (SELECT oid FROM pg_database WHERE datname = current_database())
))"""

#: Where a transaction id means something: this cluster (its system identifier), its timeline (a
#: point-in-time recovery or a promoted standby starts a new one) and this database (a restore
#: goes into a new one, with a new oid). Cursors carry it: one from another epoch would silently
#: receive empty or wrong pages, so it is refused with 410 and the client takes a new snapshot.
EPOCH = """left(md5(concat_ws(':',
    (SELECT system_identifier FROM pg_control_system()),
    (SELECT timeline_id FROM pg_control_checkpoint()),
    (SELECT oid FROM pg_database WHERE datname = current_database())
)), 12)"""


class BadCursor(ValueError):
    """A cursor this feed did not hand out."""


class StaleCursor(ValueError):
    """A cursor this feed handed out in another epoch (before a restore, a move or a recovery,
    or in the format before epochs): its position means nothing here."""


def current_epoch() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {EPOCH}")
        return cursor.fetchone()[0]


#: One page of events after a cursor, with the epoch, whether committed events after the
#: cursor wait above the watermark (they can only follow the page's last event) and since when
#: the oldest transaction of this database that holds them back has been open: one statement,
#: one watermark. A row of the epoch and the held-back state comes even with no event.
# txid goes out as text (psycopg2 knows no xid8) under another name: ORDER BY must see the xid8.
_PAGE = f"""
WITH mark AS MATERIALIZED (SELECT {WATERMARK} AS xid),
page AS MATERIALIZED (
    SELECT e.id, e.txid, e.type_key, e.uuid, e.changed_at FROM {{events}} AS e
    WHERE (e.txid, e.id) > (%(txid)s::xid8, %(id)s) AND e.txid < (SELECT xid FROM mark)
    ORDER BY e.txid, e.id
    LIMIT %(limit)s
)
SELECT {EPOCH}, EXISTS (
    SELECT 1 FROM {{events}} AS e
    WHERE (e.txid, e.id) > (%(txid)s::xid8, %(id)s) AND e.txid >= (SELECT xid FROM mark)
), (
    SELECT min(xact_start) FROM pg_stat_activity
    WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()
), p.id, p.txid::text AS position, p.type_key, p.uuid, p.changed_at
FROM (SELECT 1) AS one LEFT JOIN page AS p ON TRUE
ORDER BY p.txid, p.id
"""  # noqa: S608 (constants only; the values are parameters)


def encode_cursor(txid: int, event_id: int, *, epoch: str) -> str:
    raw = f"{CURSOR_VERSION}.{epoch}.{txid}.{event_id}".encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def start_cursor(epoch: str) -> str:
    return encode_cursor(0, 0, epoch=epoch)


def decode_cursor(cursor: str, *, epoch: str | None = None) -> tuple[int, int]:
    """(txid, id) of an opaque cursor; raises BadCursor, or StaleCursor when ``epoch`` is given
    and the cursor is of another one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        version, *parts = raw.split(".")
        if version == PREVIOUS_CURSOR_VERSION and len(parts) == 2:
            parts = ["", *parts]  # before epochs: from no epoch that exists now
        elif version != CURSOR_VERSION:
            raise ValueError(raw)
        cursor_epoch, txid, event_id = parts
        if not (txid.isdigit() and event_id.isdigit()):
            raise ValueError(raw)
        position = int(txid), int(event_id)
    except (ValueError, UnicodeError, binascii.Error) as error:
        raise BadCursor(cursor) from error
    if position[0] >= 2**63 or position[1] >= 2**63:
        raise BadCursor(cursor)
    if epoch is not None and cursor_epoch != epoch:
        raise StaleCursor(cursor)
    return position


def anonymous_request(request) -> Request:
    """``request`` as an anonymous client without query parameters would make it: the same host
    and scheme for absolute URLs, and the public representation whoever asks."""
    plain = copy.copy(getattr(request, "_request", request))
    plain.GET = QueryDict()
    anonymous = Request(plain)
    anonymous.user = AnonymousUser()
    return anonymous


def serialise(registration, objects, request) -> list:
    context = {"request": request}
    return registration.serializer_class(objects, many=True, context=context).data


def _public_data(type_key: str, uuids: set[str], request) -> dict[str, dict]:
    """{uuid: anonymous API representation} of those of ``uuids`` that are public now."""
    registration = registry.get(type_key)
    if registration is None or not uuids:
        return {}
    objects = list(registration.queryset(user=request.user).filter(uuid__in=uuids))
    data = serialise(registration, objects, request)
    return {str(obj.uuid): item for obj, item in zip(objects, data, strict=True)}


def read_page(request, *, cursor: str | None, limit: int) -> dict:
    """One page of events after ``cursor`` (from the start without one): {results, next,
    has_more, held_back, held_back_since}, its cursors of the current epoch. One query for the
    events, the epoch and whether the rest is held back, then one round per type on the page
    for their data, whatever ``limit`` is (an empty poll is one query). Raises BadCursor, or
    StaleCursor for a cursor of another epoch."""
    after = (0, 0) if cursor is None else decode_cursor(cursor)
    events_table = connection.ops.quote_name(ChangeEvent._meta.db_table)
    with connection.cursor() as db:
        db.execute(
            _PAGE.format(events=events_table),
            {"txid": str(after[0]), "id": after[1], "limit": limit + 1},
        )
        found = db.fetchall()
    epoch, held, since = found[0][:3]
    if cursor is not None:
        decode_cursor(cursor, epoch=epoch)
    rows = [row[3:] for row in found if row[3] is not None]
    has_more = len(rows) > limit
    rows = rows[:limit]
    anonymous = anonymous_request(request)
    wanted: dict[str, set[str]] = {}
    for _id, _txid, type_key, uuid, _changed_at in rows:
        wanted.setdefault(type_key, set()).add(str(uuid))
    data = {key: _public_data(key, uuids, anonymous) for key, uuids in wanted.items()}
    results = []
    for event_id, txid, type_key, uuid, changed_at in rows:
        item = data[type_key].get(str(uuid))
        results.append(
            {
                "cursor": encode_cursor(int(txid), event_id, epoch=epoch),
                "type": type_key,
                "uuid": str(uuid),
                "action": Action.UPSERT.value if item is not None else Action.DELETE.value,
                "changed_at": changed_at,
                "data": item,
            }
        )
    # A page that ends short may end at the watermark with committed events beyond it.
    held = held and not has_more
    return {
        "results": results,
        "next": results[-1]["cursor"] if results else encode_cursor(*after, epoch=epoch),
        "has_more": has_more,
        "held_back": held,
        "held_back_since": since if held else None,
    }
