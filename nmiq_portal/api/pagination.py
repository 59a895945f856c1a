"""Pagination of every list: page numbers by default, keyset cursors for large lists on request."""

import base64
import binascii
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page, Paginator
from django.db.models import OrderBy, Q
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

PAGE, CURSOR = "page", "cursor"


class CountedPaginator(Paginator):
    """Django's paginator with a count that stops at ``COUNT_CAP``: a search matching a third
    of 100,000 services is not counted row by row (that cost as much as the page itself).
    Beyond the cap ``count`` is the cap plus one, "more than", and ``count_exact`` False."""

    COUNT_CAP = 1000

    @property
    def count(self):
        if not hasattr(self, "_count"):
            counted = self.object_list
            if hasattr(counted, "query"):
                counted = counted.order_by().values("pk")[: self.COUNT_CAP + 1]
                self._count = counted.count()
            else:
                self._count = len(counted)
        return self._count

    @property
    def count_exact(self) -> bool:
        return self.count <= self.COUNT_CAP

    def validate_number(self, number):
        """Beyond the cap the last page is not known: any page from 1 may be asked for (and
        is empty past the end)."""
        if self.count_exact:
            return super().validate_number(number)
        number = super().validate_number(1) if number in (None, "") else number
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)
        return super().validate_number(1) if number < 1 else number

    def page(self, number):
        if self.count_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list
        if hasattr(rows, "query"):
            rows = _unranked(rows)
            # The order is found over the keys alone, then only the page's rows are read: a
            # search ranking 30,000 services sorted their whole rows, 2 kB each, for 50.
            keys = list(rows.values_list("pk", flat=True)[bottom : bottom + self.per_page + 1])
            found = {row.pk: row for row in rows.filter(pk__in=keys[: self.per_page])}
            rows = [found[key] for key in keys if key in found] + keys[self.per_page :]
        else:
            rows = list(rows[bottom : bottom + self.per_page + 1])
        return _OpenPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


def _unranked(rows):
    """``rows`` in their list's own order rather than by relevance, when relevance comes first.
    Beyond the cap, ranking every match means reading and scoring every one (a word common to
    a third of 100,000 services), while the list's order (by name) is read from its index and
    stops at the page; so many matches of so few words rank by little anyway."""
    first, *rest = rows.query.order_by or (None,)
    ranked = isinstance(first, OrderBy) and getattr(first.expression, "name", None) == "rank"
    return rows.order_by(*rest) if ranked and rest else rows


class _OpenPage(Page):
    """A page of a list counted only up to the cap: whether another follows is read with it."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class Pagination(pagination.PageNumberPagination):
    """``?page=`` (the default) or, from ``?pagination=cursor`` on, ``?cursor=``: keyset pages
    that cost the same however deep the client reads, and that neither skip nor repeat a record
    when others are inserted or deleted meanwhile. Cursor pages give no ``count``."""

    django_paginator_class = CountedPaginator
    page_size_query_param = "page_size"
    max_page_size = 200
    mode_query_param = "pagination"
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.mode = self._mode(request)
        if self.mode == PAGE:
            return super().paginate_queryset(queryset, request, view)
        self.keyset = Keyset(queryset)
        page_size = self.get_page_size(request)
        token = request.query_params.get(self.cursor_query_param)
        position, backwards = self.keyset.decode(token) if token else (None, False)
        rows = self.keyset.page(position, backwards=backwards, size=page_size)
        more = len(rows) > page_size
        rows = rows[:page_size]
        if backwards:
            rows.reverse()
        # Going forwards from a cursor there is something before it, and back again after it.
        self.has_next = more if not backwards else True
        self.has_previous = more if backwards else position is not None
        self.first_position = self.keyset.position(rows[0]) if rows else position
        self.last_position = self.keyset.position(rows[-1]) if rows else position
        return rows

    def get_page_number(self, request, paginator):
        """The page asked for; DRF reads an empty ``page=`` as page 1, here it is an invalid page
        like any other that is not a number."""
        number = request.query_params.get(self.page_query_param, 1)
        return paginator.num_pages if number in self.last_page_strings else number

    def get_page_size(self, request):
        """``page_size`` is a whole number from 1 (more than the maximum gives the maximum);
        anything else is refused rather than silently replaced by the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ValidationError(
                {self.page_size_query_param: ["A whole number from 1."]}, code="invalid"
            )
        return min(int(raw), self.max_page_size)

    def _mode(self, request) -> str:
        params = request.query_params
        # Named but empty is a mistake to report, not a request for the default.
        mode = params.get(self.mode_query_param, CURSOR if CURSOR in params else PAGE)
        if mode not in (PAGE, CURSOR):
            raise ValidationError(
                {self.mode_query_param: [f"Choose one of: {PAGE}, {CURSOR}."]},
                code="invalid_choice",
            )
        if mode == PAGE and params.get(self.cursor_query_param):
            raise ValidationError(
                {self.cursor_query_param: ["A cursor needs cursor pagination."]}, code="invalid"
            )
        if mode == CURSOR and self.page_query_param in params:
            raise ValidationError(
                {self.page_query_param: ["Page numbers and cursors do not mix."]}, code="invalid"
            )
        return mode

    def get_next_link(self):
        if self.mode == PAGE:
            return super().get_next_link()
        if not self.has_next or self.last_position is None:
            return None
        return self._cursor_link(self.keyset.encode(self.last_position, backwards=False))

    def get_previous_link(self):
        if self.mode == PAGE:
            return super().get_previous_link()
        if not self.has_previous or self.first_position is None:
            return None
        return self._cursor_link(self.keyset.encode(self.first_position, backwards=True))

    def _cursor_link(self, token: str) -> str:
        url = remove_query_param(self.request.build_absolute_uri(), self.mode_query_param)
        return replace_query_param(url, self.cursor_query_param, token)

    def get_paginated_response(self, data):
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        body = {"count": self.page.paginator.count} if self.mode == PAGE else {}
        body |= {"next": next_link, "previous": previous_link, "results": data}
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", next_link), ("prev", previous_link))
            if url
        ]
        headers = {"Link": ", ".join(links)} if links else None
        return Response(body, headers=headers)

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "anyOf": [
                {
                    "title": "Page",
                    "description": "A page by number (the default).",
                    "type": "object",
                    "required": ["count", "next", "previous", "results"],
                    "properties": {
                        "count": {
                            "type": "integer",
                            "example": 123,
                            "description": "How many there are, counted up to "
                            f"{CountedPaginator.COUNT_CAP + 1}: that number means more than "
                            f"{CountedPaginator.COUNT_CAP} (counting stops there).",
                        },
                        "next": {**link, "example": "https://portal.example/api/v1/…/?page=3"},
                        "previous": {**link, "example": "https://portal.example/api/v1/…/?page=1"},
                        "results": schema,
                    },
                },
                {
                    "title": "CursorPage",
                    "description": "A page by cursor (`pagination=cursor`, then `cursor`); "
                    "no count, which would cost as much as reading the whole list.",
                    "type": "object",
                    "required": ["next", "previous", "results"],
                    "properties": {
                        "next": {**link, "example": "https://portal.example/api/v1/…/?cursor=eyJ…"},
                        "previous": link,
                        "results": schema,
                    },
                },
            ]
        }

    def get_schema_operation_parameters(self, view):
        page, page_size = super().get_schema_operation_parameters(view)
        return [
            {**page, "description": "A page number.", "schema": {"type": "integer", "minimum": 1}},
            {
                **page_size,
                "description": f"Results a page, from 1 (default {self.page_size}); more "
                f"than {self.max_page_size} gives {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.mode_query_param,
                "required": False,
                "in": "query",
                "description": "page (the default: numbered pages with a count) or cursor: "
                "pages of a list of any size in constant time, stable while records are added; "
                "follow `next`. Not with relevance order (a search with the default sort): "
                "choose another `sort`.",
                "schema": {"type": "string", "enum": [PAGE, CURSOR]},
            },
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "An opaque cursor from `next` or `previous` of a cursor page.",
                "schema": {"type": "string"},
            },
        ]


class Keyset:
    """The position of a row in the queryset's ordering, as the values of its sort keys."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.model = queryset.model
        self.keys = self._keys(queryset)
        # A cursor is only valid for the ordering it was made in.
        signature = ",".join(f"{'-' if desc else ''}{field.name}" for field, desc in self.keys)
        self.signature = hashlib.sha256(signature.encode()).hexdigest()[:8]

    def _keys(self, queryset) -> list:
        ordering = list(queryset.query.order_by or self.model._meta.ordering)
        keys, unique = [], False
        for item in ordering:
            if not isinstance(item, str) or "__" in item or item.lstrip("-") == "?":
                raise ValidationError(
                    {
                        Pagination.mode_query_param: [
                            "Cursor pagination needs a fixed order, which relevance is not: "
                            "choose another sort, or page numbers."
                        ]
                    },
                    code="invalid",
                )
            name = item.lstrip("-")
            field = self.model._meta.pk if name == "pk" else self.model._meta.get_field(name)
            if field.null:
                raise ImproperlyConfigured(f"Cursor pages cannot sort by the nullable {item}.")
            keys.append((field, item.startswith("-")))
            unique = unique or field.primary_key or field.unique
        if not unique:
            keys.append((self.model._meta.pk, False))
        return keys

    def position(self, row) -> tuple:
        return tuple(getattr(row, field.attname) for field, _ in self.keys)

    def page(self, position, *, backwards: bool, size: int) -> list:
        ordering = [
            f"{'-' if desc != backwards else ''}{field.attname}" for field, desc in self.keys
        ]
        queryset = self.queryset.order_by(*ordering)
        if position is not None:
            queryset = queryset.filter(self.after(position, backwards=backwards))
        return list(queryset[: size + 1])

    def after(self, position, *, backwards: bool) -> Q:
        """Rows after ``position`` in the (possibly reversed) order: (a, b) > (x, y) written
        as a >= x AND (a > x OR (a = x AND b > y)); the first term lets an index on the sort
        keys start at the cursor instead of scanning from the beginning."""
        lookups = [
            (field.attname, "lt" if desc != backwards else "gt", value)
            for (field, desc), value in zip(self.keys, position, strict=True)
        ]
        condition, equal = Q(), Q()
        for name, op, value in lookups:
            condition |= equal & Q(**{f"{name}__{op}": value})
            equal &= Q(**{name: value})
        first, op, value = lookups[0]
        return Q(**{f"{first}__{op}e": value}) & condition

    def encode(self, position, *, backwards: bool) -> str:
        payload = {"s": self.signature, "p": [_json_value(value) for value in position]}
        if backwards:
            payload["r"] = 1
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, token: str) -> tuple[tuple, bool]:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            payload = json.loads(raw)
            values = payload["p"]
            if payload["s"] != self.signature:
                raise ValidationError(
                    {CURSOR: ["This cursor belongs to another sort order."]}, code="invalid"
                )
            if not isinstance(values, list) or len(values) != len(self.keys):
                raise ValueError
            position = tuple(
                field.to_python(value) for (field, _), value in zip(self.keys, values, strict=True)
            )
            if not all(map(_plain, position)):
                raise ValueError
        except (
            binascii.Error,
            UnicodeDecodeError,
            ValueError,
            TypeError,
            KeyError,
            DjangoValidationError,
        ):
            raise ValidationError({CURSOR: ["This cursor is not valid."]}, code="invalid") from None
        return position, bool(payload.get("r"))


def _plain(value) -> bool:
    """A value PostgreSQL takes as it is: not null, no NUL character, no naive time."""
    if value is None or (isinstance(value, str) and "\x00" in value):
        return False
    return not (isinstance(value, datetime) and value.tzinfo is None)


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    return value
