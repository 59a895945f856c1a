"""Bulk import of testbeds and services: upload, check, preview, apply with progress."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from nmiq_portal.core.forms import add_service_errors, message_service_errors

from .. import imports, selectors, services
from ..enums import ImportKind, ImportStatus
from ..forms import ImportForm
from ..models import ImportJob
from .institutes import visible_institute
from .records import record_bulk

IMPORT_PAGE_SIZE = 50
IMPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def import_start(request, slug):
    """An institute member uploads a CSV/XLSX of testbeds or services; its check is shown next."""
    institute = visible_institute(request, slug)
    if not request.user.has_perm("capabilities.import_records", institute):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_check(
                actor=request.user,
                institute=institute,
                kind=form.cleaned_data["kind"],
                filename=form.cleaned_data["file"].name,
                rows=form.rows,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(job.get_absolute_url())
    return render(
        request,
        "capabilities/import_start.html",
        {
            "institute": institute,
            "form": form,
            "kinds": [
                (kind, label, services.import_help(kind)) for kind, label in ImportKind.choices
            ],
            "max_bytes": settings.IMPORT_MAX_BYTES,
            "max_rows": settings.IMPORT_MAX_ROWS,
        },
    )


def import_template(request, kind, fmt):
    """The file to fill in: one column per importable field, plus the key, and an example row."""
    columns = services.import_columns(kind)
    example = services.import_example(kind)
    if fmt == "xlsx":
        content = imports.template_xlsx(
            columns, example, services.import_help(kind), title=str(ImportKind(kind).label)
        )
    else:
        content = imports.template_csv(columns, example)
    response = HttpResponse(content, content_type=IMPORT_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="nmiq-{kind}s-template.{fmt}"'
    return response


def _import_progress(job: ImportJob) -> dict:
    return {
        "job": job,
        "polling": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "step": job.percent // 5 * 5,  # the bar's width class: import-progress-0 … -100
    }


def _import_job(request, uuid, *, with_rows=True) -> ImportJob:
    jobs = ImportJob.objects.select_related("institute", "created_by")
    job = get_object_or_404(jobs if with_rows else jobs.defer("rows"), uuid=uuid)
    if not request.user.has_perm("capabilities.view_import", job):
        raise PermissionDenied
    return job


@login_required
def import_detail(request, uuid):
    """The check of an uploaded file: rows to create and update, every error, then progress."""
    job = _import_job(request, uuid)
    errors = [{"row": row["row"], **error} for row in job.rows for error in row["errors"]]
    skipped = [{"row": row["row"], **row["skipped"]} for row in job.rows if "skipped" in row]
    listed = errors or [row for row in job.rows if "skipped" not in row]
    return render(
        request,
        "capabilities/import_detail.html",
        {
            **_import_progress(job),
            "institute": job.institute,
            "errors": errors,
            "skipped": skipped,
            "unchanged": sum(row["action"] == "unchanged" for row in job.rows),
            "page": Paginator(listed, IMPORT_PAGE_SIZE).get_page(request.GET.get("page")),
            "can_apply": job.status == ImportStatus.VALIDATED
            and request.user.has_perm("capabilities.import_records", job.institute),
            "records": (
                selectors.import_records(user=request.user, job=job)
                if job.status == ImportStatus.DONE
                else []
            ),
        },
    )


@login_required
@require_POST
def import_apply(request, uuid):
    job = _import_job(request, uuid, with_rows=False)
    try:
        services.import_queue(
            actor=request.user, job=job, retire_absent=bool(request.POST.get("retire_absent"))
        )
    except ValidationError as error:
        message_service_errors(request, error)
    return redirect(job.get_absolute_url())


@login_required
@require_POST
def import_bulk(request, uuid):
    """Publish, unpublish or retire together the records an import wrote or matched."""
    job = _import_job(request, uuid)
    records = selectors.import_records(user=request.user, job=job)
    return record_bulk(request, records, job.get_absolute_url())


@login_required
def import_progress(request, uuid):
    """The progress bar alone, for htmx to poll while the import runs."""
    job = _import_job(request, uuid, with_rows=False)  # a file's rows can weigh megabytes
    return render(
        request, "capabilities/_import_progress.html", {**_import_progress(job), "oob": True}
    )
