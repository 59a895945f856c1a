"""A published output cited as evidence by a testbed or service of an institute that made it:
the form on the output's page, and its POST (the same service the record pages use)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from capabilities import selectors as directory
from capabilities import services as directory_services
from capabilities.models import citable
from nmiq_portal.core.forms import message_service_errors

from ..forms.evidence import CiteForm


def _candidates(request, output):
    """What ``request.user`` may cite ``output`` from; none unless it is public."""
    user = request.user
    if not user.is_authenticated:
        return []
    kind = citable(output)
    candidates = directory.citing_candidates(
        user=user, institutes=kind.institutes(output), output=output
    )
    if candidates and not type(output).objects.public().filter(pk=output.pk).exists():
        return []
    return candidates


def cite_form(request, output) -> CiteForm | None:
    """The page's "cite as evidence" form, for those who have something to cite it from."""
    candidates = _candidates(request, output)
    return CiteForm(candidates=candidates) if candidates else None


def cite(request, output):
    """POST: the chosen record cites ``output``; back to the output's page either way."""
    form = CiteForm(request.POST, candidates=_candidates(request, output))
    if not form.is_valid():
        messages.error(request, _("Choose one of your testbeds or services to cite it from."))
        return redirect(output.get_absolute_url() + "#cite")
    record = form.cleaned_data["record"]
    try:
        directory_services.evidence_cite(
            actor=request.user, record=record, output=output, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        message_service_errors(request, error)
        return redirect(output.get_absolute_url() + "#cite")
    messages.success(request, _("%(record)s now cites it as evidence.") % {"record": record.name})
    return redirect(record.get_absolute_url() + "#how-we-know")
