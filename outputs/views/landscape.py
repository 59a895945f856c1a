"""The landscape page (with its CSV and JSON exports) and the pages of readiness assessments:
one assessment with its history and its moves, recording and revising one."""

import csv
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collaborations.forms import TransitionForm
from nmiq_portal.core.forms import message_service_errors, save_page, saved_redirect
from nmiq_portal.core.permissions import require
from nmiq_portal.workflow import available_actions, events_for

from .. import selectors, services
from ..forms.readiness import AssessmentForm


def landscape_page(request):
    """Every technology area: its level, its trend, what exists for it, and its gaps."""
    return render(
        request,
        "outputs/landscape/landscape.html",
        {
            "landscape": selectors.landscape(),
            "can_assess": request.user.has_perm("outputs.add_readiness_assessment"),
        },
    )


def landscape_export(request, fmt):
    """The landscape's table as CSV or JSON (the JSON is what /api/v1/landscape/ gives)."""
    result = selectors.landscape()
    if fmt == "json":
        response = JsonResponse(selectors.landscape_data(result), json_dumps_params={"indent": 1})
        response["Content-Disposition"] = 'attachment; filename="landscape.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="landscape.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["path", "area", "scale", "level", "assessed_on", "trend"]
        + [kind.key for kind in result.kinds]
        + ["gaps"]
    )
    for row in result.rows:
        current = row.readiness.current if row.readiness else None
        writer.writerow(
            [
                row.area.path,
                row.area.name,
                current.level.scale.slug if current else "",
                current.level.level if current else "",
                current.assessed_on.isoformat() if current else "",
                row.readiness.trend if current else "",
            ]
            + [row.counts[kind.key] for kind in result.kinds]
            + ["; ".join(row.gaps)]
        )
    return response


def _visible(request, uuid):
    assessment = selectors.assessment_for_page(user=request.user, uuid=uuid)
    if assessment is None:
        raise Http404
    return assessment


def assessment_detail(request, uuid):
    assessment = _visible(request, uuid)
    user = request.user
    return render(
        request,
        "outputs/landscape/assessment_detail.html",
        {
            "assessment": assessment,
            "series": selectors.published_series(area=assessment.technology_area),
            "timeline": list(events_for(assessment)),
            "actions": available_actions(assessment, user),
            "can_edit": user.has_perm("outputs.change_readiness_assessment", assessment),
            "audit": user.has_perm("outputs.view_readiness_assessment_audit", assessment),
        },
    )


def _render_form(request, form, *, current=None, conflict=None, status=200):
    return render(
        request,
        "outputs/landscape/assessment_form.html",
        {"form": form, "assessment": current, "conflict": conflict},
        status=status,
    )


@login_required
def assessment_create(request):
    if not request.user.has_perm("outputs.add_readiness_assessment"):
        raise PermissionDenied
    return save_page(
        request,
        AssessmentForm(request.POST or None, user=request.user),
        save=lambda form: services.assessment_create(
            actor=request.user,
            institute=form.cleaned_data.get("institute"),
            **form.assessment_data(),
        ),
        saved=lambda assessment: saved_redirect(
            request, _("The assessment is saved as a draft."), assessment.get_absolute_url()
        ),
        page=partial(_render_form, request),
    )


@login_required
def assessment_edit(request, uuid):
    assessment = _visible(request, uuid)
    require(request.user, "outputs.change_readiness_assessment", assessment)
    return save_page(
        request,
        AssessmentForm(request.POST or None, instance=assessment, user=request.user),
        save=lambda form: services.assessment_update(
            actor=request.user,
            assessment=assessment,
            version=form.cleaned_data["version"],
            **form.assessment_data(),
        ),
        saved=lambda assessment: saved_redirect(
            request, _("The assessment is saved."), assessment.get_absolute_url()
        ),
        page=partial(_render_form, request, current=assessment),
        user=request.user,
    )


@login_required
@require_POST
def assessment_transition(request, uuid):
    assessment = _visible(request, uuid)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    try:
        assessment = services.assessment_transition(
            actor=request.user,
            assessment=assessment,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request,
            _("The assessment is now %(status)s.")
            % {"status": assessment.get_status_display().lower()},
        )
    return redirect(assessment.get_absolute_url())
