"""The error summary of a page whose form refused a save (the GOV.UK pattern): every error of
the forms the view validated, each a link to its field, found in the page's context so that
base.html shows it for every form without a view or template asking. A page whose refused input
is not a Django form (the directory's filters) puts its (anchor, message) pairs in the context
as ``refused_input``."""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()


def _refused_forms(value):
    """The validated forms with errors in one context value: a form, a formset, or a list."""
    if isinstance(value, BaseFormSet):
        if value.is_bound and value._errors is not None:
            yield value
            for form in value.forms:
                yield from _refused_forms(form)
    elif isinstance(value, BaseForm):
        # Only forms the view validated: asking an unvalidated form for its errors would
        # validate it here, with the queries and the errors of a form nobody submitted.
        if value.is_bound and value._errors is not None and value._errors:
            yield value
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, BaseForm | BaseFormSet):
                yield from _refused_forms(item)


def _anchor(bound_field) -> str:
    """The id of the input a summary link moves to: the widget's own, else its first choice's."""
    if bound_field.id_for_label:
        return bound_field.id_for_label
    return f"{bound_field.auto_id}_0" if bound_field.auto_id else ""


def _errors_of(form) -> list[tuple[str, str]]:
    if isinstance(form, BaseFormSet):
        return [("", str(message)) for message in form.non_form_errors()]
    errors = [("", str(message)) for message in form.non_field_errors()]
    for name, messages in form.errors.items():
        if name not in form.fields:
            continue
        bound = form[name]
        anchor = "" if bound.is_hidden else _anchor(bound)
        for message in messages:
            errors.append(
                (
                    anchor,
                    _("%(field)s: %(message)s")
                    % {"field": capfirst(bound.label or name), "message": message},
                )
            )
    return errors


@register.simple_tag(takes_context=True)
def page_errors(context) -> list[tuple[str, str]]:
    """(id of the field or "", message) of every error of the forms this page shows refused."""
    seen: set[int] = set()
    errors: list[tuple[str, str]] = []
    for value in context.flatten().values():
        for form in _refused_forms(value):
            if id(form) in seen:
                continue
            seen.add(id(form))
            errors.extend(_errors_of(form))
    errors.extend(context.get("refused_input") or ())
    return errors
