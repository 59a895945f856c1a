"""Pages of the collaborations: working areas, projects, proposals, their review, participation."""

from functools import partial

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import CheckboxSelectMultiple
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capabilities.models import Institute
from nmiq_portal.core import sections
from nmiq_portal.core.exceptions import StaleEdit
from nmiq_portal.core.forms import (
    add_service_errors,
    conflict_rows,
    message_service_errors,
    stale_form,
)
from nmiq_portal.core.permissions import require
from nmiq_portal.workflow import available_actions

from .. import selectors, services
from ..enums import CLOSED_PROJECT_STATUSES, EDITABLE_PROJECT_STATUSES, ProjectStatus
from ..filters import ProjectFilterSet, TWAFilterSet
from ..forms import (
    FinalReportForm,
    InstituteChoiceForm,
    ProjectForm,
    ReviewForm,
    TransitionForm,
    deliverable_formset,
)
from ..models import Deliverable, Participation, Project
from ..reviews import review_record, reviews_for

PAGE_SIZE = 30
#: States in which the lead ticks deliverables off and links the final report.
RUNNING_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.ACTIVE)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Technical working areas ------------------------------------------------------------------


def twa_list(request):
    filterset = TWAFilterSet(request.GET, queryset=selectors.twa_list(user=request.user))
    return render(request, "collaborations/twa_list.html", {"filter": filterset})


def twa_detail(request, slug):
    twa = get_object_or_404(selectors.twa_for_page(user=request.user), slug=slug)
    groups = selectors.twa_projects_by_state(user=request.user, twa=twa)
    projects = [project for _label, group in groups for project in group]
    return render(
        request,
        "collaborations/twa_detail.html",
        {
            "twa": twa,
            "groups": groups,
            **selectors.twa_participants(user=request.user, projects=projects),
        },
    )


# --- Projects ----------------------------------------------------------------------------------


def project_list(request):
    filterset = ProjectFilterSet(
        request.GET, queryset=selectors.project_list(user=request.user), request=request
    )
    economy = filterset.form.fields["economy"]
    economy.widget = CheckboxSelectMultiple(choices=selectors.economy_choices(user=request.user))
    economy.choices = economy.widget.choices
    institute = filterset.form.fields["institute"]
    institute.queryset = selectors.participating_institutes(user=request.user)
    institute.label_from_instance = lambda i: i.acronym
    twa = filterset.form.fields["twa"]
    twa.queryset = twa.queryset.filter(active=True)
    # A filter the form refuses (a state the public may not ask for) matches nothing.
    projects = filterset.qs if filterset.is_valid() else Project.objects.none()
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "collaborations/_project_results.html"
        if request.htmx
        else "collaborations/project_list.html"
    )
    return render(request, template, {"filter": filterset, "page": page, "query": _query(request)})


def _visible_project(request, slug) -> Project:
    return get_object_or_404(selectors.project_for_page(user=request.user), slug=slug)


def project_detail(request, slug):
    project = _visible_project(request, slug)
    user = request.user
    audit = user.has_perm("collaborations.view_project_audit", project)
    participations = selectors.project_participations(user=user, project=project, audit=audit)
    context = {
        "project": project,
        "deliverables": list(project.deliverables.all()),
        "participations": participations,
        "audit": audit,
        "timeline": selectors.project_timeline(project=project, participations=participations)
        if audit
        else None,
        "actions": available_actions(project, user),
        "can_edit": project.status in EDITABLE_PROJECT_STATUSES
        and user.has_perm("collaborations.change_project", project),
        "deciders": selectors.project_deciders(project=project) if audit else [],
        "runs": project.status in RUNNING_STATUSES
        and user.has_perm("collaborations.complete_project", project),
        "final_report_form": FinalReportForm(
            initial={"final_report_url": project.final_report_url}
        ),
        "readiness": selectors.submission_readiness(project=project, participations=participations)
        if audit and project.status in EDITABLE_PROJECT_STATUSES
        else None,
    }
    context.update(_next_steps(project, context["actions"], context["readiness"]))
    reviews = reviews_for(user=user, project=project)
    context["reviews"] = reviews
    if reviews is not None and reviews.may_review:
        initial = (
            {"score": reviews.own.score, "comment": reviews.own.comment} if reviews.own else {}
        )
        context["review_form"] = ReviewForm(scale=reviews.scale, initial=initial)
    for participation in participations:
        participation.actions = (
            [move for move in available_actions(participation, user) if move.allowed]
            if audit
            else []
        )
    if user.is_authenticated and project.status not in CLOSED_PROJECT_STATUSES:
        joinable = selectors.joinable_institutes(user=user, project=project)
        context["join_form"] = InstituteChoiceForm(institutes=joinable, auto_id="join_%s")
        if user.has_perm("collaborations.manage_participation", project):
            context["invite_form"] = InstituteChoiceForm(
                institutes=selectors.invitable_institutes(user=user, project=project),
                auto_id="invite_%s",
            )
    return render(request, "collaborations/project_detail.html", context)


#: Actions the proposal's task list offers itself, so the actions card leaves them out.
TASK_ACTIONS = ("submit", "withdraw")


def _next_steps(project, actions, readiness) -> dict:
    """A draft's next steps (invite partners, then submit) and its secondary withdrawal, for
    those who prepare it; the other moves stay in the actions card."""
    if readiness is None:
        return {"tasks": None}
    by_name = {action.name: action for action in actions}
    submit = by_name.get("submit")
    return {
        "tasks": {
            "submit": submit,
            "withdraw": by_name.get("withdraw"),
            "partners_done": readiness["ready"],
        },
        "actions": [action for action in actions if action.name not in TASK_ACTIONS],
    }


def _render_form(request, *, form, formset, project=None, conflict=None, status=200, need=None):
    return render(
        request,
        "collaborations/project_form.html",
        {
            "form": form,
            "formset": formset,
            "project": project,
            "need": need,
            "conflict": conflict,
            "review_days": settings.PROPOSAL_REVIEW_DAYS,
        },
        status=status,
    )


def _submit(request, project) -> Project:
    """Submit right after saving; a refused submission leaves the draft saved and says why."""
    try:
        project = services.project_transition(actor=request.user, project=project, action="submit")
    except ValidationError as error:
        messages.warning(request, _("Your proposal is saved but not submitted yet."))
        message_service_errors(request, error)
    else:
        messages.success(
            request,
            _("%(project)s is submitted: the coordinators of its working area review it.")
            % {"project": project.acronym},
        )
    return project


@login_required
def project_create(request):
    """An institute member drafts a proposal; saving keeps it a draft, or submits it. With
    ``?need=<slug>``, the proposal answers that industry need and starts filled in from it."""
    if not request.user.has_perm("collaborations.add_project"):
        return render(request, "collaborations/project_no_institute.html", status=403)
    need = None
    initial = {"twa": request.GET.get("twa")}
    if request.GET.get("need"):
        need = get_object_or_404(
            selectors.need_for_page(user=request.user), slug=request.GET["need"]
        )
        require(request.user, "collaborations.answer_industry_need", need)
        initial = selectors.need_proposal_initial(need)
    form = ProjectForm(request.POST or None, user=request.user, initial=initial)
    formset = deliverable_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.project_data()
        create = services.project_create
        if need is not None:
            create = partial(services.need_propose_project, need=need)
        try:
            project = create(
                actor=request.user,
                twa=data.pop("twa"),
                lead_institute=data.pop("lead_institute"),
                deliverables=formset.deliverables(),
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(project)s is saved as a draft: only your institute sees it.")
                % {"project": project.acronym},
            )
            if "submit" in request.POST:
                project = _submit(request, project)
            return redirect(project.get_absolute_url())
    return _render_form(request, form=form, formset=formset, need=need)


@login_required
def project_edit(request, slug):
    project = _visible_project(request, slug)
    if project.status not in EDITABLE_PROJECT_STATUSES:
        messages.error(request, _("Only a draft, or a proposal sent back for changes, is edited."))
        return redirect(project.get_absolute_url())
    require(request.user, "collaborations.change_project", project)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    formset = deliverable_formset(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            project = services.project_update(
                actor=request.user,
                project=project,
                version=form.cleaned_data["version"],
                deliverables=formset.deliverables(),
                **form.project_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleEdit as stale:
            return _render_form(
                request,
                form=stale_form(request, ProjectForm, stale, user=request.user),
                formset=formset,
                project=stale.current,
                conflict=conflict_rows(stale),
                status=409,
            )
        else:
            messages.success(request, _("%(project)s is saved.") % {"project": project.acronym})
            if "submit" in request.POST:
                project = _submit(request, project)
            return redirect(project.get_absolute_url())
    return _render_form(request, form=form, formset=formset, project=project)


@login_required
@require_POST
def project_transition(request, slug):
    project = _visible_project(request, slug)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    action = form.cleaned_data["action"]
    try:
        project = services.project_transition(
            actor=request.user, project=project, action=action, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request,
            _("%(project)s is now “%(status)s”.")
            % {"project": project.acronym, "status": ProjectStatus(project.status).label},
        )
    return redirect(project.get_absolute_url())


@login_required
@require_POST
def project_review(request, slug):
    """A coordinator records (or revises) their review of a proposal in review."""
    project = _visible_project(request, slug)
    reviews = reviews_for(user=request.user, project=project)
    if reviews is None:
        raise PermissionDenied
    form = ReviewForm(request.POST, scale=reviews.scale)
    if form.is_valid():
        try:
            review_record(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            message_service_errors(request, error)
        else:
            messages.success(request, _("Your review is recorded."))
            return redirect(f"{project.get_absolute_url()}#reviews-heading")
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(f"{project.get_absolute_url()}#reviews-heading")


@login_required
@require_POST
def project_final_report(request, slug):
    """The lead links the final report of its approved or running project."""
    project = _visible_project(request, slug)
    require(request.user, "collaborations.complete_project", project)
    form = FinalReportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(project.get_absolute_url())
    try:
        services.project_link_final_report(actor=request.user, project=project, **form.cleaned_data)
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(request, _("The final report is linked."))
    return redirect(project.get_absolute_url())


@login_required
@require_POST
def deliverable_done(request, pk):
    """The lead ticks a deliverable off (or back on) while the project runs."""
    deliverable = get_object_or_404(
        Deliverable.objects.select_related("project").filter(
            project__in=Project.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    require(request.user, "collaborations.complete_project", deliverable.project)
    try:
        services.deliverable_set_done(
            actor=request.user, deliverable=deliverable, done=request.POST.get("done") == "1"
        )
    except ValidationError as error:
        message_service_errors(request, error)
    return redirect(deliverable.project.get_absolute_url() + "#deliverables-heading")


# --- Participation -----------------------------------------------------------------------------


def _chosen_institute(request, institutes) -> Institute:
    form = InstituteChoiceForm(request.POST, institutes=institutes)
    if not form.is_valid():
        raise PermissionDenied
    return form.cleaned_data["institute"]


@login_required
@require_POST
def participation_request(request, slug):
    """A member asks for their institute to join the project; the lead answers."""
    project = _visible_project(request, slug)
    institute = _chosen_institute(
        request, selectors.joinable_institutes(user=request.user, project=project)
    )
    try:
        services.participation_request(actor=request.user, project=project, institute=institute)
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request,
            _("%(institute)s asked to join; %(lead)s will answer.")
            % {"institute": institute.acronym, "lead": project.lead_institute.acronym},
        )
    return redirect(project.get_absolute_url())


@login_required
@require_POST
def participation_invite(request, slug):
    """The lead invites an institute; its members answer."""
    project = _visible_project(request, slug)
    require(request.user, "collaborations.manage_participation", project)
    institute = _chosen_institute(
        request, selectors.invitable_institutes(user=request.user, project=project)
    )
    try:
        services.participation_invite(actor=request.user, project=project, institute=institute)
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(request, _("%(institute)s is invited.") % {"institute": institute.acronym})
    return redirect(project.get_absolute_url())


@login_required
@require_POST
def participation_transition(request, pk):
    participation = get_object_or_404(
        Participation.objects.select_related("project", "institute").filter(
            project__in=Project.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    try:
        participation = services.participation_transition(
            actor=request.user,
            participation=participation,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request,
            _("%(institute)s: %(status)s.")
            % {
                "institute": participation.institute.acronym,
                "status": participation.get_status_display().lower(),
            },
        )
    return redirect(participation.project.get_absolute_url())


# --- Review queue ------------------------------------------------------------------------------


@login_required
def review_queue(request):
    """Proposals waiting for the working areas ``request.user`` coordinates; refused (403, with
    who names coordinators) to anyone who coordinates none, as the menu offers it to nobody else."""
    if not rules.test_rule("collaborations.reviews", request.user):
        return render(request, "collaborations/review_queue.html", {"refused": True}, status=403)
    return render(
        request,
        "collaborations/review_queue.html",
        {
            "entries": selectors.review_queue(user=request.user),
            "review_days": settings.PROPOSAL_REVIEW_DAYS,
            "sections": sections.render_context("review", request),
        },
    )
