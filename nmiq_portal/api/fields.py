"""``?fields=a,b``: a client reading a list or a record asks for fewer of its fields."""

from rest_framework.exceptions import ValidationError
from rest_framework.serializers import ListSerializer

FIELDS_PARAM = "fields"


def requested_fields(request) -> list[str] | None:
    """The field names asked for (``a,b`` or ``fields=a&fields=b``), or None for all; an empty
    ``fields=`` asks for nothing, which is refused."""
    if FIELDS_PARAM not in request.query_params:
        return None
    names = [
        name.strip()
        for value in request.query_params.getlist(FIELDS_PARAM)
        for name in value.split(",")
        if name.strip()
    ]
    if not names:
        raise ValidationError({FIELDS_PARAM: ["Name at least one field."]}, code="required")
    return names


def select_fields(serializer, names: list[str]) -> None:
    """Keep only ``names`` of the serializer's (or its list's child's) fields."""
    target = serializer.child if isinstance(serializer, ListSerializer) else serializer
    available = list(target.fields)
    unknown = [name for name in dict.fromkeys(names) if name not in available]
    if unknown:
        raise ValidationError(
            {
                FIELDS_PARAM: [
                    f"Unknown field “{name}”; choose from: {', '.join(available)}."
                    for name in unknown
                ]
            },
            code="invalid_choice",
        )
    for name in available:
        if name not in names:
            target.fields.pop(name)


class FieldsMixin:
    """For viewsets: reads (GET, HEAD) answer only the fields named by ``?fields=``. Writes
    always answer the whole record, so that a client holds what it changed."""

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        request = getattr(self, "request", None)
        if request is not None and request.method in ("GET", "HEAD"):
            names = requested_fields(request)
            if names is not None:
                select_fields(serializer, names)
        return serializer
