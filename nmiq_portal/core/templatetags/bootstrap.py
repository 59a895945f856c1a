"""Render a form field's widget with Bootstrap classes and the ARIA links to help and errors."""

from django import forms, template

register = template.Library()

_CHECKS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


def widget_class(field) -> str:
    widget = field.field.widget
    if isinstance(widget, _CHECKS):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


@register.simple_tag
def bootstrap_widget(field):
    classes = [widget_class(field)]
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    attrs = {}
    if field.errors:
        classes.append("is-invalid")
        described_by.append(f"{field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    existing = field.field.widget.attrs.get("class", "")
    attrs["class"] = " ".join([existing, *classes]).strip()
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multiple_choice(field) -> bool:
    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
