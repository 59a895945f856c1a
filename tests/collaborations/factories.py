"""Factories of the collaborations app: working areas, and projects brought to a state through
the workflow engine (never by assigning a status)."""

import datetime
from dataclasses import dataclass, field

import factory
from django.contrib.auth.models import AnonymousUser

from capabilities.enums import InstituteKind, MemberRole
from capabilities.models import Membership, TechnologyArea
from collaborations import services
from collaborations.enums import NeedUrgency, NeedVisibility, ProjectKind, ProjectStatus
from collaborations.models import Project, TechnicalWorkingArea
from nmiq_portal import workflow
from nmiq_portal.workflow.registry import workflow_for
from tests.factories import InstituteFactory, StaffFactory, UserFactory


class TechnicalWorkingAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechnicalWorkingArea
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: n + 1)
    slug = factory.LazyAttribute(lambda o: f"twa-{o.number}")
    title = factory.Sequence(lambda n: f"Quantum working area {n}")
    scope = "Joint work on quantum measurement."

    @factory.post_generation
    def coordinators(twa, create, extracted, **kwargs):
        if create and extracted:
            twa.coordinators.add(*extracted)


def member(institute, *, role=MemberRole.EDITOR, user=None):
    """A (new) user who is a member of ``institute``."""
    user = user or UserFactory()
    Membership.objects.create(user=user, institute=institute, role=role)
    if hasattr(user, "_institute_roles"):
        del user._institute_roles
    return user


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project made by ``project_create`` as its proposer, then moved by the engine to
    ``state`` (``ProjectFactory(state="approved")``). With ``partners`` (default 1) accepted
    partner institutes from other economies, so that it can be submitted."""

    class Meta:
        model = Project

    twa = factory.SubFactory(TechnicalWorkingAreaFactory)
    lead_institute = factory.SubFactory(InstituteFactory)
    kind = ProjectKind.RESEARCH
    title = factory.Sequence(lambda n: f"Benchmarking superconducting qubits {n}")
    acronym = factory.Sequence(lambda n: f"QB{n}")
    summary = "Compare qubit coherence measurements between laboratories."
    start_date = datetime.date(2027, 1, 1)
    end_date = datetime.date(2028, 12, 31)

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        twa,
        lead_institute,
        proposer=None,
        state=ProjectStatus.DRAFT,
        partners=1,
        final_report_url="",
        **fields,
    ):
        proposer = proposer or member(lead_institute)
        project = services.project_create(
            actor=proposer, twa=twa, lead_institute=lead_institute, **fields
        )
        for n in range(partners):
            partner = InstituteFactory(economy=("FR", "JP", "US", "GB", "IT")[n % 5])
            participation_accepted(project, partner, lead_user=proposer)
        return move_to(project, state, lead_user=proposer, final_report_url=final_report_url)


def participation_accepted(project, institute, *, lead_user=None, institute_user=None):
    """``institute`` invited by the lead and accepting, through the services."""
    lead_user = lead_user or member(project.lead_institute)
    participation = services.participation_invite(
        actor=lead_user, project=project, institute=institute
    )
    return services.participation_transition(
        actor=institute_user or member(institute), participation=participation, action="accept"
    )


def move_to(project, state, *, lead_user, reviewer=None, final_report_url=""):
    """Move ``project`` along the shortest path of its table to ``state``, each step done by
    someone allowed to (the lead's member, or ``reviewer`` — by default new staff)."""
    for action in workflow_for(project).path(project.status, state):
        row = workflow_for(project).find(project.status, action)
        if row.permission == "collaborations.review_project":
            reviewer = reviewer or StaffFactory()
            actor = reviewer
        else:
            actor = lead_user
        if action == "complete" and not project.final_report_url:
            project = services.project_link_final_report(
                actor=lead_user,
                project=project,
                final_report_url=final_report_url or "https://example.org/report.pdf",
            )
        comment = "Needs more detail." if row.comment_required else ""
        project = workflow.transition(project, action, actor=actor, comment=comment)
    return project


@dataclass
class Cast:
    """A project and one person in every role around it (see ``cast``)."""

    project: Project
    people: dict = field(default_factory=dict)

    def __getitem__(self, role):
        return self.people[role]


#: The roles of the workflow tables, from nobody to staff.
ROLES = (
    "anonymous",
    "plain_user",
    "proposer",
    "lead_editor",
    "partner_member",
    "coordinator",
    "conflicted_coordinator",
    "other_twa_coordinator",
    "staff",
)


def cast(state=ProjectStatus.DRAFT, **project_fields) -> Cast:
    """A project in ``state`` (lead in DE, one accepted partner in FR) and a person per role:
    proposer and another editor of the lead institute, a member of the partner, the TWA's
    coordinator, a coordinator who belongs to the partner (conflicted), a coordinator of
    another TWA, staff, a signed-in user with no institute, and an anonymous visitor."""
    coordinator, conflicted, other = UserFactory(), UserFactory(), UserFactory()
    twa = TechnicalWorkingAreaFactory(coordinators=[coordinator, conflicted])
    TechnicalWorkingAreaFactory(coordinators=[other])
    lead, partner = InstituteFactory(economy="DE"), InstituteFactory(economy="FR")
    proposer, partner_member = member(lead), member(partner)
    project = ProjectFactory(
        twa=twa, lead_institute=lead, proposer=proposer, partners=0, **project_fields
    )
    participation_accepted(project, partner, lead_user=proposer, institute_user=partner_member)
    staff = StaffFactory()
    people = {
        "anonymous": AnonymousUser(),
        "plain_user": UserFactory(),
        "proposer": proposer,
        "lead_editor": member(lead),
        "partner_member": partner_member,
        "coordinator": coordinator,
        "conflicted_coordinator": member(partner, user=conflicted),
        "other_twa_coordinator": other,
        "staff": staff,
    }
    project = move_to(project, state, lead_user=proposer, reviewer=staff)
    return Cast(project=project, people=people)


# --- industry needs ---


def industry_member(institute=None):
    """A new person of a verified industry consortium (a new one unless given)."""
    institute = institute or InstituteFactory(
        kind=InstituteKind.INDUSTRY_CONSORTIUM, rmo="", economy="US"
    )
    return member(institute)


def need_posted(*, poster=None, area="single-photon-detectors", **fields):
    """A need posted through ``need_create`` by ``poster`` (a new industry member by default)
    for their consortium."""
    poster = poster or industry_member()
    institute = poster.memberships.get().institute
    values = {
        "title": "Detection efficiency at 1550 nm",
        "description": "Traceable, in single-mode fibre.",
        "technology_area": TechnologyArea.objects.get(slug=area),
        "urgency": NeedUrgency.HIGH,
        "visibility": NeedVisibility.PUBLIC,
        **fields,
    }
    return services.need_create(actor=poster, institute=institute, **values)
