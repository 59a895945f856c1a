"""The snapshot: every public object as NDJSON, by type then primary key, resumable line by line.

Each record line carries ``after``, a key from which another request continues the snapshot
just past that line. It names the watermark of the snapshot's first response, so however many
requests a snapshot takes, its closing cursor is the first one's: each later part was read at a
later moment, and the feed from that first watermark replays every change since, some of it
already in the later parts, which a client applies again without harm. A response ends after
``settings.SNAPSHOT_RESPONSE_SECONDS`` with a line ``{"after": …}`` instead of the cursor, so
that no response outlives the web server's timeout whatever the size of the data.
"""

import base64
import binascii
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from rest_framework.utils.encoders import JSONEncoder

from .feed import (
    EPOCH,
    WATERMARK,
    BadCursor,
    StaleCursor,
    anonymous_request,
    encode_cursor,
    serialise,
)

#: Objects serialised per query round: the snapshot's memory does not grow with the data.
SNAPSHOT_CHUNK = 500
KEY_VERSION = "s1"


@dataclass(frozen=True)
class Position:
    """Where a snapshot continues: just past ``pk`` of ``type_key``, in the snapshot whose first
    part was read at ``watermark`` of ``epoch``."""

    epoch: str
    watermark: int
    type_key: str
    pk: int

    def encode(self) -> str:
        raw = f"{KEY_VERSION}.{self.epoch}.{self.watermark}.{self.type_key}.{self.pk}".encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_position(key: str, *, epoch: str) -> Position:
    """The Position of an ``after`` key; raises BadCursor, or StaleCursor when it is of another
    epoch than ``epoch`` (the database was restored or moved since: start again)."""
    try:
        raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)).decode("ascii")
        version, key_epoch, watermark, type_key, pk = raw.split(".")
        if version != KEY_VERSION or not (watermark.isdigit() and pk.isdigit()):
            raise ValueError(raw)
        position = Position(key_epoch, int(watermark), type_key, int(pk))
    except (ValueError, UnicodeError, binascii.Error) as error:
        raise BadCursor(key) from error
    if position.watermark >= 2**63 or position.pk >= 2**63:
        raise BadCursor(key)
    if position.epoch != epoch:
        raise StaleCursor(key)
    return position


def _line(value: dict) -> bytes:
    text = json.dumps(value, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode()


def snapshot_lines(
    request, registrations: list, *, after: Position | None = None
) -> Iterator[bytes]:
    """Every public object of ``registrations`` (from just past ``after`` when given) as NDJSON
    lines, read in one REPEATABLE READ transaction, then the cursor from which the feed
    continues, or, once the response has run for ``SNAPSHOT_RESPONSE_SECONDS``, the key to
    continue the snapshot from.

    The cursor is (the first part's watermark, 0): every transaction of this database below it
    is in the first part, and the feed replays everything from the watermark on. The
    transaction is read-only and gets no transaction id, so a slow download never holds back
    the feed's watermark.
    """
    anonymous = anonymous_request(request)
    started = time.monotonic()
    nested = connection.in_atomic_block  # inside a test's transaction: read in that one
    with transaction.atomic():
        with connection.cursor() as cursor:
            if not nested:
                # It waits for a slow client between chunks, so the web's idle limit would end
                # the download; read-only without a transaction id, it holds nothing back.
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
                    " SET LOCAL idle_in_transaction_session_timeout = 0"
                )
            cursor.execute(f"SELECT {WATERMARK}::text, {EPOCH}")
            watermark, epoch = cursor.fetchone()
        watermark = after.watermark if after is not None else int(watermark)
        keys = [registration.type_key for registration in registrations]
        start = keys.index(after.type_key) if after is not None else 0
        for number, registration in enumerate(registrations[start:]):
            last = after.pk if after is not None and number == 0 else None
            more = True
            while more:
                lines, last, more = _chunk(registration, anonymous, epoch, watermark, after=last)
                if not lines:
                    continue
                yield lines
                unread = more or number < len(registrations) - start - 1
                if unread and time.monotonic() - started >= settings.SNAPSHOT_RESPONSE_SECONDS:
                    position = Position(epoch, watermark, registration.type_key, last)
                    yield _line({"after": position.encode()})
                    return
    yield _line({"cursor": encode_cursor(watermark, 0, epoch=epoch)})


def _chunk(registration, request, epoch, watermark, *, after) -> tuple[bytes, object, bool]:
    """(the lines of the chunk after primary key ``after`` (None: the first), its last key,
    whether more may follow). Its objects are gone once it returns: one chunk in memory."""
    queryset = registration.queryset(user=request.user).order_by("pk")
    if after is not None:
        queryset = queryset.filter(pk__gt=after)
    objects = list(queryset[:SNAPSHOT_CHUNK])
    data = serialise(registration, objects, request)
    lines = b"".join(
        _line(
            {
                "type": registration.type_key,
                "uuid": str(obj.uuid),
                "data": item,
                "after": Position(epoch, watermark, registration.type_key, obj.pk).encode(),
            }
        )
        for obj, item in zip(objects, data, strict=True)
    )
    more = len(objects) == SNAPSHOT_CHUNK
    return lines, objects[-1].pk if objects else after, more
