"""Pages of interlaboratory comparisons: list, detail with the graph of equivalence, its JSON
and CSV, editing by the lead institute, and the review's buttons."""

import csv
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collaborations.forms import TransitionForm
from nmiq_portal.core.exceptions import StaleEdit
from nmiq_portal.core.forms import (
    add_service_errors,
    message_service_errors,
    save_page,
    saved_redirect,
)
from nmiq_portal.core.permissions import require
from nmiq_portal.workflow import available_actions, events_for

from .. import comparisons_formatting as fmt
from .. import selectors, services
from ..enums import ComparisonStatus, ReferenceMethod
from ..filters.comparisons import ComparisonFilterSet
from ..forms.comparisons import ComparisonForm, ResultForm
from ..models import Comparison, ComparisonResult
from . import evidence

PAGE_SIZE = 30


def _visible(request, slug) -> Comparison:
    return get_object_or_404(selectors.comparison_for_page(user=request.user), slug=slug)


def comparison_list(request):
    filterset = ComparisonFilterSet(
        request.GET, queryset=selectors.comparison_list(user=request.user), request=request
    )
    comparisons = filterset.qs if filterset.is_valid() else Comparison.objects.none()
    page = Paginator(comparisons, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outputs/comparisons/comparison_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


def _table(comparison: Comparison):
    """What the page and its tables show: the evaluation and each row's numbers as text."""
    evaluation, error, rows = selectors.comparison_rows(comparison)
    table = []
    for row in rows:
        result, eq = row.result, row.equivalence
        entry = {
            "result": result,
            "value": fmt.stored(result.value),
            "u": fmt.rounded(result.standard_uncertainty, result.standard_uncertainty)[1],
            "given": fmt.stored(result.uncertainty),
            "k": fmt.stored(result.coverage_factor),
        }
        if eq is not None:
            entry["d"], entry["U_d"] = fmt.degree(eq.d, eq.U, result.value)
        table.append(entry)
    summary = None
    if evaluation is not None:
        reference = evaluation.reference
        if reference.u:
            value, u = fmt.rounded(reference.value, reference.u)
            expanded = fmt.rounded(reference.value, comparison.coverage_factor * reference.u)[1]
        else:  # a fixed reference whose uncertainty the results' already hold
            value, u, expanded = fmt.stored(reference.value), fmt.stored(0.0), fmt.stored(0.0)
        summary = {"value": value, "u": u, "U": expanded, "n": reference.n}
        if evaluation.consistency is not None:
            c = evaluation.consistency
            summary.update(
                chi2=fmt.significant(c.chi2),
                dof=c.dof,
                p=fmt.significant(c.p_value),
                birge=fmt.significant(c.birge_ratio),
                consistent=c.consistent,
            )
    return evaluation, error, table, summary


def comparison_detail(request, slug):
    comparison = _visible(request, slug)
    user = request.user
    evaluation, error, table, summary = _table(comparison)
    editable = comparison.status == ComparisonStatus.DRAFT and user.has_perm(
        "outputs.change_comparison", comparison
    )
    return render(
        request,
        "outputs/comparisons/comparison_detail.html",
        {
            "comparison": comparison,
            "project": comparison.project,
            "evaluation": evaluation,
            "error": error,
            "table": table,
            "summary": summary,
            "methods": ReferenceMethod,
            "actions": available_actions(comparison, user),
            "editable": editable,
            "result_form": ResultForm(user=user, comparison=comparison) if editable else None,
            "timeline": events_for(comparison)
            if user.has_perm("outputs.view_comparison_audit", comparison)
            else None,
            "cite_form": evidence.cite_form(request, comparison),
        },
    )


@login_required
@require_POST
def comparison_cite(request, slug):
    return evidence.cite(request, _visible(request, slug))


def _chart_label(result, rows) -> str:
    """The lab's acronym; with its row in the table when the lab reported twice."""
    acronym = result.institute.acronym
    if sum(row.result.institute_id == result.institute_id for row in rows) > 1:
        return f"{acronym} ({result.position})"
    return acronym


def comparison_chart(request, slug):
    """The degrees of equivalence as the graph draws them (same visibility as the page)."""
    comparison = _visible(request, slug)
    _evaluation, error, rows = selectors.comparison_rows(comparison)
    return JsonResponse(
        {
            "identifier": comparison.identifier,
            "unit": comparison.unit,
            "coverage_factor": comparison.coverage_factor,
            "error": error,
            "points": [
                {
                    "lab": row.result.institute.acronym,
                    "label": _chart_label(row.result, rows),
                    "d": row.equivalence.d,
                    "U": row.equivalence.U,
                    "included": row.result.included and comparison.method != ReferenceMethod.FIXED,
                }
                for row in rows
                if row.equivalence is not None
            ],
        }
    )


CSV_HEADER = (
    "lab",
    "reported_as",
    "value",
    "uncertainty_as_given",
    "uncertainty_kind",
    "k",
    "u",
    "method",
    "included",
    "d_i",
    "U_d_i",
    "unit",
)


def comparison_csv(request, slug):
    """The table of results and degrees of equivalence, full precision, in the stored unit."""
    comparison = _visible(request, slug)
    _evaluation, _error, rows = selectors.comparison_rows(comparison)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{comparison.slug}-results.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in rows:
        result, eq = row.result, row.equivalence
        writer.writerow(
            [
                result.institute.acronym,
                result.reported_as,
                fmt.stored(result.value),
                fmt.stored(result.uncertainty),
                result.uncertainty_kind,
                fmt.stored(result.coverage_factor),
                fmt.stored(result.standard_uncertainty),
                result.method,
                "true" if result.included else "false",
                fmt.stored(eq.d) if eq else "",
                fmt.stored(eq.U) if eq else "",
                comparison.unit,
            ]
        )
    return response


def _render_form(request, form, *, current=None, conflict=None, status=200):
    return render(
        request,
        "outputs/comparisons/comparison_form.html",
        {"form": form, "comparison": current, "conflict": conflict},
        status=status,
    )


@login_required
def comparison_create(request):
    def save(form):
        data = form.service_data()
        return services.comparison_create(actor=request.user, project=data.pop("project"), **data)

    return save_page(
        request,
        ComparisonForm(request.POST or None, user=request.user),
        save=save,
        saved=lambda comparison: saved_redirect(
            request,
            _("%(comparison)s is saved as a draft: enter its results.")
            % {"comparison": comparison.identifier},
            comparison.get_absolute_url(),
        ),
        page=partial(_render_form, request),
    )


@login_required
def comparison_edit(request, slug):
    comparison = _visible(request, slug)
    require(request.user, "outputs.change_comparison", comparison)
    return save_page(
        request,
        ComparisonForm(request.POST or None, instance=comparison, user=request.user),
        save=lambda form: services.comparison_update(
            actor=request.user,
            comparison=comparison,
            version=form.cleaned_data["version"],
            **form.service_data(),
        ),
        saved=lambda comparison: saved_redirect(
            request,
            _("%(comparison)s is saved.") % {"comparison": comparison},
            comparison.get_absolute_url(),
        ),
        page=partial(_render_form, request, current=comparison),
        user=request.user,
    )


def _render_result_form(request, form, comparison, result=None, *, stale=False, status=200):
    return render(
        request,
        "outputs/comparisons/result_form.html",
        {"form": form, "comparison": comparison, "result": result, "stale": stale},
        status=status,
    )


def _result_saved(request, form, comparison, result=None):
    """Add or update a result from a valid ``form``; a response, or None to show the form."""
    try:
        if result is None:
            services.result_add(
                actor=request.user,
                comparison=comparison,
                version=form.cleaned_data["version"],
                **form.service_data(),
            )
        else:
            services.result_update(
                actor=request.user,
                result=result,
                version=form.cleaned_data["version"],
                **form.service_data(),
            )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    except StaleEdit as stale:
        data = request.POST.copy()
        data["version"] = str(stale.current.version)
        again = ResultForm(data, instance=result, user=request.user, comparison=stale.current)
        again.is_valid()
        return _render_result_form(request, again, stale.current, result, stale=True, status=409)
    messages.success(request, _("The result is saved."))
    return redirect(comparison.get_absolute_url() + "#results-heading")


@login_required
def result_create(request, slug):
    comparison = _visible(request, slug)
    require(request.user, "outputs.change_comparison", comparison)
    form = ResultForm(request.POST or None, user=request.user, comparison=comparison)
    if request.method == "POST" and form.is_valid():
        response = _result_saved(request, form, comparison)
        if response is not None:
            return response
    return _render_result_form(request, form, comparison)


def _visible_result(request, pk) -> ComparisonResult:
    return get_object_or_404(
        ComparisonResult.objects.select_related("comparison__project", "institute").filter(
            comparison__in=Comparison.objects.visible_to(request.user)
        ),
        pk=pk,
    )


@login_required
def result_edit(request, pk):
    result = _visible_result(request, pk)
    comparison = result.comparison
    require(request.user, "outputs.change_comparison", comparison)
    form = ResultForm(
        request.POST or None, instance=result, user=request.user, comparison=comparison
    )
    if request.method == "POST" and form.is_valid():
        response = _result_saved(request, form, comparison, result)
        if response is not None:
            return response
    return _render_result_form(request, form, comparison, result)


@login_required
@require_POST
def result_remove(request, pk):
    result = _visible_result(request, pk)
    comparison = result.comparison
    try:
        services.result_remove(
            actor=request.user, result=result, version=int(request.POST.get("version", 0))
        )
    except ValidationError as error:
        message_service_errors(request, error)
    except (ValueError, StaleEdit):
        messages.error(
            request, _("Someone else changed this comparison meanwhile; check it and try again.")
        )
    else:
        messages.success(request, _("The result is removed."))
    return redirect(comparison.get_absolute_url() + "#results-heading")


@login_required
@require_POST
def comparison_transition(request, slug):
    comparison = _visible(request, slug)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    try:
        comparison = services.comparison_transition(
            actor=request.user,
            comparison=comparison,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request,
            _("%(comparison)s is now “%(status)s”.")
            % {
                "comparison": comparison.identifier,
                "status": ComparisonStatus(comparison.status).label,
            },
        )
    return redirect(comparison.get_absolute_url())
