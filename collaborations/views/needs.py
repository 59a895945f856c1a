"""Pages of the industry needs board: the list, a need with its suggestions and answers, the
forms to post, edit, answer and decide on a need, and subscriptions to new needs."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capabilities.formatting import operating_ranges
from capabilities.models import TechnologyArea
from nmiq_portal.core.forms import message_service_errors, save_page, saved_redirect
from nmiq_portal.core.permissions import require
from nmiq_portal.workflow import available_actions, events_for
from nmiq_portal.workflow.registry import workflow_for

from .. import selectors, services
from ..enums import NeedStatus
from ..filters import IndustryNeedFilterSet
from ..forms import (
    AreaChoiceForm,
    CapabilityAnswerForm,
    CommentAnswerForm,
    NeedForm,
    NeedMetForm,
    TransitionForm,
)
from ..models import IndustryNeed

PAGE_SIZE = 30


def need_list(request):
    filterset = IndustryNeedFilterSet(
        request.GET, queryset=selectors.needs_for_page(user=request.user), request=request
    )
    area = filterset.form.fields["area"]
    area.queryset = TechnologyArea.objects.order_by("path")
    area.label_from_instance = lambda a: f"{'— ' * a.depth}{a.name}"
    needs = filterset.qs if filterset.is_valid() else IndustryNeed.objects.none()
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "collaborations/_need_results.html" if request.htmx else "collaborations/need_list.html"
    )
    return render(
        request,
        template,
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_post": request.user.has_perm("collaborations.add_industry_need"),
        },
    )


def _visible_need(request, slug) -> IndustryNeed:
    return get_object_or_404(selectors.need_for_page(user=request.user), slug=slug)


def need_detail(request, slug):
    need = _visible_need(request, slug)
    user = request.user
    answers = selectors.need_answers(user=user, need=need)
    is_open = need.status == NeedStatus.OPEN
    context = {
        "need": need,
        "answers": answers,
        "suggestions": selectors.need_suggestions(user=user, need=need) if is_open else [],
        "ranges": operating_ranges(need),
        "timeline": [
            (event, workflow_for(need).state_label(event.to_state)) for event in events_for(need)
        ],
        "can_edit": is_open and user.has_perm("collaborations.change_industry_need", need),
        "actions": [a for a in available_actions(need, user) if a.name == "close"],
    }
    if is_open and user.has_perm("collaborations.meet_industry_need", need) and answers:
        context["met_form"] = NeedMetForm(answers=need.answers.select_related("institute"))
    if is_open and user.has_perm("collaborations.answer_industry_need", need):
        records = selectors.answerable_records(user=user, need=need)
        context["capability_form"] = CapabilityAnswerForm(records=records)
        context["comment_form"] = CommentAnswerForm(
            institutes=selectors.answering_institutes(user=user, need=need)
        )
        context["can_propose"] = True
    return render(request, "collaborations/need_detail.html", context)


def _render_form(request, form, *, current=None, conflict=None, status=200):
    return render(
        request,
        "collaborations/need_form.html",
        {"form": form, "need": current, "conflict": conflict},
        status=status,
    )


@login_required
def need_create(request):
    """Someone of an industry consortium, with a verified address, posts a need."""
    if not request.user.has_perm("collaborations.add_industry_need"):
        return render(request, "collaborations/need_not_industry.html", status=403)

    def save(form):
        data = form.need_data()
        return services.need_create(actor=request.user, institute=data.pop("institute"), **data)

    return save_page(
        request,
        NeedForm(request.POST or None, user=request.user),
        save=save,
        saved=lambda need: saved_redirect(
            request, _("Your need is posted."), need.get_absolute_url()
        ),
        page=partial(_render_form, request),
    )


@login_required
def need_edit(request, slug):
    need = _visible_need(request, slug)
    require(request.user, "collaborations.change_industry_need", need)
    return save_page(
        request,
        NeedForm(request.POST or None, instance=need, user=request.user),
        save=lambda form: services.need_update(
            actor=request.user,
            need=need,
            version=form.cleaned_data["version"],
            **form.need_data(),
        ),
        saved=lambda need: saved_redirect(
            request, _("The need is saved."), need.get_absolute_url()
        ),
        page=partial(_render_form, request, current=need),
        user=request.user,
    )


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@login_required
@require_POST
def need_answer(request, slug):
    """A member answers with one of their institute's records, or in words."""
    need = _visible_need(request, slug)
    require(request.user, "collaborations.answer_industry_need", need)
    if request.POST.get("kind") == "capability":
        form = CapabilityAnswerForm(
            request.POST, records=selectors.answerable_records(user=request.user, need=need)
        )
        answer = services.need_answer_capability
        fields = ("record", "comment")
    else:
        form = CommentAnswerForm(
            request.POST, institutes=selectors.answering_institutes(user=request.user, need=need)
        )
        answer = services.need_answer_comment
        fields = ("institute", "comment")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(need.get_absolute_url())
    try:
        answer(actor=request.user, need=need, **{name: form.cleaned_data[name] for name in fields})
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(request, _("Your answer is posted; the poster of the need hears of it."))
    return redirect(need.get_absolute_url() + "#answers")


@login_required
@require_POST
def need_met(request, slug):
    """The poster says which answer met the need."""
    need = _visible_need(request, slug)
    require(request.user, "collaborations.meet_industry_need", need)
    form = NeedMetForm(request.POST, answers=need.answers.all())
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(need.get_absolute_url())
    try:
        services.need_mark_met(actor=request.user, need=need, **form.cleaned_data)
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(request, _("The need is marked as met."))
    return redirect(need.get_absolute_url())


@login_required
@require_POST
def need_close(request, slug):
    need = _visible_need(request, slug)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    try:
        services.need_close(actor=request.user, need=need, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(request, _("The need is closed."))
    return redirect(need.get_absolute_url())


@login_required
def need_subscriptions(request):
    """The areas one hears of new needs in, and those one's institutes list records in."""
    areas = selectors.subscribable_areas(user=request.user)
    form = AreaChoiceForm(request.POST or None, areas=areas)
    if request.method == "POST":
        if not form.is_valid():
            _form_errors(request, form)
            return redirect("collaborations:need_subscriptions")
        area = form.cleaned_data["area"]
        if "unsubscribe" in request.POST:
            if services.need_unsubscribe(actor=request.user, technology_area=area):
                messages.success(
                    request, _("You no longer hear of new needs in %(area)s.") % {"area": area}
                )
            else:
                messages.info(
                    request, _("You were not hearing of new needs in %(area)s.") % {"area": area}
                )
        else:
            services.need_subscribe(actor=request.user, technology_area=area)
            messages.success(request, _("You will hear of new needs in %(area)s.") % {"area": area})
        return redirect("collaborations:need_subscriptions")
    return render(
        request,
        "collaborations/need_subscriptions.html",
        {"form": form, "subscriptions": selectors.need_subscriptions(user=request.user)},
    )
