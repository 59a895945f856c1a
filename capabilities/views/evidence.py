"""Evidence: what supports a testbed or service ("how we know")."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nmiq_portal.core.forms import save_page, saved_redirect
from nmiq_portal.core.permissions import require

from .. import services
from ..forms import EvidenceForm
from ..models import Evidence, Service, Testbed
from .records import visible_record

EVIDENCE_RECORDS = {"testbed": Testbed, "service": Service}


def _evidence_form_page(request, form, *, record, current=None, conflict=None, status=200):
    return render(
        request,
        "capabilities/evidence_form.html",
        {
            "form": form,
            "record": record,
            "evidence": current,
            "institute": record.institute,
            "conflict": conflict,
        },
        status=status,
    )


def _visible_evidence(request, uuid) -> Evidence:
    """An item of evidence whose record ``request.user`` may open (404 otherwise)."""
    return get_object_or_404(
        Evidence.objects.visible_to(request.user).select_related(
            "testbed__institute", "service__institute"
        ),
        uuid=uuid,
    )


@login_required
def evidence_add(request, slug, kind):
    """Link a testbed or service to a comparison, benchmark, guide or paper that supports it."""
    record = visible_record(request, EVIDENCE_RECORDS[kind], slug=slug)
    require(request.user, f"capabilities.change_{kind}", record)
    return save_page(
        request,
        EvidenceForm(request.POST or None, instance=Evidence(**{kind: record})),
        save=lambda form: services.evidence_add(
            actor=request.user, record=record, **form.evidence_data()
        ),
        saved=lambda _evidence: saved_redirect(
            request, _("The evidence is added."), record.get_absolute_url() + "#how-we-know"
        ),
        page=partial(_evidence_form_page, request, record=record),
    )


@login_required
def evidence_edit(request, uuid):
    evidence = _visible_evidence(request, uuid)
    record = evidence.record
    require(request.user, f"capabilities.change_{record._meta.model_name}", record)
    return save_page(
        request,
        EvidenceForm(request.POST or None, instance=evidence),
        save=lambda form: services.evidence_update(
            actor=request.user,
            evidence=evidence,
            version=form.cleaned_data["version"],
            **form.evidence_data(),
        ),
        saved=lambda _evidence: saved_redirect(
            request, _("The evidence is saved."), record.get_absolute_url() + "#how-we-know"
        ),
        page=partial(_evidence_form_page, request, record=record, current=evidence),
    )


@login_required
@require_POST
def evidence_remove(request, uuid):
    evidence = _visible_evidence(request, uuid)
    record = evidence.record
    services.evidence_remove(actor=request.user, evidence=evidence)
    messages.success(request, _("“%(title)s” is removed.") % {"title": evidence.title})
    return redirect(record.get_absolute_url() + "#how-we-know")
