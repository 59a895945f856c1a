"""Industry needs in the directory's search (``nmiq_portal.core.search``).

A need is found as the board shows it: through ``IndustryNeed.objects.visible_to``, so a
members-only need is found by NMI-Q members, its poster and staff only, and marked so. The two
reads live here rather than in ``selectors.py``, which is at its size limit.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from capabilities import search
from nmiq_portal.core.search import SearchKind, SearchResult, register

from .enums import NeedStatus, NeedVisibility
from .models import IndustryNeed


def needs_found(text: str, user):
    """Needs ``user`` may see, by what must be measured, then its area, then its description."""
    vector = search.columns_vector(
        {"A": ["title"], "B": ["technology_area__name"], "C": ["description"]}
    )
    return search.matching(IndustryNeed.objects.visible_to(user), text, vector)


def need_results(matches, text: str) -> dict[int, SearchResult]:
    """One page of ``needs_found`` as the search lists it: who needs it, in which area, and
    its state when it is not open to everyone."""
    needs = search.highlighted(matches, "description", text).select_related(
        "institute", "technology_area"
    )
    results = {}
    for need in needs:
        state = [] if need.status == NeedStatus.OPEN else [need.get_status_display()]
        if need.visibility == NeedVisibility.MEMBERS:
            state.append(gettext("NMI-Q members only"))
        results[need.pk] = SearchResult(
            title=need.title,
            url=need.get_absolute_url(),
            snippet=search.snippet(getattr(need, "headline", None), need.description),
            details=gettext("Needed by %(institute)s, in %(area)s")
            % {"institute": need.institute.acronym, "area": need.technology_area.name},
            state=", ".join(state),
        )
    return results


register(
    SearchKind(
        key="need",
        label=_("Industry need"),
        search=needs_found,
        results=need_results,
        order=40,
    )
)
