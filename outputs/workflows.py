"""The state tables of the outputs; the workflow engine runs them."""

from django.utils.translation import gettext_lazy as _

from nmiq_portal.workflow.registry import NEW, Transition, Workflow, register

from . import notifications

# --- glossary ---
from .enums import TermStatus
from .models import Term


def has_successor(term, actor):
    """A superseded term names the agreed term that replaces it."""
    successor = term.superseded_by
    if successor is None or successor.pk == term.pk or successor.status != TermStatus.AGREED:
        return _("Name the agreed term that supersedes this one.")
    return None


TERM = register(
    Workflow(
        name="outputs.term",
        model=Term,
        notify=notifications.term_moved,
        transitions=[
            Transition("create", (NEW,), TermStatus.PROPOSED, "outputs.add_term", _("Propose")),
            Transition(
                "agree",
                (TermStatus.PROPOSED,),
                TermStatus.AGREED,
                "outputs.review_term",
                _("Agree"),
                stamp="agreed_at",
            ),
            Transition(
                "reject",
                (TermStatus.PROPOSED,),
                TermStatus.REJECTED,
                "outputs.review_term",
                _("Reject"),
                comment_required=True,
                stamp="decided_at",
            ),
            Transition(
                "withdraw",
                (TermStatus.PROPOSED,),
                TermStatus.WITHDRAWN,
                "outputs.withdraw_term",
                _("Withdraw the proposal"),
            ),
            Transition(
                "supersede",
                (TermStatus.AGREED,),
                TermStatus.SUPERSEDED,
                "outputs.review_term",
                _("Mark as superseded"),
                guards=(has_successor,),
                stamp="decided_at",
            ),
        ],
    )
)
