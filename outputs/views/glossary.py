"""Pages of the glossary: the A to Z, a term's stable page, proposing and revising a term, the
decisions on it, and the coordinators' review list."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collaborations.forms import TransitionForm
from nmiq_portal.core.forms import message_service_errors, save_page, saved_redirect
from nmiq_portal.core.permissions import require
from nmiq_portal.workflow import available_actions

from .. import selectors, services
from ..enums import TermStatus
from ..filters.glossary import TermFilterSet
from ..forms.glossary import SupersedeForm, TermForm
from ..glossary_jsonld import term_ld, term_set_ld
from ..models import Term

PAGE_SIZE = 100


def _query(request, *drop) -> str:
    query = request.GET.copy()
    for name in ("page", *drop):
        query.pop(name, None)
    return query.urlencode()


def term_list(request):
    """The glossary, A to Z: letters with terms are links, the others are not."""
    visible = selectors.term_list(user=request.user)
    filterset = TermFilterSet(request.GET, queryset=visible, request=request)
    terms = filterset.qs if filterset.is_valid() else Term.objects.none()
    page = Paginator(terms, PAGE_SIZE).get_page(request.GET.get("page"))
    in_use = selectors.letters_in_use(visible)
    chosen = filterset.form.cleaned_data.get("letter") if filterset.is_valid() else ""
    return render(
        request,
        "outputs/glossary/term_list.html",
        {
            "filter": filterset,
            "page": page,
            "json_ld": term_set_ld(request, page.object_list),
            "letters": [(letter, letter in in_use) for letter in selectors.LETTERS],
            "letter": chosen,
            "query": _query(request),
            "letter_query": _query(request, "letter"),
            "can_propose": request.user.has_perm("outputs.add_term"),
        },
    )


def _visible_term(request, slug) -> Term:
    return get_object_or_404(selectors.term_for_page(user=request.user), slug=slug)


def term_detail(request, slug):
    term = _visible_term(request, slug)
    user = request.user
    actions = [move for move in available_actions(term, user) if move.name != "supersede"]
    supersede_form = None
    if term.status == TermStatus.AGREED and user.has_perm("outputs.review_term", term):
        supersede_form = SupersedeForm(successors=selectors.successor_choices(term=term))
    return render(
        request,
        "outputs/glossary/term_detail.html",
        {
            "term": term,
            "json_ld": term_ld(request, term),
            "supersedes": selectors.term_supersedes(user=user, term=term),
            "timeline": selectors.term_timeline(term=term),
            "audit": user.has_perm("outputs.view_term_audit", term),
            "actions": actions,
            "supersede_form": supersede_form,
            "can_edit": user.has_perm("outputs.change_term", term),
        },
    )


def _render_form(request, form, *, current=None, conflict=None, status=200):
    return render(
        request,
        "outputs/glossary/term_form.html",
        {"form": form, "term": current, "conflict": conflict},
        status=status,
    )


@login_required
def term_propose(request):
    if not request.user.has_perm("outputs.add_term"):
        raise PermissionDenied
    return save_page(
        request,
        TermForm(request.POST or None, user=request.user),
        save=lambda form: services.term_propose(
            actor=request.user, institute=form.cleaned_data.get("institute"), **form.term_data()
        ),
        saved=lambda term: saved_redirect(
            request,
            _("“%(term)s” is proposed: the coordinators will agree it or reject it.")
            % {"term": term.term},
            term.get_absolute_url(),
        ),
        page=partial(_render_form, request),
    )


@login_required
def term_edit(request, slug):
    term = _visible_term(request, slug)
    require(request.user, "outputs.change_term", term)
    return save_page(
        request,
        TermForm(request.POST or None, instance=term, user=request.user),
        save=lambda form: services.term_update(
            actor=request.user,
            entry=term,
            version=form.cleaned_data["version"],
            **form.term_data(),
        ),
        saved=lambda term: saved_redirect(
            request, _("“%(term)s” is saved.") % {"term": term.term}, term.get_absolute_url()
        ),
        page=partial(_render_form, request, current=term),
        user=request.user,
    )


@login_required
@require_POST
def term_transition(request, slug):
    term = _visible_term(request, slug)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    try:
        term = services.term_transition(
            actor=request.user,
            term=term,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request,
            _("“%(term)s” is now %(status)s.")
            % {"term": term.term, "status": term.get_status_display().lower()},
        )
    return redirect(term.get_absolute_url())


@login_required
@require_POST
def term_supersede(request, slug):
    term = _visible_term(request, slug)
    require(request.user, "outputs.review_term", term)
    form = SupersedeForm(request.POST, successors=selectors.successor_choices(term=term))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(term.get_absolute_url())
    try:
        term = services.term_supersede(
            actor=request.user,
            term=term,
            successor=form.cleaned_data["successor"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request,
            _("“%(term)s” is superseded by “%(successor)s”.")
            % {"term": term.term, "successor": term.superseded_by.term},
        )
    return redirect(term.get_absolute_url())


@login_required
def term_review(request):
    """The proposals waiting for ``request.user``'s decision."""
    return render(
        request,
        "outputs/glossary/review.html",
        {"terms": selectors.review_list(user=request.user)},
    )
