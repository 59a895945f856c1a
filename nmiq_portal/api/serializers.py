"""DRF's serializers module, with text fields whose ``max_length`` counts what was sent.

Apps import ``from nmiq_portal.api import serializers`` in place of DRF's. DRF trims whitespace
before it checks ``max_length``, and Python's whitespace includes control characters such as
U+001C, so 4,001 of them passed a field the schema documents as ``maxLength: 4000``. Here the
length is checked first, on the string as sent, and the rest is DRF's own.
"""

from django.db import models
from rest_framework import serializers as drf
from rest_framework.fields import empty
from rest_framework.serializers import *  # noqa: F403  (this module stands in for DRF's)


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


TEXT_FIELDS = {
    models.CharField: CharField,
    models.TextField: CharField,
    models.EmailField: EmailField,
    models.SlugField: SlugField,
    models.URLField: URLField,
}


class ModelSerializer(drf.ModelSerializer):
    serializer_field_mapping = {**drf.ModelSerializer.serializer_field_mapping, **TEXT_FIELDS}


class HyperlinkedModelSerializer(drf.HyperlinkedModelSerializer):
    serializer_field_mapping = {
        **drf.HyperlinkedModelSerializer.serializer_field_mapping,
        **TEXT_FIELDS,
    }
