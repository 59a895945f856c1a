"""Access requests, their threads, messages to a record's contact, and saved searches."""

from allauth.account.forms import SignupForm
from allauth.account.utils import complete_signup
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nmiq_portal import workflow
from nmiq_portal.core import ratelimit
from nmiq_portal.core.forms import add_service_errors, message_service_errors

from .. import selectors, services
from ..forms import (
    AccessRequestAnswerForm,
    AccessRequestFilterForm,
    AccessRequestForm,
    AccessRequestMessageForm,
    AccessRequestWithAccountForm,
    AccessRequestWithdrawForm,
    ContactMessageForm,
    SavedSearchAlertsForm,
    SavedSearchForm,
)
from ..models import SavedSearch, Service, Testbed

PAGE_SIZE = 30

#: Messages to contacts: per client IP, and per contact whatever the IP (allauth's syntax).
CONTACT_MESSAGE_RATES = "5/1h/ip,20/1d/key"
#: Requests that create an account: per client IP, and per e-mail address whatever the IP.
ACCESS_REQUEST_SIGNUP_RATES = "5/1h/ip,5/1d/key"


def _contact_message(request, model, slug):
    """A visitor writes to a record's contact; the address is never shown, the e-mail goes
    through the outbox. Only for records open to contact: a draft or a record hidden from
    the visitor answers 404."""
    record = get_object_or_404(
        selectors.contactable_records(user=request.user, model=model), slug=slug
    )
    contacts = selectors.record_contact_choices(record=record)
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.name, "email": request.user.email}
    form = ContactMessageForm(request.POST or None, contacts=contacts, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.message_data()
        if form.is_robot:
            # A robot filled the honeypot: say what a person would read, send nothing.
            messages.success(request, _("Your message was sent."))
            return redirect(record.get_absolute_url())
        if not ratelimit.consume(
            request,
            action="contact_message",
            rates=CONTACT_MESSAGE_RATES,
            key=str(data["contact"].uuid),
        ):
            form.add_error(
                None, _("Too many messages were sent from here or to this contact; try later.")
            )
            status = 429
        else:
            try:
                services.contact_message_send(actor=request.user, record=record, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your message was sent."))
                return redirect(record.get_absolute_url())
    return render(
        request,
        "capabilities/contact_message_form.html",
        {"form": form, "record": record, "contacts": contacts},
        status=status,
    )


def testbed_contact(request, slug):
    return _contact_message(request, Testbed, slug)


def service_contact(request, slug):
    return _contact_message(request, Service, slug)


def _request_access(request, model, slug):
    """The form asking for access to a testbed or service the person may see; someone who
    already has an open request for it is sent to that request's page first; a visitor
    without an account creates it in the same step."""
    target = get_object_or_404(
        model.objects.visible_to(request.user).select_related("institute"), slug=slug
    )
    if not request.user.is_authenticated:
        return _request_access_with_account(request, target)
    if not request.user.has_perm("capabilities.request_access", target):
        raise PermissionDenied("capabilities.request_access")
    open_request = selectors.open_request_for(user=request.user, target=target)
    form = AccessRequestForm(request.POST or None)
    if open_request is None and request.method == "POST" and form.is_valid():
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
        {
            "form": form,
            "target": target,
            "kind": model._meta.model_name,
            "open_request": open_request,
        },
    )


def _request_access_with_account(request, target):
    """A visitor's request that creates their account: allauth's sign-up form beside the
    request's. The request is held (``access_request_hold``) until the address is confirmed,
    and only then sent; an address that has an account gets allauth's "you already have an
    account" e-mail and the page answers as for a new one, so it never says which it was."""
    signup = SignupForm(request.POST or None)
    form = AccessRequestWithAccountForm(request.POST or None)
    status = 200
    if request.method == "POST" and all([signup.is_valid(), form.is_valid()]):
        if form.is_robot:
            _say_held(request, target)
            return redirect("account_email_verification_sent")
        if not ratelimit.consume(
            request,
            action="access_request_signup",
            rates=ACCESS_REQUEST_SIGNUP_RATES,
            key=signup.cleaned_data["email"].lower(),
        ):
            form.add_error(None, _("Too many requests were sent from here; try later."))
            status = 429
        else:
            data = {k: v for k, v in form.cleaned_data.items() if k != form.HONEYPOT}
            try:
                with transaction.atomic():
                    user, answer = signup.try_save(request)
                    if user is not None:
                        services.access_request_hold(actor=user, target=target, **data)
                        answer = complete_signup(request, user, None, target.get_absolute_url())
                _say_held(request, target)
                return answer
            except ImmediateHttpResponse as response:
                return response.response
            except ValidationError as error:
                add_service_errors(form, error)
    return render(
        request,
        "capabilities/access_request_form.html",
        {"form": form, "signup": signup, "target": target, "kind": target._meta.model_name},
        status=status,
    )


def _say_held(request, target) -> None:
    """What happens next, said alike whether the address had an account or not."""
    messages.info(
        request,
        _(
            "Your request goes to %(institute)s once you confirm your address. Unconfirmed "
            "after %(days)s days, it is dropped."
        )
        % {"institute": target.institute.acronym, "days": settings.HELD_ACCESS_REQUEST_DAYS},
    )


def testbed_request_access(request, slug):
    return _request_access(request, Testbed, slug)


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


def _access_request_page(
    request, access_request, answer_form=None, message_form=None, withdraw_form=None, status=200
):
    user = request.user
    can_answer = user.has_perm("capabilities.answer_access_request", access_request)
    is_open = access_request.status in selectors.OPEN_STATES
    return render(
        request,
        "capabilities/access_request_detail.html",
        {
            "access_request": access_request,
            "target": access_request.target,
            "thread": selectors.access_request_thread(access_request=access_request),
            "can_comment": is_open
            and user.has_perm("capabilities.comment_access_request", access_request),
            "can_withdraw": is_open
            and user.has_perm("capabilities.withdraw_access_request", access_request),
            "message_form": message_form or AccessRequestMessageForm(),
            "withdraw_form": withdraw_form or AccessRequestWithdrawForm(),
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
        status=status,
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


@login_required
@require_POST
def access_request_comment(request, uuid):
    """A message on a request's thread, from its requester or its institute."""
    access_request = get_object_or_404(selectors.access_requests_for_page(), uuid=uuid)
    if not request.user.has_perm("capabilities.view_access_request", access_request):
        raise PermissionDenied
    form = AccessRequestMessageForm(request.POST)
    if form.is_valid():
        try:
            message = services.access_request_comment(
                actor=request.user, request=access_request, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your message was added to the thread."))
            return redirect(f"{access_request.get_absolute_url()}#message-{message.pk}")
    return _access_request_page(request, access_request, message_form=form, status=400)


@login_required
@require_POST
def access_request_withdraw(request, uuid):
    """The requester takes their request back."""
    access_request = get_object_or_404(selectors.access_requests_for_page(), uuid=uuid)
    if not request.user.has_perm("capabilities.view_access_request", access_request):
        raise PermissionDenied
    form = AccessRequestWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.access_request_withdraw(
                actor=request.user, request=access_request, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your request is withdrawn; the institute was told."))
            return redirect(access_request.get_absolute_url())
    return _access_request_page(request, access_request, withdraw_form=form, status=400)


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
