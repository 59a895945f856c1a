"""Forms render with Bootstrap 5 markup, from templates/forms/; services' refusals and stale
edits reach them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.shortcuts import redirect
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


def stale_form(request, form_class, stale: StaleEdit, *, bound_as="instance", **kwargs):
    """The editor's input again, bound to the stored copy and carrying its version: saving it
    once more is a deliberate choice to overwrite what changed in between. ``bound_as`` names
    the keyword by which the form takes its stored copy."""
    data = request.POST.copy()
    data["version"] = str(stale.current.version)
    form = form_class(data, **{bound_as: stale.current}, **kwargs)
    form.is_valid()
    return form


def save_page(request, form, *, save, saved, page, bound_as="instance", **form_kwargs):
    """The shape every create and edit page shares, around one service call.

    A valid POST runs ``save(form)``. A refusal by the service becomes the form's errors; an
    edit from a stale copy answers 409 through ``page(form, current=…, conflict=…,
    status=409)``, with the editor's input over the stored copy (``stale_form``, given
    ``bound_as`` and ``form_kwargs``) and what changed; what was saved goes to
    ``saved(obj)``, which answers (a redirect with its message). Otherwise ``page(form)``
    draws the page as it is."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleEdit as stale:
            again = stale_form(request, type(form), stale, bound_as=bound_as, **form_kwargs)
            return page(again, current=stale.current, conflict=conflict_rows(stale), status=409)
        else:
            return saved(obj)
    return page(form)


def saved_redirect(request, message: str, url: str):
    """For ``save_page``'s ``saved``: the message to show, and the page to show it on."""
    messages.success(request, message)
    return redirect(url)
