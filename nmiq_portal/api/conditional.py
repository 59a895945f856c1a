"""Conditional requests: strong ETags on detail responses, 304 for a copy the client still has,
and no lost update: a write must name the copy it was made from (If-Match, or ``version``)."""

import hashlib
import json

from django.core.exceptions import ObjectDoesNotExist
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from nmiq_portal.core.exceptions import StaleEdit
from nmiq_portal.core.permissions import require


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since your copy; fetch it again and redo your change."
    default_code = "precondition_failed"

    def __init__(self, detail=None, *, current_version: int | None = None):
        super().__init__(detail)
        self.current_version = current_version


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send If-Match with the ETag of the copy you changed."
    default_code = "precondition_required"


def etag_of(data) -> str:
    """A strong ETag: the hash of the representation, independent of how it is rendered."""
    text = json.dumps(data, cls=JSONEncoder, sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def _matches(header: str, etag: str, *, weak: bool) -> bool:
    """Whether an If-Match (strong comparison) or If-None-Match (weak) header names ``etag``."""
    tags = parse_etags(header)
    if "*" in tags:
        return True
    if weak:
        tags = [tag.removeprefix("W/") for tag in tags]
    return etag in tags


#: The headers and responses of conditional operations (see read_schema and write_schema).
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Strong validator of this representation: send it back in If-None-Match or "
    "If-Match.",
    response=[200, 201, 304],
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="ETags of copies you hold (or *): 304 Not Modified when one is current.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of the copy you changed: 412 when it is no longer current. Without it, "
    "send the version you edited in the body.",
)
IF_MATCH_REQUIRED = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the copy you delete: 412 when it is no longer current.",
)


PROBLEM_JSON = "application/problem+json"


def problem_response(code: int, description: str) -> dict:
    """A response of problem details, for extend_schema(responses=…)."""
    return {
        (code, PROBLEM_JSON): OpenApiResponse(
            response={"$ref": "#/components/schemas/Problem"}, description=description
        )
    }


def read_schema(serializer) -> dict:
    """extend_schema() arguments of a conditional GET of one resource."""
    return {
        "parameters": [IF_NONE_MATCH, ETAG_HEADER],
        "responses": {
            200: serializer,
            304: OpenApiResponse(description="Your copy (If-None-Match) is current; no body."),
        },
    }


def write_schema(*, request, response, created=False, deleting=False) -> dict:
    """extend_schema() arguments of a write: the ETag it answers with, the preconditions it
    takes and the 412/428 problems they lead to."""
    stale = problem_response(412, "Your copy is stale (If-Match or version): nothing was changed.")
    if created:
        return {"request": request, "parameters": [ETAG_HEADER], "responses": {201: response}}
    if deleting:
        return {
            "parameters": [IF_MATCH_REQUIRED],
            "responses": {
                204: OpenApiResponse(description="Deleted."),
                **stale,
                **problem_response(
                    428, "If-Match is missing: send the ETag of the copy you delete."
                ),
            },
        }
    return {
        "request": request,
        "parameters": [IF_MATCH, ETAG_HEADER],
        "responses": {
            200: response,
            **stale,
            **problem_response(428, "Neither If-Match nor version: say which copy you changed."),
        },
    }


class ConditionalMixin:
    """For viewsets: ETag on every detail response, If-None-Match → 304, and the checks
    that keep one client's write from silently undoing another's.

    A PATCH needs If-Match or the ``version`` it edited in its body; a DELETE needs If-Match.
    A stale copy answers 412, a missing one 428, and nothing is changed. The service checks the
    version again under a row lock, so a write committed between the check and the service
    (StaleEdit) is a 412 too.
    """

    def etag(self, instance) -> str:
        return etag_of(self.get_serializer(instance).data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        etag = etag_of(data)
        header = request.headers.get("If-None-Match")
        if header and _matches(header, etag, weak=True):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    def respond(self, instance, *, status_code=status.HTTP_200_OK, headers=None) -> Response:
        """The caller's representation of ``instance`` after a write, with its ETag."""
        data = self.get_serializer(instance).data
        return Response(
            data, status=status_code, headers={"ETag": etag_of(data), **(headers or {})}
        )

    def if_match_version(self, request, instance, *, required: bool) -> int | None:
        """The current version when If-Match names the current representation (or is *);
        None without the header, unless it is ``required`` (428)."""
        header = request.headers.get("If-Match")
        if not header:
            if required:
                raise PreconditionRequired()
            return None
        if not _matches(header, self.etag(instance), weak=False):
            raise PreconditionFailed(current_version=instance.version)
        return instance.version

    def edit_version(self, instance, matched: int | None, body_version: int | None) -> int:
        """The version an edit starts from: the one If-Match matched, or the body's
        ``version``; both given, they must agree; neither, 428."""
        if matched is None and body_version is None:
            raise PreconditionRequired(
                "Send If-Match with the ETag of the copy you changed, or the version you "
                "edited in the body."
            )
        if matched is not None and body_version is not None and body_version != matched:
            raise PreconditionFailed(current_version=instance.version)
        return matched if matched is not None else body_version

    def handle_exception(self, exc):
        if isinstance(exc, StaleEdit):
            exc = PreconditionFailed(current_version=exc.current.version)
        elif isinstance(exc, ObjectDoesNotExist):
            exc = exceptions.NotFound()  # deleted by a request that committed in between
        response = super().handle_exception(exc)
        if isinstance(exc, PreconditionFailed) and exc.current_version is not None:
            response.data["current_version"] = exc.current_version
        return response


class WriteMixin(ConditionalMixin):
    """The steps every write endpoint takes, around one service call: the input serializer
    (``write_serializer_class``), the permission and the copy an edit was made on, and the
    caller's representation afterwards, as a GET shows it."""

    write_serializer_class = None

    def write_serializer(self, *args, **kwargs):
        return self.write_serializer_class(*args, context=self.get_serializer_context(), **kwargs)

    def reread(self, obj):
        """``obj`` as a GET shows it to the caller (annotations and visible relations)."""
        return self.get_queryset().get(pk=obj.pk)

    def edit(self, request, obj, perm: str):
        """Permission, then If-Match, then the input: (validated serializer, version to pass to
        the service)."""
        require(request.user, perm, obj)
        matched = self.if_match_version(request, obj, required=False)
        serializer = self.write_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        version = self.edit_version(obj, matched, serializer.validated_data.get("version"))
        return serializer, version
