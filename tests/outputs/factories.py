"""Factories of interlaboratory comparisons: a comparison of an approved comparison project with
a person in every role around it, brought to its state through the services and the engine."""

from dataclasses import dataclass, field

from collaborations.enums import ProjectKind, ProjectStatus
from nmiq_portal.workflow.registry import workflow_for
from outputs import services
from outputs.enums import ComparisonStatus, ReferenceMethod, UncertaintyKind
from outputs.models import Comparison
from tests.collaborations.factories import cast
from tests.factories import InstituteFactory

#: A small worked example (mg/kg): three laboratories, each u = U/k.
RESULTS = [(2.0, 0.2, 2.0), (2.2, 0.4, 2.0), (1.9, 0.1, 1.0)]


def comparison_fields(**overrides) -> dict:
    return {
        "identifier": "TEST-K1",
        "measurand": "Mass fraction of lead in wine",
        "unit": "mg/kg",
        "method": ReferenceMethod.WEIGHTED_MEAN,
        **overrides,
    }


def add_results(comparison, actor, institutes, results=RESULTS) -> Comparison:
    for position, (institute, (value, expanded, k)) in enumerate(
        zip(institutes, results, strict=True), start=1
    ):
        services.result_add(
            actor=actor,
            comparison=comparison,
            version=comparison.version,
            institute=institute,
            position=position,
            value=value,
            uncertainty_kind=UncertaintyKind.EXPANDED,
            uncertainty=expanded,
            coverage_factor=k,
            method="IDMS",
        )
        comparison.refresh_from_db()
    return comparison


def move_to(comparison, state, *, lead_user, reviewer) -> Comparison:
    for action in workflow_for(comparison).path(comparison.status, state):
        row = workflow_for(comparison).find(comparison.status, action)
        actor = reviewer if row.permission == "outputs.review_comparison" else lead_user
        comparison = services.comparison_transition(
            actor=actor,
            comparison=comparison,
            action=action,
            comment="Because." if row.comment_required else "",
        )
    return comparison


@dataclass
class World:
    """A comparison in a state, and a person in every role of collaborations' ``cast``."""

    comparison: Comparison
    people: dict = field(default_factory=dict)
    third: object = None

    def __getitem__(self, role):
        return self.people[role]


def comparison_world(state=ComparisonStatus.DRAFT, *, results=RESULTS, **fields) -> World:
    """A comparison project (approved, lead in DE, partner in FR), its comparison with results of
    the lead, the partner and a third institute, moved to ``state`` (staff reviews)."""
    crew = cast(ProjectStatus.APPROVED, kind=ProjectKind.COMPARISON)
    project = crew.project
    third = InstituteFactory(economy="JP")
    comparison = services.comparison_create(
        actor=crew["proposer"], project=project, **comparison_fields(**fields)
    )
    partner = project.participations.exclude(institute=project.lead_institute).get().institute
    comparison = add_results(
        comparison,
        crew["proposer"],
        [project.lead_institute, partner, third][: len(results)],
        results,
    )
    comparison = move_to(comparison, state, lead_user=crew["proposer"], reviewer=crew["staff"])
    return World(comparison=comparison, people=dict(crew.people), third=third)
