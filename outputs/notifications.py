"""The notifications of the outputs app, and who gets each one, one block per kind."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nmiq_portal.notifications.registry import NotificationType, register
from nmiq_portal.notifications.services import notify, settle

from .permissions import guide_reviewers

#: The moves that answer a submission: once one is made, "… submitted for review" is settled
#: in every reviewer's inbox.
DECISIONS = ("publish", "send_back", "withdraw")

# --- glossary ---


def _term_type(key, title, body=""):
    return register(NotificationType(key=f"outputs.{key}", title=title, body=body))


TERM_TYPES = {
    "create": _term_type(
        "term_proposed",
        _("%(actor)s proposed the term “%(term)s” for the glossary"),
        _("Open the term to agree it or reject it."),
    ),
    "agree": _term_type("term_agreed", _("The term “%(term)s” is agreed")),
    "reject": _term_type("term_rejected", _("The term “%(term)s” is rejected"), "%(comment)s"),
    "supersede": _term_type(
        "term_superseded", _("The term “%(term)s” is superseded by “%(successor)s”")
    ),
}


def _term_audience(term, action):
    from .permissions import term_deciders

    if action == "create":
        return term_deciders(term)
    if action in ("agree", "reject", "supersede"):
        return [term.proposed_by]
    return []


def term_moved(*, event, obj, transition) -> None:
    """Proposals reach those who may decide on them; decisions reach the proposer."""
    term = obj
    if event.action != "create":  # every other move ends the proposal
        settle(target=term, verbs=[TERM_TYPES["create"].key])
    ntype = TERM_TYPES.get(event.action)
    if ntype is None:
        return
    data = {
        "term": term.term,
        "actor": str(event.actor) if event.actor else "",
        "comment": event.comment,
        "successor": term.superseded_by.term if term.superseded_by_id else "",
    }
    for person in _term_audience(term, event.action):
        if person.pk == getattr(event.actor, "pk", None) or not person.is_active:
            continue
        if not person.has_perm("outputs.view_term", term):
            continue
        notify(
            recipient=person,
            verb=ntype.key,
            actor=event.actor,
            target=term,
            data=data,
            url=term.get_absolute_url(),
        )


# --- comparisons ---
# Submitted: the coordinators of the working area who may decide (staff when none may); a
# decision or withdrawal: the lead institute's members. Never the actor, never anyone who may
# not see the comparison.


def _comparison_type(key, title, body=""):
    return register(NotificationType(key=f"outputs.comparison_{key}", title=title, body=body))


COMPARISON_TYPES = {
    "submit": _comparison_type(
        "submitted",
        _("%(actor)s submitted the results of %(comparison)s for review"),
        _("Open the comparison to publish it or send it back."),
    ),
    "publish": _comparison_type("published", _("The results of %(comparison)s are published")),
    "send_back": _comparison_type(
        "sent_back", _("The results of %(comparison)s are sent back"), "%(comparison_comment)s"
    ),
    "withdraw": _comparison_type(
        "withdrawn", _("The results of %(comparison)s are withdrawn"), "%(comparison_comment)s"
    ),
}


def _comparison_reviewers(comparison):
    people = get_user_model().objects.filter(is_active=True).order_by("pk")
    coordinators = [
        person
        for person in people.filter(coordinated_twas=comparison.project.twa_id)
        if person.has_perm("outputs.review_comparison", comparison)
    ]
    if coordinators:
        return Q(pk__in=[person.pk for person in coordinators])
    staff = [
        person
        for person in people.filter(is_staff=True)
        if person.has_perm("outputs.review_comparison", comparison)
    ]
    return Q(pk__in=[person.pk for person in staff])


def _comparison_lead(comparison):
    return Q(memberships__institute_id=comparison.project.lead_institute_id)


COMPARISON_AUDIENCES = {
    "create": (),
    "submit": (_comparison_reviewers,),
    "publish": (_comparison_lead,),
    "send_back": (_comparison_lead,),
    "withdraw": (_comparison_lead, _comparison_reviewers),
}


def comparison_moved(*, event, obj, transition) -> None:
    """Notify the people concerned by a comparison's move (the workflow's notify hook)."""
    comparison = obj
    if event.action in DECISIONS:
        settle(target=comparison, verbs=[COMPARISON_TYPES["submit"].key])
    parts = [make(comparison) for make in COMPARISON_AUDIENCES.get(event.action, ())]
    if not parts:
        return
    audience = Q(pk__in=[])
    for part in parts:
        audience |= part
    people = (
        get_user_model()
        .objects.filter(audience, is_active=True)
        .exclude(pk=getattr(event.actor, "pk", None))
        .distinct()
        .order_by("pk")
    )
    ntype = COMPARISON_TYPES[event.action]
    data = {
        "comparison": comparison.identifier,
        "actor": str(event.actor) if event.actor else "",
        "comparison_comment": event.comment,
    }
    for person in people:
        if person.has_perm("outputs.view_comparison", comparison):
            notify(
                recipient=person,
                verb=ntype.key,
                actor=event.actor,
                target=comparison,
                data=data,
                url=comparison.get_absolute_url(),
            )


# --- guides ---

_REASON = "%(comment)s"


def _guide_type(key, title, body=""):
    return register(NotificationType(key=f"outputs.{key}", title=title, body=body))


GUIDE_VERSION_TYPES = {
    "submit": _guide_type(
        "guide_version_submitted",
        _("%(actor)s submitted version %(number)s of the guide “%(guide)s” for review"),
        _("Open the version to publish it or send it back."),
    ),
    "publish": _guide_type(
        "guide_version_published", _("Version %(number)s of “%(guide)s” is published")
    ),
    "send_back": _guide_type(
        "guide_version_sent_back",
        _("Version %(number)s of “%(guide)s” is sent back to its authors"),
        _REASON,
    ),
    "withdraw": _guide_type(
        "guide_version_withdrawn", _("Version %(number)s of “%(guide)s” is withdrawn"), _REASON
    ),
}


def _authors(version):
    return Q(guide_versions=version.pk)


def _reviewers(version):
    return Q(pk__in=[person.pk for person in guide_reviewers(version.guide)])


#: Who hears of each move of a guide version (the other moves tell nobody).
GUIDE_VERSION_AUDIENCES = {
    "submit": _reviewers,
    "publish": _authors,
    "send_back": _authors,
    "withdraw": _authors,
}


def guide_version_moved(*, event, obj, transition) -> None:
    """Notify the people concerned by a guide version's move (the workflow's notify hook)."""
    if event.action in DECISIONS:
        settle(target=obj, verbs=[GUIDE_VERSION_TYPES["submit"].key])
    audience = GUIDE_VERSION_AUDIENCES.get(event.action)
    if audience is None:
        return
    version = obj
    people = (
        get_user_model()
        .objects.filter(audience(version), is_active=True)
        .exclude(pk=getattr(event.actor, "pk", None))
        .distinct()
        .order_by("pk")
    )
    ntype = GUIDE_VERSION_TYPES[event.action]
    data = {
        "guide": version.guide.title,
        "number": version.number,
        "actor": str(event.actor) if event.actor else "",
        "comment": event.comment,
    }
    url = version.get_absolute_url()
    for person in people:
        if person.has_perm("outputs.view_guide_version", version):
            notify(
                recipient=person,
                verb=ntype.key,
                actor=event.actor,
                target=version,
                data=data,
                url=url,
            )


# --- benchmarks ---
# Submitted: the reviewers (coordinators of the benchmark's area outside the result's
# institute, staff when there is none); a decision or withdrawal: the result's institute.


def _result_type(key, title, body=""):
    return register(NotificationType(key=f"outputs.benchmark_result_{key}", title=title, body=body))


RESULT_TYPES = {
    "submit": _result_type(
        "submitted",
        _("%(actor)s submitted a result of “%(benchmark)s” on %(platform)s for review"),
        _("Open the result to publish it or send it back."),
    ),
    "publish": _result_type(
        "published", _("Your result of “%(benchmark)s” on %(platform)s is published")
    ),
    "send_back": _result_type(
        "sent_back", _("Your result of “%(benchmark)s” on %(platform)s is sent back"), _REASON
    ),
    "withdraw": _result_type(
        "withdrawn", _("The result of “%(benchmark)s” on %(platform)s is withdrawn"), _REASON
    ),
}


def _result_institute(result):
    return Q(memberships__institute_id=result.institute_id)


def _result_reviewers(result):
    from .permissions import result_reviewers

    return Q(pk__in=[person.pk for person in result_reviewers(result)])


RESULT_AUDIENCES = {
    "submit": _result_reviewers,
    "publish": _result_institute,
    "send_back": _result_institute,
    "withdraw": _result_institute,
}


def benchmark_result_moved(*, event, obj, transition) -> None:
    """Notify the people concerned by a result's move (the workflow's notify hook)."""
    result = obj
    if event.action in DECISIONS:
        settle(target=result, verbs=[RESULT_TYPES["submit"].key])
    audience = RESULT_AUDIENCES.get(event.action)
    if audience is None:
        return
    people = (
        get_user_model()
        .objects.filter(audience(result), is_active=True)
        .exclude(pk=getattr(event.actor, "pk", None))
        .distinct()
        .order_by("pk")
    )
    ntype = RESULT_TYPES[event.action]
    data = {
        "benchmark": result.benchmark.name,
        "platform": result.platform,
        "actor": str(event.actor) if event.actor else "",
        "comment": event.comment,
    }
    for person in people:
        if person.has_perm("outputs.view_benchmark_result", result):
            notify(
                recipient=person,
                verb=ntype.key,
                actor=event.actor,
                target=result,
                data=data,
                url=result.get_absolute_url(),
            )


# --- readiness ---
# Submitted: the reviewers the assessment's working area has for it (staff when it has none);
# a decision or withdrawal: its author. Never the actor, never anyone who may not see it.


def _assessment_type(key, title, body=""):
    return register(NotificationType(key=f"outputs.assessment_{key}", title=title, body=body))


ASSESSMENT_TYPES = {
    "submit": _assessment_type(
        "submitted",
        _("%(actor)s submitted the readiness of %(area)s (%(level)s) for review"),
        _("Open the assessment to publish it or return it."),
    ),
    "publish": _assessment_type(
        "published", _("Your assessment of %(area)s (%(level)s) is published")
    ),
    "return": _assessment_type(
        "returned", _("Your assessment of %(area)s (%(level)s) is returned"), _REASON
    ),
    "withdraw": _assessment_type(
        "withdrawn", _("The assessment of %(area)s (%(level)s) is withdrawn"), _REASON
    ),
}


def _assessment_audience(assessment, action) -> list:
    from .permissions import assessment_reviewers

    if action == "submit":
        return assessment_reviewers(assessment)
    if action in ("publish", "return", "withdraw"):
        return [assessment.author]
    return []


def assessment_moved(*, event, obj, transition) -> None:
    """Notify the people concerned by an assessment's move (the workflow's notify hook)."""
    assessment = obj
    if event.action != "submit":
        settle(target=assessment, verbs=[ASSESSMENT_TYPES["submit"].key])
    ntype = ASSESSMENT_TYPES.get(event.action)
    if ntype is None:
        return
    data = {
        "area": assessment.technology_area.name,
        "level": assessment.level_label,
        "actor": str(event.actor) if event.actor else "",
        "comment": event.comment,
    }
    for person in _assessment_audience(assessment, event.action):
        if person.pk == getattr(event.actor, "pk", None) or not person.is_active:
            continue
        if not person.has_perm("outputs.view_readiness_assessment", assessment):
            continue
        notify(
            recipient=person,
            verb=ntype.key,
            actor=event.actor,
            target=assessment,
            data=data,
            url=assessment.get_absolute_url(),
        )
