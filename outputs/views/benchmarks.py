"""Pages of benchmarks and their results: the list, a benchmark with its chart over time and
its table, a result with its samples, the forms of authors and coordinators, the review's
buttons, and the Metriq import (check, preview, apply)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collaborations.forms import TransitionForm
from nmiq_portal.core.forms import (
    add_service_errors,
    message_service_errors,
    save_page,
    saved_redirect,
)
from nmiq_portal.core.permissions import require
from nmiq_portal.workflow import available_actions

from .. import benchmarks_math
from ..benchmarks_metriq import read_metriq
from ..enums import ResultStatus
from ..filters.benchmarks import BenchmarkFilterSet, ResultFilterSet
from ..forms.benchmarks import BenchmarkForm, ResultForm, ResultImportForm
from ..models import BenchmarkResult, ResultImport
from ..selectors import benchmarks as selectors
from ..services import benchmarks as services
from . import evidence

PAGE_SIZE = 30


def benchmark_list(request):
    filterset = BenchmarkFilterSet(
        request.GET, queryset=selectors.benchmark_list(user=request.user), request=request
    )
    filterset.form.fields["area"].label_from_instance = lambda area: area.path.replace("/", " / ")
    benchmarks = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(benchmarks, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outputs/benchmarks/benchmark_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm("outputs.add_benchmark"),
        },
    )


def _visible(request, slug):
    return get_object_or_404(selectors.benchmark_for_page(user=request.user), slug=slug)


def _filtered(request, slug):
    """The benchmark with the results the page's filters (the API's) keep, and the filters."""
    filterset = ResultFilterSet(
        request.GET, queryset=selectors.benchmark_results(user=request.user), request=request
    )
    del filterset.form.fields["benchmark"]
    results = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    benchmark = get_object_or_404(
        selectors.benchmark_for_page(user=request.user, results=results), slug=slug
    )
    return benchmark, filterset


def _render_benchmark_form(request, form, *, current=None, conflict=None, status=200):
    return render(
        request,
        "outputs/benchmarks/benchmark_form.html",
        {"form": form, "benchmark": current, "conflict": conflict},
        status=status,
    )


def _benchmark_saved(request, benchmark):
    return saved_redirect(
        request,
        _("The benchmark %(name)s is saved.") % {"name": benchmark},
        benchmark.get_absolute_url(),
    )


@login_required
def benchmark_create(request):
    require(request.user, "outputs.add_benchmark")
    return save_page(
        request,
        BenchmarkForm(request.POST or None, user=request.user),
        save=lambda form: services.benchmark_create(actor=request.user, **form.service_data()),
        saved=partial(_benchmark_saved, request),
        page=partial(_render_benchmark_form, request),
    )


@login_required
def benchmark_edit(request, slug):
    benchmark = _visible(request, slug)
    require(request.user, "outputs.change_benchmark", benchmark)
    return save_page(
        request,
        BenchmarkForm(request.POST or None, instance=benchmark, user=request.user),
        save=lambda form: services.benchmark_update(
            actor=request.user,
            benchmark=benchmark,
            version=form.cleaned_data["version"],
            **form.service_data(),
        ),
        saved=partial(_benchmark_saved, request),
        page=partial(_render_benchmark_form, request, current=benchmark),
        user=request.user,
    )


def benchmark_detail(request, slug):
    benchmark, filterset = _filtered(request, slug)
    user = request.user
    return render(
        request,
        "outputs/benchmarks/benchmark_detail.html",
        {
            "benchmark": benchmark,
            "results": benchmark.visible_results,
            "filter": filterset,
            "query": request.GET.urlencode(),
            "can_edit": user.has_perm("outputs.change_benchmark", benchmark),
            "can_add_result": user.has_perm("outputs.add_benchmark_result"),
        },
    )


def benchmark_chart(request, slug):
    """The results over time per platform, as the chart draws them (same visibility as the
    page)."""
    benchmark, _filterset = _filtered(request, slug)
    return JsonResponse(selectors.benchmark_chart(benchmark))


def _visible_result(request, slug, uuid) -> BenchmarkResult:
    return get_object_or_404(
        selectors.result_for_page(user=request.user), benchmark__slug=slug, uuid=uuid
    )


def result_detail(request, slug, uuid):
    result = _visible_result(request, slug, uuid)
    user = request.user
    summary = benchmarks_math.summarise(result.samples)
    return render(
        request,
        "outputs/benchmarks/result_detail.html",
        {
            "result": result,
            "benchmark": result.benchmark,
            "summary": summary,
            "actions": available_actions(result, user),
            "can_edit": user.has_perm("outputs.change_benchmark_result", result),
            "timeline": selectors.result_timeline(result=result)
            if user.has_perm("outputs.view_benchmark_result_audit", result)
            else None,
            "cite_form": evidence.cite_form(request, result),
        },
    )


def result_samples(request, slug, uuid):
    """The result's raw samples as its charts draw them: a histogram and the time trace."""
    result = _visible_result(request, slug, uuid)
    return JsonResponse(
        {
            "unit": result.benchmark.unit,
            "histogram": benchmarks_math.histogram(result.samples),
            "trace": [
                {"x": time, "y": value}
                for time, value in zip(result.sample_times, result.samples, strict=True)
            ],
        }
    )


def _render_result_form(request, form, *, benchmark, current=None, conflict=None, status=200):
    return render(
        request,
        "outputs/benchmarks/result_form.html",
        {"form": form, "benchmark": benchmark, "result": current, "conflict": conflict},
        status=status,
    )


@login_required
def result_create(request, slug):
    benchmark = _visible(request, slug)
    require(request.user, "outputs.add_benchmark_result")
    return save_page(
        request,
        ResultForm(
            request.POST or None, request.FILES or None, user=request.user, benchmark=benchmark
        ),
        save=lambda form: services.benchmark_result_create(
            actor=request.user,
            benchmark=benchmark,
            institute=form.cleaned_data["institute"],
            **form.service_data(),
        ),
        saved=lambda result: saved_redirect(
            request, _("The result is saved as a draft."), result.get_absolute_url()
        ),
        page=partial(_render_result_form, request, benchmark=benchmark),
    )


@login_required
def result_edit(request, slug, uuid):
    result = _visible_result(request, slug, uuid)
    require(request.user, "outputs.change_benchmark_result", result)
    benchmark = result.benchmark
    return save_page(
        request,
        ResultForm(
            request.POST or None,
            request.FILES or None,
            user=request.user,
            benchmark=benchmark,
            result=result,
        ),
        save=lambda form: services.benchmark_result_update(
            actor=request.user,
            result=result,
            version=form.cleaned_data["version"],
            **form.service_data(),
        ),
        saved=lambda result: saved_redirect(
            request, _("The result is saved."), result.get_absolute_url()
        ),
        page=partial(_render_result_form, request, benchmark=benchmark, current=result),
        bound_as="result",
        user=request.user,
        benchmark=benchmark,
    )


@login_required
@require_POST
def result_transition(request, slug, uuid):
    result = _visible_result(request, slug, uuid)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    try:
        result = services.benchmark_result_transition(
            actor=request.user,
            result=result,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request,
            _("The result is now “%(status)s”.") % {"status": ResultStatus(result.status).label},
        )
    if request.user.has_perm("outputs.view_benchmark_result", result):
        return redirect(result.get_absolute_url())
    # Sent back to its authors, a draft is theirs again: the reviewer goes back to the benchmark.
    return redirect(result.benchmark.get_absolute_url())


@login_required
@require_POST
def result_cite(request, slug, uuid):
    return evidence.cite(request, _visible_result(request, slug, uuid))


# --- Metriq import ---


@login_required
def result_import_start(request):
    require(request.user, "outputs.add_benchmark_result")
    form = ResultImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.result_import_check(
                actor=request.user,
                institute=form.cleaned_data["institute"],
                filename=upload.name,
                lines=read_metriq(upload),
            )
        except ValidationError as error:
            add_service_errors(form, ValidationError({"file": error.messages}))
        else:
            return redirect(job.get_absolute_url())
    return render(request, "outputs/benchmarks/import_start.html", {"form": form})


def _import_job(request, uuid) -> ResultImport:
    job = get_object_or_404(ResultImport.objects.select_related("institute"), uuid=uuid)
    require(request.user, "outputs.add_benchmark_result", job.institute)
    return job


@login_required
def result_import_detail(request, uuid):
    job = _import_job(request, uuid)
    return render(
        request,
        "outputs/benchmarks/import_detail.html",
        {"job": job, "applied": job.applied_at is not None},
    )


@login_required
@require_POST
def result_import_apply(request, uuid):
    job = _import_job(request, uuid)
    try:
        services.result_import_apply(actor=request.user, job=job)
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request,
            _("%(count)d results are added as drafts of %(institute)s.")
            % {"count": len(job.rows), "institute": job.institute.acronym},
        )
    return redirect(job.get_absolute_url())
