"""Numbers as people type them: the typographic minus (U+2212, as the SI Brochure prints it, and
its small and full-width forms) and a decimal comma, read by every number field of every form.

Every app's ModelForm extends ``ModelForm`` (its model's numbers become the fields below) and
declares its own numbers with ``FloatField``, ``DecimalField`` and ``IntegerField`` from here;
``tests/core/test_numbers.py`` walks every form to hold that."""

from django import forms
from django.db import models
from django.forms.models import ModelFormMetaclass

#: Signs people type for "minus" besides the hyphen. The en dash (U+2013) is a range
#: ("1-300 K"), never a sign.
MINUS_SIGNS = "\u2212\ufe63\uff0d"

_AS_HYPHEN = str.maketrans(dict.fromkeys(MINUS_SIGNS, "-"))


def plain_sign(text: str) -> str:
    """``text`` with a typographic minus as a hyphen: U+2212 then "4" is "-4"."""
    return text.translate(_AS_HYPHEN)


def plain_number(text: str) -> str:
    """``text`` with a typographic minus as a hyphen and a decimal comma as a point, as
    ``float()`` reads numbers: U+2212 then "4,5" is "-4.5"."""
    return plain_sign(text).replace(",", ".")


class _TypedNumber:
    """A number field whose text input takes any minus; a text box, as the GOV.UK pattern
    asks, since a browser's number box refuses the typographic minus before the form sees it."""

    plain = staticmethod(plain_number)
    inputmode = "decimal"

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": self.inputmode}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = self.plain(value.strip())
        return super().to_python(value)


class FloatField(_TypedNumber, forms.FloatField):
    pass


class DecimalField(_TypedNumber, forms.DecimalField):
    pass


class IntegerField(_TypedNumber, forms.IntegerField):
    # A comma in a whole number is refused, not read as a decimal point.
    plain = staticmethod(plain_sign)
    inputmode = "numeric"


#: The field each model number gets on a form (the most specific model class first).
_FORM_FIELDS = (
    (models.DecimalField, DecimalField),
    (models.FloatField, FloatField),
    (models.IntegerField, IntegerField),
)


def number_formfield(db_field, **kwargs):
    """``Meta.formfield_callback`` of every ModelForm: the model's numbers read any minus."""
    for model_class, form_class in _FORM_FIELDS:
        if isinstance(db_field, model_class) and not db_field.choices:
            kwargs.setdefault("form_class", form_class)
            break
    return db_field.formfield(**kwargs)


class _NumbersMetaclass(ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(number_formfield)
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.ModelForm, metaclass=_NumbersMetaclass):
    """The ModelForm of every app: its model's numbers read the typographic minus."""
