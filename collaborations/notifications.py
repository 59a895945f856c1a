"""The notifications of the collaborations app, and who gets each one.

Every project transition and participation change notifies the people it concerns — never the
person who made it, and never anyone who may not see the project.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nmiq_portal.notifications.registry import NotificationType, register
from nmiq_portal.notifications.services import notify

from .enums import AWAITING_REVIEW_STATUSES, ParticipationRole, ParticipationStatus
from .models import paths_up
from .permissions import need_viewers, project_deciders

_DECISION_BODY = "%(comment)s"


def _type(key, title, body=""):
    return register(NotificationType(key=f"collaborations.{key}", title=title, body=body))


PROJECT_TYPES = {
    "submit": _type(
        "project_submitted",
        _("%(actor)s submitted the proposal %(project)s to %(twa)s"),
        _("Open the proposal to start its review."),
    ),
    "start_review": _type(
        "project_review_started", _("The coordinators of %(twa)s are reviewing %(project)s")
    ),
    "approve": _type("project_approved", _("%(project)s is approved"), _DECISION_BODY),
    "reject": _type("project_rejected", _("%(project)s is rejected"), _DECISION_BODY),
    "request_changes": _type(
        "project_changes_requested",
        _("Changes are requested to %(project)s before it is approved"),
        _DECISION_BODY,
    ),
    "activate": _type("project_activated", _("%(project)s has started")),
    "complete": _type("project_completed", _("%(project)s is completed")),
    "withdraw": _type("project_withdrawn", _("%(actor)s withdrew the proposal %(project)s")),
}

PARTICIPATION_TYPES = {
    ("request", None): _type(
        "participation_requested",
        _("%(institute)s asks to join %(project)s"),
        _("Open the project to accept or decline the request."),
    ),
    ("invite", None): _type(
        "participation_invited",
        _("%(institute)s is invited to join %(project)s"),
        _("Open the project to accept or decline the invitation."),
    ),
    ("accept", ParticipationStatus.REQUESTED): _type(
        "participation_request_accepted", _("%(institute)s is accepted in %(project)s")
    ),
    ("decline", ParticipationStatus.REQUESTED): _type(
        "participation_request_declined",
        _("The request of %(institute)s to join %(project)s is declined"),
    ),
    ("accept", ParticipationStatus.INVITED): _type(
        "participation_invitation_accepted",
        _("%(institute)s accepted the invitation to join %(project)s"),
    ),
    ("decline", ParticipationStatus.INVITED): _type(
        "participation_invitation_declined",
        _("%(institute)s declined the invitation to join %(project)s"),
    ),
    ("leave", None): _type("participation_left", _("%(institute)s left %(project)s")),
}

# Sent by the reminder and digest jobs (collaborations/tasks.py).
REVIEW_OVERDUE = _type(
    "review_overdue",
    _("%(project)s has waited %(days)s days for review in %(twa)s"),
    _("Open the review queue to start or finish its review."),
)
DELIVERABLE_DUE = _type(
    "deliverable_due",
    _("“%(deliverable)s” of %(project)s is due on %(due)s"),
)


def _members(institute_ids):
    return Q(memberships__institute_id__in=list(institute_ids))


def _lead(project):
    return _members([project.lead_institute_id])


def _proposer(project):
    return Q(pk=project.proposer_id)


def _participants(project):
    """Members of the institutes that accepted to take part, the lead aside."""
    accepted = project.participations.filter(status=ParticipationStatus.ACCEPTED).exclude(
        role=ParticipationRole.LEAD
    )
    return _members(accepted.values_list("institute_id", flat=True))


def _coordinators(project):
    return Q(coordinated_twas=project.twa_id)


def _deciders(project):
    """The coordinators who may decide; the staff when every coordinator has a conflict."""
    return Q(pk__in=[person.pk for person in project_deciders(project)])


#: Who hears of each move of a project (beyond that, nobody: the actor never).
PROJECT_AUDIENCES = {
    "create": (),
    "submit": (_deciders, _lead),
    "start_review": (_proposer, _lead),
    "approve": (_proposer, _lead, _participants),
    "reject": (_proposer, _lead, _participants),
    "request_changes": (_proposer, _lead),
    "activate": (_proposer, _lead, _participants, _coordinators),
    "complete": (_proposer, _lead, _participants, _coordinators),
    "withdraw": (_proposer, _lead, _participants),
}


def _recipients(project, audience: Q, *, actor):
    """Active people in ``audience`` who may see ``project``, the actor aside."""
    people = (
        get_user_model()
        .objects.filter(audience, is_active=True)
        .exclude(pk=getattr(actor, "pk", None))
        .distinct()
        .order_by("pk")
    )
    return [person for person in people if person.has_perm("collaborations.view_project", project)]


def _data(project, event, **extra) -> dict:
    return {
        "project": project.acronym,
        "title": project.title,
        "twa": str(project.twa),
        "actor": str(event.actor) if event.actor else "",
        "comment": event.comment,
        **extra,
    }


def project_moved(*, event, obj, transition) -> None:
    """Notify the people concerned by a project's move (the workflow's notify hook)."""
    project = obj
    parts = [make(project) for make in PROJECT_AUDIENCES.get(event.action, ())]
    if event.action == "withdraw" and event.from_state in AWAITING_REVIEW_STATUSES:
        parts.append(_coordinators(project))
    if not parts:
        return
    audience = Q(pk__in=[])
    for part in parts:
        audience |= part
    ntype = PROJECT_TYPES[event.action]
    data, url = _data(project, event), project.get_absolute_url()
    for person in _recipients(project, audience, actor=event.actor):
        notify(
            recipient=person, verb=ntype.key, actor=event.actor, target=project, data=data, url=url
        )


# A review tells who it concerns that the round moved on, never what it says: its score and
# comment stay on the proposal's page, shown to a coordinator once they wrote their own.
REVIEW_TO_COORDINATORS = _type(
    "project_reviewed",
    _("A review of %(project)s is recorded: %(count)s of %(required)s needed"),
    _("Open the proposal to write yours; the others' show once you have."),
)
REVIEW_TO_PROPOSERS = _type(
    "project_review_recorded",
    _("A coordinator of %(twa)s reviewed %(project)s: %(count)s of %(required)s reviews needed"),
)


def project_reviewed(*, review, actor, count: int) -> None:
    """The other coordinators who may review the proposal, and its proposer and lead
    institute, hear that a review of the round was recorded (``count`` so far)."""
    project = review.project
    data = {
        "project": project.acronym,
        "twa": str(project.twa),
        "count": count,
        "required": project.twa.reviews_required,
    }
    audience = _coordinators(project) | _proposer(project) | _lead(project)
    for person in _recipients(project, audience, actor=actor):
        reviewer = person.has_perm("collaborations.review_project", project)
        ntype = REVIEW_TO_COORDINATORS if reviewer else REVIEW_TO_PROPOSERS
        notify(
            recipient=person,
            verb=ntype.key,
            actor=actor,
            target=project,
            data=data,
            url=project.get_absolute_url(),
        )


def participation_moved(*, event, obj, transition) -> None:
    """Notify the other side of a participation change (the workflow's notify hook)."""
    participation = obj
    project = participation.project
    ntype = PARTICIPATION_TYPES.get((event.action, event.from_state)) or PARTICIPATION_TYPES.get(
        (event.action, None)
    )
    if ntype is None:
        return
    # The lead hears from the institute; the institute hears from the lead.
    from_lead = event.action == "invite" or event.from_state == ParticipationStatus.REQUESTED
    audience = _members([participation.institute_id]) if from_lead else _lead(project)
    data = _data(project, event, institute=participation.institute.acronym)
    url = project.get_absolute_url()
    for person in _recipients(project, audience, actor=event.actor):
        notify(
            recipient=person, verb=ntype.key, actor=event.actor, target=project, data=data, url=url
        )


# --- industry needs ---

NEED_POSTED = _type(
    "need_posted",
    _("New industry need in %(area)s: %(need)s"),
    _("%(institute)s needs it by %(needed_by)s. Open the need to answer it."),
)
NEED_ANSWERED = _type(
    "need_answered",
    _("%(institute)s answered your need “%(need)s”"),
    "%(answer)s",
)
NEED_TYPES = {
    "mark_met": _type("need_met", _("“%(need)s” is met"), "%(comment)s"),
    "close": _type("need_closed", _("“%(need)s” is closed"), "%(comment)s"),
}
# Sent by the reminder job (collaborations/tasks.py).
NEED_UNANSWERED = _type(
    "need_unanswered",
    _("“%(need)s” in %(area)s has had no answer for %(days)s days"),
    _("Open the need to answer it or to point an institute to it."),
)


def need_data(need, **extra) -> dict:
    return {
        "need": need.title,
        "area": need.technology_area.name,
        "institute": need.institute.acronym,
        "needed_by": need.needed_by.isoformat() if need.needed_by else "—",
        **extra,
    }


def need_recipients(need, people, *, actor=None) -> list:
    """``people`` who are active and may see ``need``, the actor aside, each once."""
    people = {
        person.pk: person
        for person in people
        if person.is_active and (actor is None or person.pk != actor.pk)
    }
    may_see = set(need_viewers(need).filter(pk__in=people).values_list("pk", flat=True))
    return [person for pk, person in people.items() if pk in may_see]


def _subscribers(need):
    return (
        get_user_model()
        .objects.filter(
            need_subscriptions__technology_area__path__in=paths_up(need.technology_area)
        )
        .distinct()
        .order_by("pk")
    )


def _answerers(need):
    return get_user_model().objects.filter(need_answers__need=need).distinct().order_by("pk")


def need_moved(*, event, obj, transition) -> None:
    """A new need reaches the subscribers of its area; a need met or closed, those who
    answered it (the workflow's notify hook)."""
    need = obj
    if event.action == "create":
        ntype, people = NEED_POSTED, _subscribers(need)
    elif event.action in NEED_TYPES:
        ntype, people = NEED_TYPES[event.action], _answerers(need)
    else:
        return
    data = need_data(need, comment=event.comment)
    for person in need_recipients(need, people, actor=event.actor):
        notify(
            recipient=person,
            verb=ntype.key,
            actor=event.actor,
            target=need,
            data=data,
            url=need.get_absolute_url(),
        )


def answer_moved(*, event, obj, transition) -> None:
    """The poster hears of every answer to their need (the answer workflow's notify hook)."""
    answer, need = obj, obj.need
    if event.action != "post":
        return
    if answer.project_id:
        # A proposal starts as a draft of the answering institute: its title is not the
        # poster's to read yet.
        summary = str(_("They propose a project to meet it."))
    else:
        summary = str(answer.capability or answer.comment)[:300]
    data = need_data(need, institute=answer.institute.acronym, answer=summary)
    for person in need_recipients(need, [need.posted_by], actor=event.actor):
        notify(
            recipient=person,
            verb=NEED_ANSWERED.key,
            actor=event.actor,
            target=need,
            data=data,
            url=need.get_absolute_url(),
        )
