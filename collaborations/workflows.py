"""The state tables of projects and participations; the workflow engine runs them."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nmiq_portal.workflow.registry import NEW, Transition, Workflow, register

from . import notifications
from .enums import (
    CLOSED_PROJECT_STATUSES,
    AnswerStatus,
    NeedStatus,
    ParticipationRole,
    ParticipationStatus,
)
from .enums import ProjectStatus as S
from .models import IndustryNeed, NeedAnswer, Participation, Project, ProjectReview

# Guards: each returns why the move cannot happen now, or None.


def enough_partners(project, actor):
    """VAMAS-like: enough institutes from enough economies have accepted (set per TWA)."""
    twa = project.twa
    economies = list(
        project.participations.filter(status=ParticipationStatus.ACCEPTED).values_list(
            "institute__economy", flat=True
        )
    )
    if len(economies) >= twa.min_institutes and len(set(economies)) >= twa.min_economies:
        return None
    needed = ngettext(
        "A proposal needs at least %(count)d accepted institute",
        "A proposal needs at least %(count)d accepted institutes",
        twa.min_institutes,
    ) % {"count": twa.min_institutes}
    spread = ngettext(
        "from %(count)d economy",
        "from %(count)d economies",
        twa.min_economies,
    ) % {"count": twa.min_economies}
    now = _("(the lead included); it has %(institutes)d from %(economies)d so far.") % {
        "institutes": len(economies),
        "economies": len(set(economies)),
    }
    return f"{needed} {spread} {now}"


def twa_takes_proposals(project, actor):
    if not project.twa.active:
        return _("%(twa)s no longer takes proposals.") % {"twa": project.twa}
    return None


def enough_reviews(project, actor):
    """The working area's number of coordinators have reviewed this round; the one deciding
    counts as a reviewer, so with the default of one a coordinator decides alone."""
    reviewers = set(
        ProjectReview.objects.filter(
            project=project, round_submitted_at=project.submitted_at
        ).values_list("reviewer_id", flat=True)
    )
    if actor is not None:
        reviewers.add(actor.pk)
    needed = project.twa.reviews_required
    if len(reviewers) >= needed:
        return None
    return ngettext(
        "A decision needs %(needed)d review; %(count)d so far, counting yours.",
        "A decision needs %(needed)d reviews; %(count)d so far, counting yours.",
        needed,
    ) % {"needed": needed, "count": len(reviewers)}


def final_report_linked(project, actor):
    if not project.final_report_url:
        return _("Link the final report before completing the project.")
    return None


def project_open(participation, actor):
    project = participation.project
    if project.status in CLOSED_PROJECT_STATUSES:
        return _("The project is %(status)s; who takes part no longer changes.") % {
            "status": project.get_status_display().lower()
        }
    return None


def not_the_lead(participation, actor):
    if participation.role == ParticipationRole.LEAD or (
        participation.institute_id == participation.project.lead_institute_id
    ):
        return _("The lead institute takes part in its project from start to end.")
    return None


def is_the_lead(participation, actor):
    if participation.role != ParticipationRole.LEAD or (
        participation.institute_id != participation.project.lead_institute_id
    ):
        return _("Only the lead institute leads the project.")
    return None


OPEN_PROPOSAL = (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED)

PROJECT = register(
    Workflow(
        name="collaborations.project",
        model=Project,
        notify=notifications.project_moved,
        transitions=[
            # action, from, to, permission, label, guards …
            Transition("create", (NEW,), S.DRAFT, "collaborations.add_project", _("Save as draft")),
            Transition(
                "submit",
                (S.DRAFT, S.CHANGES_REQUESTED),
                S.SUBMITTED,
                "collaborations.submit_project",
                _("Submit for review"),
                guards=(twa_takes_proposals, enough_partners),
                stamp="submitted_at",
            ),
            Transition(
                "start_review",
                (S.SUBMITTED,),
                S.IN_REVIEW,
                "collaborations.review_project",
                _("Start the review"),
            ),
            Transition(
                "approve",
                (S.IN_REVIEW,),
                S.APPROVED,
                "collaborations.review_project",
                _("Approve"),
                guards=(enough_partners, enough_reviews),
                comment_required=True,
                stamp="decided_at",
            ),
            Transition(
                "reject",
                (S.IN_REVIEW,),
                S.REJECTED,
                "collaborations.review_project",
                _("Reject"),
                guards=(enough_reviews,),
                comment_required=True,
                stamp="decided_at",
            ),
            Transition(
                "request_changes",
                (S.IN_REVIEW,),
                S.CHANGES_REQUESTED,
                "collaborations.review_project",
                _("Request changes"),
                guards=(enough_reviews,),
                comment_required=True,
            ),
            Transition(
                "activate",
                (S.APPROVED,),
                S.ACTIVE,
                "collaborations.activate_project",
                _("Mark as started"),
            ),
            Transition(
                "complete",
                (S.ACTIVE,),
                S.COMPLETED,
                "collaborations.complete_project",
                _("Mark as completed"),
                guards=(final_report_linked,),
            ),
            Transition(
                "withdraw",
                OPEN_PROPOSAL,
                S.WITHDRAWN,
                "collaborations.withdraw_project",
                _("Withdraw the proposal"),
            ),
        ],
    )
)

P = ParticipationStatus
REOPENABLE = (NEW, P.DECLINED, P.LEFT)

PARTICIPATION = register(
    Workflow(
        name="collaborations.participation",
        model=Participation,
        notify=notifications.participation_moved,
        transitions=[
            Transition(
                "lead",
                (NEW,),
                P.ACCEPTED,
                "collaborations.lead_project",
                _("Lead the project"),
                guards=(is_the_lead,),
            ),
            Transition(
                "request",
                REOPENABLE,
                P.REQUESTED,
                "collaborations.request_participation",
                _("Ask to join"),
                guards=(project_open, not_the_lead),
            ),
            Transition(
                "invite",
                REOPENABLE,
                P.INVITED,
                "collaborations.manage_participation",
                _("Invite"),
                guards=(project_open, not_the_lead),
            ),
            Transition(
                "accept",
                (P.REQUESTED,),
                P.ACCEPTED,
                "collaborations.manage_participation",
                _("Accept the request"),
                guards=(project_open,),
            ),
            Transition(
                "accept",
                (P.INVITED,),
                P.ACCEPTED,
                "collaborations.answer_participation",
                _("Accept the invitation"),
                guards=(project_open,),
            ),
            Transition(
                "decline",
                (P.REQUESTED,),
                P.DECLINED,
                "collaborations.manage_participation",
                _("Decline the request"),
            ),
            Transition(
                "decline",
                (P.INVITED,),
                P.DECLINED,
                "collaborations.answer_participation",
                _("Decline the invitation"),
            ),
            Transition(
                "leave",
                (P.ACCEPTED,),
                P.LEFT,
                "collaborations.leave_participation",
                _("Leave the project"),
                guards=(not_the_lead, project_open),
            ),
        ],
    )
)


# --- industry needs ---


def has_answers(need, actor):
    if not need.answers.exists():
        return _("A need is met by one of its answers; it has none yet.")
    return None


N = NeedStatus

INDUSTRY_NEED = register(
    Workflow(
        name="collaborations.industry_need",
        model=IndustryNeed,
        notify=notifications.need_moved,
        transitions=[
            Transition(
                "create", (NEW,), N.OPEN, "collaborations.add_industry_need", _("Post the need")
            ),
            Transition(
                "mark_met",
                (N.OPEN,),
                N.MET,
                "collaborations.meet_industry_need",
                _("Mark as met"),
                guards=(has_answers,),
                stamp="decided_at",
            ),
            Transition(
                "close",
                (N.OPEN,),
                N.CLOSED,
                "collaborations.close_industry_need",
                _("Close the need"),
                stamp="decided_at",
            ),
        ],
    )
)

NEED_ANSWER = register(
    Workflow(
        name="collaborations.need_answer",
        model=NeedAnswer,
        notify=notifications.answer_moved,
        transitions=[
            Transition(
                "post",
                (NEW,),
                AnswerStatus.POSTED,
                "collaborations.answer_industry_need",
                _("Answer"),
            ),
        ],
    )
)
