"""The state tables of the outputs' reviewed models, one block per kind; the engine runs them."""

from django.utils.translation import gettext_lazy as _

from collaborations.enums import PUBLIC_PROJECT_STATUSES
from nmiq_portal.workflow.registry import NEW, Transition, Workflow, register

from . import notifications

# --- comparisons ---
from .enums import ComparisonStatus
from .models import Comparison


def comparison_project_public(comparison, actor):
    """A comparison is reviewed and published only within an approved (public) project."""
    if comparison.project.status not in PUBLIC_PROJECT_STATUSES:
        return _("The project %(project)s is not approved yet.") % {
            "project": comparison.project.acronym
        }
    return None


def comparison_computable(comparison, actor):
    """The reference value can be computed from the results (enough included, valid numbers)."""
    try:
        comparison.evaluation()
    except ValueError as error:
        return comparison.explain(error)
    return None


C = ComparisonStatus

COMPARISON = register(
    Workflow(
        name="outputs.comparison",
        model=Comparison,
        notify=notifications.comparison_moved,
        transitions=[
            Transition("create", (NEW,), C.DRAFT, "outputs.add_comparison", _("Save as draft")),
            Transition(
                "submit",
                (C.DRAFT,),
                C.IN_REVIEW,
                "outputs.submit_comparison",
                _("Submit for review"),
                guards=(comparison_project_public, comparison_computable),
            ),
            Transition(
                "publish",
                (C.IN_REVIEW,),
                C.PUBLISHED,
                "outputs.review_comparison",
                _("Publish"),
                guards=(comparison_project_public, comparison_computable),
                stamp="published_at",
            ),
            Transition(
                "send_back",
                (C.IN_REVIEW,),
                C.DRAFT,
                "outputs.review_comparison",
                _("Send back for changes"),
                comment_required=True,
            ),
            Transition(
                "withdraw",
                (C.PUBLISHED,),
                C.WITHDRAWN,
                "outputs.withdraw_comparison",
                _("Withdraw the results"),
                comment_required=True,
            ),
        ],
    )
)
