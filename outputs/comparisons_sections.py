"""What comparisons add to a testbed's or service's page: its lab's degrees of equivalence in
the published comparisons it took part in."""

from nmiq_portal.core.sections import Section, register

from . import comparisons_formatting as fmt
from .selectors import record_equivalences


def _context(request, record):
    return {
        "equivalences": [
            {
                "comparison": comparison,
                **dict(
                    zip(
                        ("d", "U"),
                        fmt.degree(row.equivalence.d, row.equivalence.U, row.result.value),
                        strict=True,
                    )
                ),
            }
            for comparison, row in record_equivalences(record=record)
        ]
    }


register(
    Section(
        page="record",
        key="outputs.comparisons",
        template="outputs/comparisons/_record_comparisons.html",
        context=_context,
        order=10,
    )
)
