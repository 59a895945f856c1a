"""/api/v1/changes/ and /api/v1/snapshot/: how a client keeps an exact copy of the public data."""

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from nmiq_portal.api import serializers

from . import feed, registry, snapshot

PROBLEM = {"$ref": "#/components/schemas/Problem"}
EXAMPLE_UUID = "3f0c1d9e-8a4b-4c1e-9d2f-5b6a7c8d9e0f"


class CursorFromAnotherEpoch(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = (
        "This cursor was handed out before the portal's database was restored, moved or "
        "recovered: its position means nothing now. Take a new snapshot (/api/v1/snapshot/), "
        "replace your copy with it and continue from its cursor."
    )
    default_code = "cursor_from_another_epoch"


class SnapshotFromAnotherEpoch(CursorFromAnotherEpoch):
    default_detail = (
        "This snapshot was begun before the portal's database was restored, moved or "
        "recovered: what you have of it may no longer hold. Start it again without `after`."
    )


class ChangeEventSerializer(serializers.Serializer):
    """Documentation of an event: a public object was created or changed, or left."""

    cursor = serializers.CharField(help_text="Pass as ?after= to continue after this event.")
    type = serializers.CharField(help_text="institute, testbed, service, contact, …")
    uuid = serializers.UUIDField()
    action = serializers.ChoiceField(
        choices=["upsert", "delete"],
        help_text="upsert: store `data` under (type, uuid); delete: remove it. Both are what "
        "holds when the page is read.",
    )
    changed_at = serializers.DateTimeField()
    data = serializers.DictField(
        allow_null=True,
        help_text="For an upsert, exactly what an anonymous GET /api/v1/<type>s/<uuid>/ "
        "returns now; null for a delete.",
    )


class ChangePageSerializer(serializers.Serializer):
    results = ChangeEventSerializer(many=True)
    next = serializers.CharField(
        help_text="The cursor to poll from next: the last event's, or the one you gave."
    )
    has_more = serializers.BooleanField(help_text="True when more events wait: poll again now.")
    held_back = serializers.BooleanField(
        help_text="True when events already committed after this page wait for a transaction "
        "still open on the portal (an import, say) to end: nothing is skipped, they come once it "
        "ends. Poll again later, as usual."
    )
    held_back_since = serializers.DateTimeField(
        allow_null=True, help_text="Since when the oldest such transaction has been open."
    )


def _types(request) -> list:
    """The registrations named by ?types=a,b (all of them without it)."""
    raw = request.query_params.get("types", "")
    if not raw.strip():
        return registry.registrations()
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if registry.get(name) is None]
    if unknown:
        known = ", ".join(r.type_key for r in registry.registrations())
        raise ValidationError({"types": [f"Unknown type(s): {', '.join(unknown)}; use {known}."]})
    return [r for r in registry.registrations() if r.type_key in names]


class ChangesView(APIView):
    """The change feed of the public directory."""

    @extend_schema(
        summary="The change feed: what changed in the public directory, in order",
        operation_id="changes_list",
        description=(
            "Events after the cursor `after` (from the very beginning without it), oldest "
            "first. Store the page's `next` and poll again with `?after=<next>`; while "
            "`has_more` is true poll at once. An event is handed out only once every "
            "transaction that could write an earlier one has ended, so polling while the portal "
            "is being edited never skips an event. Unpublishing, retiring, an institute losing "
            "its verification and deletion all arrive as deletes. `action` and `data` say what "
            "holds when the page is read, so an object's earlier events, which say nothing its "
            "last one does not, are deleted nightly: a cursor stays valid. Start a new copy "
            "with /api/v1/snapshot/, which ends with the cursor to continue from. Public data "
            "only, the same for every caller."
        ),
        tags=["sync"],
        parameters=[
            OpenApiParameter(
                "after",
                OpenApiTypes.STR,
                description="A cursor from an earlier page (`next`, or an event's `cursor`) or "
                "from the snapshot's last line. Omit it to read from the beginning.",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": feed.MAX_LIMIT},
                description=f"Events per page, {feed.DEFAULT_LIMIT} by default.",
            ),
        ],
        responses={
            200: OpenApiResponse(
                ChangePageSerializer,
                description="A page of events.",
                examples=[
                    OpenApiExample(
                        "A page",
                        value={
                            "results": [
                                {
                                    "cursor": "Mi4zZjlhMWMwYjdkMmUuMTIzNDU2Ljc4OQ",
                                    "type": "testbed",
                                    "uuid": EXAMPLE_UUID,
                                    "action": "upsert",
                                    "changed_at": "2026-03-02T10:15:00Z",
                                    "data": {
                                        "uuid": EXAMPLE_UUID,
                                        "name": "Cryogenic microwave lab",
                                    },
                                },
                                {
                                    "cursor": "Mi4zZjlhMWMwYjdkMmUuMTIzNDU3Ljc5MA",
                                    "type": "service",
                                    "uuid": "9b1e2f3a-4c5d-4e6f-8a7b-0c1d2e3f4a5b",
                                    "action": "delete",
                                    "changed_at": "2026-03-02T10:16:30Z",
                                    "data": None,
                                },
                            ],
                            "held_back": False,
                            "held_back_since": None,
                            "next": "Mi4zZjlhMWMwYjdkMmUuMTIzNDU3Ljc5MA",
                            "has_more": False,
                        },
                    )
                ],
            ),
            (400, "application/problem+json"): OpenApiResponse(
                PROBLEM, description="`after` is not a cursor of this feed, or `limit` is invalid."
            ),
            (410, "application/problem+json"): OpenApiResponse(
                PROBLEM,
                description="`after` is from before the database was restored or moved: "
                "take a new snapshot and continue from its cursor.",
            ),
        },
    )
    def get(self, request):
        raw_limit = request.query_params.get("limit")
        limit = feed.DEFAULT_LIMIT
        if raw_limit is not None:
            valid = raw_limit.isascii() and raw_limit.isdigit() and len(raw_limit) <= 5
            if not valid or not 1 <= int(raw_limit) <= feed.MAX_LIMIT:
                raise ValidationError(
                    {"limit": [f"A whole number from 1 to {feed.MAX_LIMIT}."]}, code="invalid"
                )
            limit = int(raw_limit)
        try:
            page = feed.read_page(request, cursor=request.query_params.get("after"), limit=limit)
        except feed.BadCursor:
            raise ValidationError(
                {"after": ["Not a cursor of this feed; start again without it."]},
                code="invalid_cursor",
            ) from None
        except feed.StaleCursor:
            raise CursorFromAnotherEpoch from None
        return Response(page)


def _snapshot_position(request, registrations) -> snapshot.Position | None:
    """Where ?after= continues the snapshot, checked before the first byte is sent."""
    raw = request.query_params.get("after")
    if raw is None:
        return None
    try:
        position = snapshot.decode_position(raw, epoch=feed.current_epoch())
    except feed.BadCursor:
        position = None
    except feed.StaleCursor:
        raise SnapshotFromAnotherEpoch from None
    if position is None or position.type_key not in {r.type_key for r in registrations}:
        raise ValidationError(
            {"after": ["Not a key of this snapshot with these types; start again without it."]},
            code="invalid_cursor",
        )
    return position


class IgnoreAccept(BaseContentNegotiation):
    """The snapshot is NDJSON whatever the client accepts; its errors are problem details."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


class SnapshotView(APIView):
    """Every public record at one moment, and where the change feed continues."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = IgnoreAccept

    @extend_schema(
        summary="Snapshot: every public record, streamed as NDJSON, then the feed's cursor",
        operation_id="snapshot_retrieve",
        description=(
            'One JSON object per line, `{"type": …, "uuid": …, "data": …, "after": …}` for every '
            "public record (`data` as the anonymous detail endpoint returns it), by type then a "
            "stable order, all read from one consistent database snapshot; the last line is "
            '`{"cursor": …}`. Continue with /api/v1/changes/?after=<cursor>: the snapshot plus '
            "the feed from that cursor is an exact copy. Streamed in bounded memory, so it suits "
            "any size.\n\n"
            "**Resuming.** A record's `after` continues the snapshot just past that record: a "
            "client that loses the connection asks again with `?after=<the last stored line's "
            "after>` (and the same `types`), and gets the rest, then the same closing cursor "
            "as in one go; nothing is lost or repeated. A response also ends, after "
            f'{settings.SNAPSHOT_RESPONSE_SECONDS} s, with a line `{{"after": …}}` instead of '
            "the cursor: ask again with that `after`. Parts read later are newer than the "
            "first; the feed from the closing cursor brings every change since the first part."
        ),
        tags=["sync"],
        parameters=[
            OpenApiParameter(
                "types",
                OpenApiTypes.STR,
                description="Comma-separated types to include (all by default), e.g. "
                "`testbed,service`.",
            ),
            OpenApiParameter(
                "after",
                OpenApiTypes.STR,
                description="Continue a snapshot: the `after` of the last line received (a "
                "record's, or the line that ended a response). Omit it to start one.",
            ),
        ],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                {"type": "string"},
                description="NDJSON: a line per record, then the cursor line (or the line "
                "saying where to continue).",
                examples=[
                    OpenApiExample(
                        "Two records and the cursor",
                        value=(
                            f'{{"type":"institute","uuid":"{EXAMPLE_UUID}","data":{{…}},'
                            '"after":"czEuM2Y5YTFjMGI3ZDJlLjEyMzQ1MC5pbnN0aXR1dGUuNw"}\n'
                            '{"type":"testbed","uuid":"9b1e2f3a-4c5d-4e6f-8a7b-0c1d2e3f4a5b",'
                            '"data":{…},"after":"czEuM2Y5YTFjMGI3ZDJlLjEyMzQ1MC50ZXN0YmVkLjQy"}\n'
                            '{"cursor":"Mi4zZjlhMWMwYjdkMmUuMTIzNDUwLjA"}\n'
                        ),
                    ),
                    OpenApiExample(
                        "A response that ends before the snapshot does",
                        value=(
                            '{"type":"service","uuid":"9b1e2f3a-4c5d-4e6f-8a7b-0c1d2e3f4a5b",'
                            '"data":{…},"after":"czEuM2Y5YTFjMGI3ZDJlLjEyMzQ1MC5zZXJ2aWNlLjUwMA"}\n'
                            '{"after":"czEuM2Y5YTFjMGI3ZDJlLjEyMzQ1MC5zZXJ2aWNlLjUwMA"}\n'
                        ),
                    ),
                ],
            ),
            (400, "application/problem+json"): OpenApiResponse(
                PROBLEM,
                description="`types` names a type the feed does not have, or `after` is not a "
                "key of this snapshot (or names a type `types` leaves out).",
            ),
            (410, "application/problem+json"): OpenApiResponse(
                PROBLEM,
                description="`after` is from before the database was restored or moved: "
                "start the snapshot again without it.",
            ),
        },
    )
    def get(self, request):
        registrations = _types(request)
        after = _snapshot_position(request, registrations)
        response = StreamingHttpResponse(
            snapshot.snapshot_lines(request, registrations, after=after),
            content_type="application/x-ndjson",
        )
        response["Cache-Control"] = "no-store"
        return response
