"""Pages of testbeds, services and contacts: their detail pages and editing, and the
institute profile's editing."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from nmiq_portal.core import sections
from nmiq_portal.core.forms import (
    message_service_errors,
    save_page,
    saved_redirect,
)
from nmiq_portal.core.permissions import require

from .. import formatting, jsonld, selectors, services
from ..forms import ContactForm, InstituteEditForm, ServiceForm, TestbedForm
from ..models import Contact, Service, Testbed
from .institutes import visible_institute


def _record_page(request, record, kind: str) -> dict:
    """What the testbed and service pages have in common."""
    user = request.user
    contacts = selectors.record_contacts(user=user, record=record)
    trails = selectors.area_trails(record.technology_areas.all())
    may_see_history = user.has_perm(f"capabilities.view_{kind}_history", record)
    return {
        "record": record,
        kind: record,
        "kind": kind,
        "institute": record.institute,
        "area_trails": trails,
        "ranges": formatting.operating_ranges(record),
        **formatting.choice_labels(record),
        "contacts": contacts,
        "history": selectors.record_history(record) if may_see_history else None,
        "json_ld": jsonld.record_ld(request, record, kind, contacts, trails),
        "sections": sections.render_context("record", request, record=record),
    }


def testbed_detail(request, slug):
    testbed = get_object_or_404(selectors.testbed_for_page(user=request.user), slug=slug)
    context = _record_page(request, testbed, "testbed")
    context["links"] = formatting.safe_links(testbed)
    return render(request, "capabilities/testbed_detail.html", context)


def service_detail(request, slug):
    service = get_object_or_404(selectors.service_for_page(user=request.user), slug=slug)
    context = _record_page(request, service, "service")
    context["measurement"] = formatting.service_measurement(service)
    context["kcdb_taxonomy"] = formatting.kcdb_taxonomy(service)
    context["related_testbed"] = selectors.related_testbed(user=request.user, service=service)
    return render(request, "capabilities/service_detail.html", context)


#: kind -> (model, edit form)
RECORD_KINDS = {
    "testbed": (Testbed, TestbedForm),
    "service": (Service, ServiceForm),
    "contact": (Contact, ContactForm),
}
STATE_ACTIONS = {
    "publish": (services.record_publish, _("%(record)s is published.")),
    "unpublish": (services.record_unpublish, _("%(record)s is a draft again.")),
    "retire": (services.record_retire, _("%(record)s is retired.")),
    "reinstate": (services.record_reinstate, _("%(record)s is back in service.")),
}
STATE_ACTION_PATTERN = "|".join(STATE_ACTIONS)


def _record_url(record) -> str:
    """Where a record is shown: its own page; contacts are shown on their institute's."""
    if isinstance(record, Contact):
        return record.institute.get_absolute_url()
    return record.get_absolute_url()


def visible_record(request, model, **lookup):
    return get_object_or_404(
        model.objects.visible_to(request.user).select_related("institute"), **lookup
    )


def _render_record_form(request, form, *, kind, institute, current=None, conflict=None, status=200):
    return render(
        request,
        "capabilities/record_form.html",
        {
            "kind": kind,
            "form": form,
            "institute": institute,
            "record": current,
            "conflict": conflict,
            "model_name": RECORD_KINDS[kind][0]._meta.verbose_name,
        },
        status=status,
    )


def _record_create(request, slug, kind):
    model, form_class = RECORD_KINDS[kind]
    institute = visible_institute(request, slug)
    require(request.user, f"capabilities.add_{kind}", institute)
    return save_page(
        request,
        form_class(request.POST or None, institute=institute, instance=model(institute=institute)),
        save=lambda form: services.record_create(
            actor=request.user, model=model, institute=institute, **form.record_data()
        ),
        saved=lambda record: saved_redirect(
            request,
            _("%(record)s is saved as a draft: publish it when it is ready.")
            % {"record": record.name},
            _record_url(record),
        ),
        page=partial(_render_record_form, request, kind=kind, institute=institute),
    )


def _record_edit(request, kind, **lookup):
    model, form_class = RECORD_KINDS[kind]
    record = visible_record(request, model, **lookup)
    require(request.user, f"capabilities.change_{kind}", record)
    institute = record.institute
    return save_page(
        request,
        form_class(request.POST or None, instance=record, institute=institute),
        save=lambda form: services.record_update(
            actor=request.user,
            record=record,
            version=form.cleaned_data["version"],
            **form.record_data(),
        ),
        saved=lambda record: saved_redirect(
            request, _("%(record)s is saved.") % {"record": record.name}, _record_url(record)
        ),
        page=partial(_render_record_form, request, kind=kind, institute=institute, current=record),
        institute=institute,
    )


def _record_state(request, kind, action, **lookup):
    model, _form = RECORD_KINDS[kind]
    record = visible_record(request, model, **lookup)
    service, message = STATE_ACTIONS[action]
    try:
        record = service(actor=request.user, record=record)
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(request, message % {"record": record.name})
        if action == "publish":
            _warn_if_nobody_receives(request, [record])
    return redirect(_record_url(record))


def _warn_if_nobody_receives(request, records) -> None:
    """After publishing: name, per institute, the testbeds and services whose access requests
    and messages would reach nobody (no contact listed, no administrator)."""
    unreached = {}
    for record in records:
        if not isinstance(record, Contact) and selectors.nobody_receives_requests(record=record):
            unreached.setdefault(record.institute, []).append(record.name)
    for institute, names in unreached.items():
        messages.warning(
            request,
            _(
                "Nobody would receive access requests or messages for %(record)s: "
                "%(institute)s lists no contact and has no administrator. Add a contact."
            )
            % {"record": ", ".join(names), "institute": institute.acronym},
        )


@login_required
def testbed_create(request, slug):
    return _record_create(request, slug, "testbed")


@login_required
def service_create(request, slug):
    return _record_create(request, slug, "service")


@login_required
def contact_create(request, slug):
    return _record_create(request, slug, "contact")


@login_required
def testbed_edit(request, slug):
    return _record_edit(request, "testbed", slug=slug)


@login_required
def service_edit(request, slug):
    return _record_edit(request, "service", slug=slug)


@login_required
def contact_edit(request, uuid):
    return _record_edit(request, "contact", uuid=uuid)


@login_required
@require_POST
def testbed_state(request, slug, action):
    return _record_state(request, "testbed", action, slug=slug)


@login_required
@require_POST
def service_state(request, slug, action):
    return _record_state(request, "service", action, slug=slug)


@login_required
@require_POST
def contact_state(request, uuid, action):
    return _record_state(request, "contact", action, uuid=uuid)


BULK_MESSAGES = {
    "publish": lambda n: ngettext(
        "%(count)d record is published.", "%(count)d records are published.", n
    ),
    "unpublish": lambda n: ngettext(
        "%(count)d record is a draft again.", "%(count)d records are drafts again.", n
    ),
    "retire": lambda n: ngettext(
        "%(count)d record is retired.", "%(count)d records are retired.", n
    ),
}


def record_bulk(request, records, redirect_to):
    """Publish, unpublish or retire the chosen records, as the button named; every refusal is
    a message, and then nothing changed."""
    action = request.POST.get("action", "")
    if not records:
        messages.warning(request, _("Choose at least one record."))
        return redirect(redirect_to)
    try:
        services.record_bulk_state(actor=request.user, records=records, action=action)
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(request, BULK_MESSAGES[action](len(records)) % {"count": len(records)})
        if action == "publish":
            _warn_if_nobody_receives(request, records)
    return redirect(redirect_to)


@login_required
@require_POST
def institute_bulk(request, slug, kind):
    """A selection of the institute's testbeds or services, changed together from its page."""
    institute = visible_institute(request, slug)
    records = selectors.institute_selection(
        user=request.user,
        institute=institute,
        kind=kind,
        pks=[pk for pk in request.POST.getlist("records") if pk.isdigit()],
    )
    return record_bulk(request, records, institute.get_absolute_url())


def _render_institute_form(request, form, *, current, conflict=None, status=200):
    return render(
        request,
        "capabilities/institute_edit.html",
        {"institute": current, "form": form, "conflict": conflict},
        status=status,
    )


@login_required
def institute_edit(request, slug):
    """An institute's admins keep its profile; an edit from a stale copy is refused."""
    institute = visible_institute(request, slug)
    require(request.user, "capabilities.change_institute", institute)
    return save_page(
        request,
        InstituteEditForm(request.POST or None, instance=institute),
        save=lambda form: services.institute_update(
            actor=request.user,
            institute=institute,
            version=form.cleaned_data["version"],
            **form.institute_data(),
        ),
        saved=lambda institute: saved_redirect(
            request,
            _("The profile of %(institute)s is saved.") % {"institute": institute.acronym},
            institute.get_absolute_url(),
        ),
        page=partial(_render_institute_form, request, current=institute),
    )


#: Longer texts are not previewed (a description is a few pages at most).
PREVIEW_MAX_CHARS = 100_000


@login_required
@require_POST
def markdown_preview(request):
    """The sanitised HTML of the Markdown in ``text``, as the saved page will show it."""
    text = request.POST.get("text", "")[:PREVIEW_MAX_CHARS]
    return render(request, "capabilities/_markdown_preview.html", {"text": text})
