"""Examples of the terms API's bodies, as the OpenAPI schema shows them: the VIM's measurement
uncertainty (JCGM 200:2012, 2.26), quoted exactly as outputs/demo.py seeds it."""

from capabilities.api.examples import API_URL, BASE_URL, PTB_UUID, page, request, response
from nmiq_portal.core.markdown import render_markdown

TERM_UUID = "6a0c2e4f-8b1d-4c3e-9f5a-7d9b1f3e5a7c"
DEFINITION = (
    "non-negative parameter characterizing the dispersion of the quantity values being "
    "attributed to a measurand, based on the information used"
)
TERM = {
    "uuid": TERM_UUID,
    "url": f"{API_URL}/terms/{TERM_UUID}/",
    "html_url": f"{BASE_URL}/glossary/measurement-uncertainty/",
    "slug": "measurement-uncertainty",
    "term": "measurement uncertainty",
    "letter": "M",
    "abbreviation": "",
    "synonyms": ["uncertainty of measurement", "uncertainty"],
    "definition": DEFINITION,
    "definition_html": render_markdown(DEFINITION),
    "source": "JCGM 200:2012, International vocabulary of metrology — Basic and general "
    "concepts and associated terms (VIM), 3rd edition",
    "clause": "2.26",
    "source_url": "https://www.bipm.org/en/committees/jc/jcgm/publications",
    "note": "",
    "note_html": "",
    "technology_area": None,
    "twa": None,
    "status": "agreed",
    "superseded_by": None,
    "agreed_at": "2026-06-01T08:00:00Z",
    "version": 1,
    "updated_at": "2026-06-01T08:00:00Z",
}

#: A proposal from PTB: the VIM's coverage factor (JCGM 200:2012, 2.38), quoted exactly.
PROPOSAL_UUID = "9c1e3a5b-7d9f-4b2c-8e4a-6f8b0d2c4e6a"
COVERAGE_FACTOR = (
    "number larger than one by which a combined standard measurement uncertainty is multiplied "
    "to obtain an expanded measurement uncertainty"
)
PROPOSAL_REQUEST = {
    "institute": PTB_UUID,
    "term": "coverage factor",
    "definition": COVERAGE_FACTOR,
    "source": TERM["source"],
    "clause": "2.38",
    "source_url": TERM["source_url"],
    "synonyms": [],
    "abbreviation": "",
    "technology_area": None,
    "twa": None,
    "note": "",
}
NOTE = "The GUM writes it *k*."
PROPOSAL = {
    **TERM,
    "uuid": PROPOSAL_UUID,
    "url": f"{API_URL}/terms/{PROPOSAL_UUID}/",
    "html_url": f"{BASE_URL}/glossary/coverage-factor/",
    "slug": "coverage-factor",
    "term": "coverage factor",
    "letter": "C",
    "synonyms": [],
    "definition": COVERAGE_FACTOR,
    "definition_html": render_markdown(COVERAGE_FACTOR),
    "clause": "2.38",
    "status": "proposed",
    "agreed_at": None,
    "updated_at": "2026-06-02T09:30:00Z",
}
REVISED = {
    **PROPOSAL,
    "note": NOTE,
    "note_html": render_markdown(NOTE),
    "version": 2,
    "updated_at": "2026-06-02T10:00:00Z",
}
AGREED = {**REVISED, "status": "agreed", "agreed_at": "2026-06-03T08:00:00Z"}

TERM_EXAMPLES = {
    "list": [response("A page of terms", page("terms", TERM, count=17))],
    "retrieve": [response("measurement uncertainty (VIM 2.26)", TERM)],
    "create": [
        request("Propose the VIM's coverage factor for PTB", PROPOSAL_REQUEST),
        response("Proposed", PROPOSAL),
    ],
    "partial_update": [
        request("Add a note", {"note": NOTE, "version": 1}),
        response("Revised", REVISED),
    ],
    "transition": [
        request("A coordinator agrees it", {"action": "agree", "comment": ""}),
        response("Agreed", AGREED),
    ],
}
