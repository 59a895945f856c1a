"""Forms render with Bootstrap 5 markup, from templates/forms/; services' refusals and stale
edits reach them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .exceptions import StaleEdit


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when it names one, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def message_service_errors(request, error: ValidationError) -> None:
    """Show a service's refusal of a form-less POST (a button) as messages on the next page."""
    for message in error.messages:
        messages.error(request, message)


def _shown(value) -> str:
    """A stored value as a conflict message shows it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "; ".join(
            " ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
            for item in value
        )
    return str(value)


def conflict_rows(stale: StaleEdit) -> list[tuple[str, str, str]]:
    """(field, value then, value now) of a refused stale edit, for _stale_edit.html."""
    return [(capfirst(field), _shown(then), _shown(now)) for field, then, now in stale.changes]


def stale_form(request, form_class, stale: StaleEdit, **kwargs):
    """The editor's input again, bound to the stored copy and carrying its version: saving it
    once more is a deliberate choice to overwrite what changed in between."""
    data = request.POST.copy()
    data["version"] = str(stale.current.version)
    form = form_class(data, instance=stale.current, **kwargs)
    form.is_valid()
    return form
