"""Pages of the directory: search, institutes and their members, records, invitations."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import CheckboxSelectMultiple
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from nmiq_portal import workflow
from nmiq_portal.core import sections
from nmiq_portal.core.exceptions import StaleEdit
from nmiq_portal.core.forms import (
    add_service_errors,
    conflict_rows,
    message_service_errors,
    stale_form,
)
from nmiq_portal.core.permissions import require

from . import exports, formatting, imports, jsonld, selectors, services
from .enums import ImportKind, ImportStatus, MemberRole
from .filters import InstituteFilterSet
from .forms import (
    AccessRequestAnswerForm,
    AccessRequestFilterForm,
    AccessRequestForm,
    ContactForm,
    EvidenceForm,
    ImportForm,
    InstituteEditForm,
    InstituteForm,
    InvitationForm,
    RoleForm,
    SavedSearchAlertsForm,
    SavedSearchForm,
    ServiceForm,
    TestbedForm,
)
from .models import (
    Contact,
    Evidence,
    ImportJob,
    Institute,
    Invitation,
    Membership,
    SavedSearch,
    Service,
    Testbed,
)

PAGE_SIZE = 30


def _visible_institute(request, slug) -> Institute:
    return get_object_or_404(Institute.objects.visible_to(request.user), slug=slug)


def institute_list(request):
    filterset = InstituteFilterSet(
        request.GET, queryset=selectors.institute_list(user=request.user)
    )
    # The page offers the economies that have an institute; the API accepts any ISO code.
    economy = filterset.form.fields["economy"]
    economy.choices = selectors.economy_choices(user=request.user)
    economy.widget = CheckboxSelectMultiple(choices=economy.choices)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    template = (
        "capabilities/_institute_results.html"
        if request.htmx
        else "capabilities/institute_list.html"
    )
    return render(request, template, context)


@login_required
def institute_register(request):
    """A signed-in person registers their institute; staff verify it before it goes public."""
    form = InstituteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            institute = services.institute_register(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(institute)s is registered and you are its administrator. Portal staff "
                    "will verify it; until then only its members see it."
                )
                % {"institute": institute.acronym},
            )
            return redirect(institute.get_absolute_url())
    return render(request, "capabilities/institute_register.html", {"form": form})


def institute_detail(request, slug):
    institute = _visible_institute(request, slug)
    records = selectors.institute_records(user=request.user, institute=institute)
    may_see_history = request.user.has_perm("capabilities.view_institute_history", institute)
    return render(
        request,
        "capabilities/institute_detail.html",
        {
            "institute": institute,
            **records,
            "history": selectors.record_history(institute) if may_see_history else None,
            "json_ld": jsonld.organisation_ld(request, institute, records["contacts"]),
            "sections": sections.render_context("institute", request, institute=institute),
        },
    )


@login_required
def institute_members(request, slug):
    institute = _visible_institute(request, slug)
    if not request.user.has_perm("capabilities.view_members", institute):
        raise PermissionDenied
    can_manage = request.user.has_perm("capabilities.manage_members", institute)
    form = InvitationForm()
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    actor=request.user, institute=institute, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("capabilities:institute_members", slug=institute.slug)
    return render(
        request,
        "capabilities/institute_members.html",
        {
            "institute": institute,
            "members": selectors.institute_members(institute=institute),
            "invitations": selectors.institute_pending_invitations(institute=institute)
            if can_manage
            else [],
            "form": form,
            "can_manage": can_manage,
            "role_choices": MemberRole.choices,
        },
    )


@login_required
@require_POST
def membership_role(request, slug, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("institute", "user"), pk=pk, institute__slug=slug
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            message_service_errors(request, error)
        else:
            messages.success(
                request,
                _("%(member)s is now %(role)s.")
                % {"member": membership.user, "role": membership.get_role_display().lower()},
            )
    return redirect("capabilities:institute_members", slug=slug)


@login_required
@require_POST
def membership_end(request, slug, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("institute", "user"), pk=pk, institute__slug=slug
    )
    leaving = membership.user_id == request.user.pk
    try:
        services.membership_end(actor=request.user, membership=membership)
    except ValidationError as error:
        message_service_errors(request, error)
        return redirect("capabilities:institute_members", slug=slug)
    if leaving:
        messages.success(
            request, _("You left %(institute)s.") % {"institute": membership.institute.acronym}
        )
        return redirect("accounts:profile")
    messages.success(request, _("%(member)s was removed.") % {"member": membership.user})
    return redirect("capabilities:institute_members", slug=slug)


@login_required
@require_POST
def invitation_revoke(request, slug, uuid):
    invitation = get_object_or_404(
        Invitation.objects.select_related("institute"), uuid=uuid, institute__slug=slug
    )
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("capabilities:institute_members", slug=slug)


@login_required
def invitation(request, uuid):
    """The invited person's page: accept or decline."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("institute", "invited_by"), uuid=uuid
    )
    may_answer = request.user.has_perm("capabilities.answer_invitation", invitation)
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        try:
            if request.POST.get("answer") == "accept":
                services.invitation_accept(actor=request.user, invitation=invitation)
                messages.success(
                    request,
                    _("Welcome to %(institute)s.") % {"institute": invitation.institute.acronym},
                )
                return redirect(invitation.institute.get_absolute_url())
            if request.POST.get("answer") == "decline":
                services.invitation_decline(actor=request.user, invitation=invitation)
                messages.info(request, _("You declined the invitation."))
                return redirect("home")
            messages.error(request, _("Choose to accept or to decline."))
        except ValidationError as error:
            message_service_errors(request, error)
    return render(
        request,
        "capabilities/invitation.html",
        {"invitation": invitation, "may_answer": may_answer},
    )


# --- Detail pages of testbeds and services, the map ----------------------------------------------


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
    context["related_testbed"] = selectors.related_testbed(user=request.user, service=service)
    return render(request, "capabilities/service_detail.html", context)


def _tile_origin(url: str) -> str:
    """The origin the map's tiles come from, for the CSP ('' for none or our own)."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def directory_map(request):
    """Testbeds of the current search on a map, and in a table that works without JavaScript."""
    testbeds = selectors.map_testbeds(user=request.user, params=request.GET)
    response = render(
        request,
        "capabilities/directory_map.html",
        {
            "testbeds": testbeds,
            "query": request.GET.urlencode(),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
    origin = _tile_origin(settings.MAP_TILE_URL)
    if origin:
        response._csp_update = {"img-src": [origin]}
    return response


def directory_map_data(request):
    """The same testbeds as GeoJSON, for the map's markers."""
    features = [
        {
            "type": "Feature",
            "id": str(testbed.uuid),
            "geometry": {"type": "Point", "coordinates": [testbed.longitude, testbed.latitude]},
            "properties": {
                "name": testbed.name,
                "url": testbed.get_absolute_url(),
                "institute": testbed.institute.acronym,
                "city": testbed.city,
            },
        }
        for testbed in selectors.map_testbeds(user=request.user, params=request.GET)
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
    )


# --- Editing: testbeds, services, contacts and the institute profile --------------------------

#: kind -> (model, form, template of its edit page)
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


def _visible_record(request, model, **lookup):
    return get_object_or_404(
        model.objects.visible_to(request.user).select_related("institute"), **lookup
    )


def _render_record_form(request, *, kind, form, institute, record=None, conflict=None, status=200):
    return render(
        request,
        "capabilities/record_form.html",
        {
            "kind": kind,
            "form": form,
            "institute": institute,
            "record": record,
            "conflict": conflict,
            "model_name": RECORD_KINDS[kind][0]._meta.verbose_name,
        },
        status=status,
    )


def _record_create(request, slug, kind):
    model, form_class = RECORD_KINDS[kind]
    institute = _visible_institute(request, slug)
    require(request.user, f"capabilities.add_{kind}", institute)
    form = form_class(
        request.POST or None, institute=institute, instance=model(institute=institute)
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_create(
                actor=request.user, model=model, institute=institute, **form.record_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(record)s is saved as a draft: publish it when it is ready.")
                % {"record": record.name},
            )
            return redirect(_record_url(record))
    return _render_record_form(request, kind=kind, form=form, institute=institute)


def _record_edit(request, kind, **lookup):
    model, form_class = RECORD_KINDS[kind]
    record = _visible_record(request, model, **lookup)
    require(request.user, f"capabilities.change_{kind}", record)
    institute = record.institute
    form = form_class(request.POST or None, instance=record, institute=institute)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_update(
                actor=request.user,
                record=record,
                version=form.cleaned_data["version"],
                **form.record_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleEdit as stale:
            return _render_record_form(
                request,
                kind=kind,
                form=stale_form(request, form_class, stale, institute=institute),
                institute=institute,
                record=stale.current,
                conflict=conflict_rows(stale),
                status=409,
            )
        else:
            messages.success(request, _("%(record)s is saved.") % {"record": record.name})
            return redirect(_record_url(record))
    return _render_record_form(request, kind=kind, form=form, institute=institute, record=record)


def _record_state(request, kind, action, **lookup):
    model, _form = RECORD_KINDS[kind]
    record = _visible_record(request, model, **lookup)
    service, message = STATE_ACTIONS[action]
    try:
        record = service(actor=request.user, record=record)
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(request, message % {"record": record.name})
    return redirect(_record_url(record))


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


@login_required
def institute_edit(request, slug):
    """An institute's admins keep its profile; an edit from a stale copy is refused."""
    institute = _visible_institute(request, slug)
    require(request.user, "capabilities.change_institute", institute)
    form = InstituteEditForm(request.POST or None, instance=institute)
    conflict, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            institute = services.institute_update(
                actor=request.user,
                institute=institute,
                version=form.cleaned_data["version"],
                **form.institute_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleEdit as stale:
            form = stale_form(request, InstituteEditForm, stale)
            conflict, status = conflict_rows(stale), 409
        else:
            messages.success(
                request,
                _("The profile of %(institute)s is saved.") % {"institute": institute.acronym},
            )
            return redirect(institute.get_absolute_url())
    return render(
        request,
        "capabilities/institute_edit.html",
        {"institute": institute, "form": form, "conflict": conflict},
        status=status,
    )


#: Longer texts are not previewed (a description is a few pages at most).
PREVIEW_MAX_CHARS = 100_000


@login_required
@require_POST
def markdown_preview(request):
    """The sanitised HTML of the Markdown in ``text``, as the saved page will show it."""
    text = request.POST.get("text", "")[:PREVIEW_MAX_CHARS]
    return render(request, "capabilities/_markdown_preview.html", {"text": text})


# --- The directory search and its exports -----------------------------------------------------


def _directory_query(request, *, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


def directory(request):
    """The public search over testbeds, services and institutes, with facets; htmx swaps the
    facets and results, and every state of the search is a plain URL."""
    params = request.GET
    sort = params.get("sort") if params.get("sort") in selectors.SORTS else "relevance"
    text = params.get("q", "").strip()
    search = selectors.directory_search(user=request.user, params=params, sort=sort)
    page = Paginator(search.rows, PAGE_SIZE).get_page(params.get("page"))
    records = selectors.directory_page_records(rows=list(page.object_list), text=text)
    context = {
        "page": page,
        "records": records,
        "facets": search.facets,
        "errors": selectors.directory_errors(params=params),
        "params": params,
        "text": text,
        "sort": sort,
        "sorts": DIRECTORY_SORTS,
        "query": _directory_query(request),
        "export_query": _directory_query(request, drop=("page", "sort")),
        "ranges": _range_inputs(params),
    }
    template = (
        "capabilities/_directory_body.html"
        if request.htmx and not request.htmx.boosted
        else "capabilities/directory.html"
    )
    return render(request, template, context)


DIRECTORY_SORTS = (
    ("relevance", _lazy("Relevance")),
    ("name", _lazy("Name")),
    ("updated", _lazy("Last updated")),
)
RANGE_INPUTS = (
    ("temperature", _lazy("Temperature"), "20 mK", "300 K"),
    ("frequency", _lazy("Frequency"), "4 GHz", "8 GHz"),
    ("wavelength", _lazy("Wavelength"), "1500 nm", "1600 nm"),
)


def _range_inputs(params) -> list[dict]:
    return [
        {
            "name": name,
            "label": label,
            "min": params.get(f"{name}_min", ""),
            "max": params.get(f"{name}_max", ""),
            "min_example": low,
            "max_example": high,
        }
        for name, label, low, high in RANGE_INPUTS
    ]


def directory_export(request, fmt):
    """The current search, whole, as CSV or JSON (streamed; same filters and doors as the page)."""
    matches = selectors.directory_matches(user=request.user, params=request.GET)
    rows = exports.records(matches, settings.SITE_URL)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(rows), content_type="text/csv")
    else:
        response = StreamingHttpResponse(exports.json_chunks(rows), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="nmiq-directory-{stamp}.{fmt}"'
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Access requests ---------------------------------------------------------------------------


def _request_access(request, model, slug):
    """The form asking for access to a testbed or service the person may see."""
    target = get_object_or_404(
        model.objects.visible_to(request.user).select_related("institute"), slug=slug
    )
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access_request = services.access_request_create(
                actor=request.user, target=target, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your request was sent to %(institute)s. You will be notified when they "
                    "answer; follow it here."
                )
                % {"institute": target.institute.acronym},
            )
            return redirect(access_request.get_absolute_url())
    return render(
        request,
        "capabilities/access_request_form.html",
        {"form": form, "target": target, "kind": model._meta.model_name},
    )


@login_required
def testbed_request_access(request, slug):
    return _request_access(request, Testbed, slug)


@login_required
def service_request_access(request, slug):
    return _request_access(request, Service, slug)


@login_required
def access_request_list(request):
    """The requests I sent and, for members, those to my institutes."""
    form = AccessRequestFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    requests = selectors.access_requests_for(
        user=request.user, box=filters.get("box", ""), status=filters.get("status", "")
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "capabilities/access_request_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "is_member": request.user.memberships.exists(),
        },
    )


def _access_request_page(request, access_request, answer_form=None):
    can_answer = request.user.has_perm("capabilities.answer_access_request", access_request)
    return render(
        request,
        "capabilities/access_request_detail.html",
        {
            "access_request": access_request,
            "target": access_request.target,
            "events": selectors.access_request_events(access_request=access_request),
            "can_answer": can_answer,
            "actions": [
                action
                for action in workflow.available_actions(access_request, request.user)
                if action.allowed
            ]
            if can_answer
            else [],
            "answer_form": answer_form or AccessRequestAnswerForm(),
        },
    )


@login_required
def access_request(request, uuid):
    """A request's status and timeline; for its institute, the moves it may make."""
    access_request = get_object_or_404(selectors.access_requests_for_page(), uuid=uuid)
    if not request.user.has_perm("capabilities.view_access_request", access_request):
        raise PermissionDenied
    return _access_request_page(request, access_request)


@login_required
@require_POST
def access_request_answer(request, uuid, action):
    access_request = get_object_or_404(selectors.access_requests_for_page(), uuid=uuid)
    form = AccessRequestAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.access_request_answer(
                actor=request.user,
                request=access_request,
                action=action,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The requester was told."))
            return redirect(access_request.get_absolute_url())
    if not request.user.has_perm("capabilities.view_access_request", access_request):
        raise PermissionDenied
    return _access_request_page(request, access_request, answer_form=form)


# --- Saved searches ----------------------------------------------------------------------------


@login_required
def saved_search_list(request):
    page = Paginator(selectors.saved_searches_of(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "capabilities/saved_search_list.html", {"page": page, "query": ""})


def _directory_url(query: str) -> str:
    return SavedSearch(query=query).get_absolute_url()


@login_required
@require_POST
def saved_search_create(request):
    """Save the directory search the form came from, then go back to it."""
    form = SavedSearchForm(request.POST)
    query = request.POST.get("query", "")
    if form.is_valid():
        try:
            saved = services.saved_search_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            message_service_errors(request, error)
        else:
            messages.success(
                request,
                _("Search saved as “%(name)s”. New matches are e-mailed to you daily.")
                % {"name": saved.name},
            )
            return redirect(_directory_url(saved.query))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(_directory_url(services.normalise_query(query)))


def _own_saved_search(request, uuid):
    return get_object_or_404(selectors.saved_searches_for_page(), uuid=uuid)


@login_required
@require_POST
def saved_search_delete(request, uuid):
    saved = _own_saved_search(request, uuid)
    services.saved_search_delete(actor=request.user, saved_search=saved)
    messages.success(request, _("“%(name)s” was deleted.") % {"name": saved.name})
    return redirect("capabilities:saved_search_list")


@login_required
@require_POST
def saved_search_alerts(request, uuid):
    saved = _own_saved_search(request, uuid)
    form = SavedSearchAlertsForm(request.POST)
    form.is_valid()
    alerts = form.cleaned_data.get("alerts", False)
    services.saved_search_set_alerts(actor=request.user, saved_search=saved, alerts=alerts)
    if alerts:
        message = _("New matches of “%(name)s” will be e-mailed to you daily.")
    else:
        message = _("No more e-mails for “%(name)s”.")
    messages.success(request, message % {"name": saved.name})
    return redirect("capabilities:saved_search_list")


# --- Bulk import ------------------------------------------------------------------------------

IMPORT_PAGE_SIZE = 50
IMPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def import_start(request, slug):
    """An institute member uploads a CSV/XLSX of testbeds or services; its check is shown next."""
    institute = _visible_institute(request, slug)
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
    """The empty file to fill in: one column per importable field, plus the key."""
    columns = services.import_columns(kind)
    if fmt == "xlsx":
        content = imports.template_xlsx(
            columns, services.import_help(kind), title=str(ImportKind(kind).label)
        )
    else:
        content = imports.template_csv(columns)
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
    listed = errors or job.rows
    return render(
        request,
        "capabilities/import_detail.html",
        {
            **_import_progress(job),
            "institute": job.institute,
            "errors": errors,
            "page": Paginator(listed, IMPORT_PAGE_SIZE).get_page(request.GET.get("page")),
            "can_apply": job.status == ImportStatus.VALIDATED
            and request.user.has_perm("capabilities.import_records", job.institute),
        },
    )


@login_required
@require_POST
def import_apply(request, uuid):
    job = _import_job(request, uuid, with_rows=False)
    try:
        services.import_queue(actor=request.user, job=job)
    except ValidationError as error:
        message_service_errors(request, error)
    return redirect(job.get_absolute_url())


@login_required
def import_progress(request, uuid):
    """The progress bar alone, for htmx to poll while the import runs."""
    job = _import_job(request, uuid, with_rows=False)  # a file's rows can weigh megabytes
    return render(request, "capabilities/_import_progress.html", _import_progress(job))


# --- Evidence: "how we know" ------------------------------------------------------------------

EVIDENCE_RECORDS = {"testbed": Testbed, "service": Service}


def _evidence_form_page(request, *, form, record, evidence=None):
    return render(
        request,
        "capabilities/evidence_form.html",
        {"form": form, "record": record, "evidence": evidence, "institute": record.institute},
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
    record = _visible_record(request, EVIDENCE_RECORDS[kind], slug=slug)
    require(request.user, f"capabilities.change_{kind}", record)
    form = EvidenceForm(request.POST or None, instance=Evidence(**{kind: record}))
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(actor=request.user, record=record, **form.evidence_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The evidence is added."))
            return redirect(record.get_absolute_url() + "#how-we-know")
    return _evidence_form_page(request, form=form, record=record)


@login_required
def evidence_edit(request, uuid):
    evidence = _visible_evidence(request, uuid)
    record = evidence.record
    require(request.user, f"capabilities.change_{record._meta.model_name}", record)
    form = EvidenceForm(request.POST or None, instance=evidence)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_update(actor=request.user, evidence=evidence, **form.evidence_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The evidence is saved."))
            return redirect(record.get_absolute_url() + "#how-we-know")
    return _evidence_form_page(request, form=form, record=record, evidence=evidence)


@login_required
@require_POST
def evidence_remove(request, uuid):
    evidence = _visible_evidence(request, uuid)
    record = evidence.record
    services.evidence_remove(actor=request.user, evidence=evidence)
    messages.success(request, _("“%(title)s” is removed.") % {"title": evidence.title})
    return redirect(record.get_absolute_url() + "#how-we-know")
