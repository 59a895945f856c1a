"""Access requests and saved searches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nmiq_portal import workflow
from nmiq_portal.core.forms import add_service_errors, message_service_errors

from .. import selectors, services
from ..forms import (
    AccessRequestAnswerForm,
    AccessRequestFilterForm,
    AccessRequestForm,
    SavedSearchAlertsForm,
    SavedSearchForm,
)
from ..models import SavedSearch, Service, Testbed

PAGE_SIZE = 30


def _request_access(request, model, slug):
    """The form asking for access to a testbed or service the person may see."""
    target = get_object_or_404(
        model.objects.visible_to(request.user).select_related("institute"), slug=slug
    )
    if not request.user.has_perm("capabilities.request_access", target):
        raise PermissionDenied("capabilities.request_access")
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
