"""DRF's serializers module, with text and number fields that read input as the forms do.

Apps import ``from nmiq_portal.api import serializers`` in place of DRF's; model serializers
get the same fields for their model's fields.

- Text: DRF trims whitespace before it checks ``max_length``, and Python's whitespace includes
  control characters such as U+001C, so 4,001 of them passed a field the schema documents as
  ``maxLength: 4000``. Here the length is checked first, on the string as sent.
- Numbers sent as text may carry the typographic minus (U+2212 and its small and full-width
  forms) and a decimal comma (``nmiq_portal.core.numbers``).
- A hyperlink to an object by its UUID or slug is reversed once per request and field, then
  filled in.

``tests/api/test_text_fields.py`` and ``tests/core/test_numbers.py`` walk every serializer.
"""

import re
from uuid import UUID

from rest_framework import serializers as drf
from rest_framework.fields import empty
from rest_framework.serializers import *  # noqa: F403  (this module stands in for DRF's)

from nmiq_portal.core.numbers import plain_number, plain_sign


class SentLengthMixin:
    def run_validation(self, data=empty):
        if self.max_length is not None and isinstance(data, str) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class CharField(SentLengthMixin, drf.CharField):
    pass


class EmailField(SentLengthMixin, drf.EmailField):
    pass


class SlugField(SentLengthMixin, drf.SlugField):
    pass


class URLField(SentLengthMixin, drf.URLField):
    pass


class FloatField(drf.FloatField):
    def to_internal_value(self, data):
        return super().to_internal_value(plain_number(data) if isinstance(data, str) else data)


class DecimalField(drf.DecimalField):
    def to_internal_value(self, data):
        return super().to_internal_value(plain_number(data) if isinstance(data, str) else data)


class IntegerField(drf.IntegerField):
    def to_internal_value(self, data):
        return super().to_internal_value(plain_sign(data) if isinstance(data, str) else data)


class HyperlinkedIdentityField(drf.HyperlinkedIdentityField):
    """DRF's, reversing the view once per request: each further object's URL is that one with
    its UUID or slug in place of a stand-in. ``reverse()`` and ``build_absolute_uri()`` took
    40 µs a call, three per record of a list (its own link, its page's and its institute's):
    6 ms of a 50-testbed page. Other lookups, and URLs with a format suffix, are reversed as DRF
    does."""

    STAND_IN = "00000000-0000-0000-0000-000000000000"
    #: What a slug is: nothing in it is quoted in a URL, so it stands where the stand-in stood.
    SLUG = re.compile(r"[-a-zA-Z0-9_]+")

    def get_url(self, obj, view_name, request, format):
        value = getattr(obj, self.lookup_field, None)
        plain = isinstance(value, UUID) or (isinstance(value, str) and self.SLUG.fullmatch(value))
        if not plain or format:
            return super().get_url(obj, view_name, request, format)
        reversed_for = getattr(self, "_reversed", None)
        if reversed_for is None or reversed_for[0] is not request or reversed_for[1] != view_name:
            url = self.reverse(
                view_name, kwargs={self.lookup_url_kwarg: self.STAND_IN}, request=request
            )
            self._reversed = reversed_for = (request, view_name, url)
        return reversed_for[2].replace(self.STAND_IN, str(value))


#: DRF's fields of a model's fields, replaced by ours.
OURS = {
    drf.CharField: CharField,
    drf.EmailField: EmailField,
    drf.SlugField: SlugField,
    drf.URLField: URLField,
    drf.FloatField: FloatField,
    drf.DecimalField: DecimalField,
    drf.IntegerField: IntegerField,
}


def _mapping(base):
    return {model: OURS.get(field, field) for model, field in base.serializer_field_mapping.items()}


class ModelSerializer(drf.ModelSerializer):
    serializer_field_mapping = _mapping(drf.ModelSerializer)


class HyperlinkedModelSerializer(drf.HyperlinkedModelSerializer):
    serializer_field_mapping = _mapping(drf.HyperlinkedModelSerializer)
    serializer_url_field = HyperlinkedIdentityField
