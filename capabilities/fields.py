"""Form fields of quantities typed with their units ("20 mK"), for the edit forms and the
directory's filters alike."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .units import parse_quantity, quantities_in_text, scaled

QUANTITY_EXAMPLES = {
    "temperature": _("e.g. 20 mK, 4.2 K or -270 °C"),
    "frequency": _("e.g. 2 GHz or 193.4 THz"),
    "wavelength": _("e.g. 1550 nm or 1.55 µm"),
}


def format_quantity(value: float, dimension: str) -> str:
    """A stored value (K, Hz, nm) as a form shows it back, parseable again: 0.02 K is "20 mK"."""
    number, symbol = scaled(value, dimension)
    return f"{number:.12g} {symbol}"


class QuantityField(forms.CharField):
    """A value typed with its unit ("20 mK"), cleaned to the stored unit of ``dimension``."""

    def __init__(self, *, dimension: str, **kwargs):
        self.dimension = dimension
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", QUANTITY_EXAMPLES[dimension])
        super().__init__(**kwargs)

    def to_python(self, value):
        return parse_quantity(super().to_python(value), self.dimension)

    def prepare_value(self, value):
        if isinstance(value, int | float):
            return format_quantity(value, self.dimension)
        return value


class SearchTextField(forms.CharField):
    """A search box's text, refused when a quantity it names cannot be read ("1e999 K"), so
    the overflow is the field's error and not the search's failure."""

    def validate(self, value):
        super().validate(value)
        quantities_in_text(value or "")
