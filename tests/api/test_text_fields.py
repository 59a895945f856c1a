"""Every text field of every API serializer counts ``max_length`` on the string as sent, as the
schema's ``maxLength`` does; DRF's own fields count it after trimming whitespace."""

from importlib import import_module

from django.conf import settings
from rest_framework import fields as drf_fields
from rest_framework import serializers as drf

from nmiq_portal.api import serializers


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _project_serializers():
    import_module(settings.ROOT_URLCONF)  # imports every app's API modules
    return {
        cls
        for cls in _subclasses(drf.Serializer)
        if (
            cls.__module__.split(".")[0] in {"capabilities", "collaborations", "outputs"}
            or cls.__module__.startswith("nmiq_portal.")
        )
        # a model serializer without Meta is a base for others, not one to build
        and (hasattr(cls, "Meta") or not issubclass(cls, drf.ModelSerializer))
    }


def _walk(field, path, reached):
    """(path, field) of every leaf field, noting each serializer class met on the way."""
    if isinstance(field, drf.ListSerializer | drf_fields.ListField | drf_fields.DictField):
        yield from _walk(field.child, path + "[]", reached)
    elif isinstance(field, drf.BaseSerializer):
        reached.add(type(field))
        for name, child in field.fields.items():
            yield from _walk(child, f"{path}.{name}", reached)
    else:
        yield path, field


def test_no_text_field_trims_before_it_counts():
    classes = _project_serializers()
    assert {"TestbedWriteSerializer", "TermWriteSerializer", "ProjectWriteSerializer"} <= {
        cls.__name__ for cls in classes
    }
    reached, unbuilt, trimming = set(), set(), []
    for cls in sorted(classes, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}"):
        try:
            serializer = cls()
        except TypeError:  # needs its parent's arguments: checked where its parent builds it
            unbuilt.add(cls)
            continue
        trimming += [
            path
            for path, field in _walk(serializer, cls.__name__, reached)
            if isinstance(field, drf.CharField)
            and not field.read_only
            and field.max_length is not None
            and not isinstance(field, serializers.SentLengthMixin)
        ]
    assert trimming == []
    assert unbuilt <= reached
