"""Forms render with Bootstrap 5 markup, from templates/forms/; services' refusals reach them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


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
