"""Examples of the working-area and project API's bodies, as the OpenAPI schema shows them.

A VAMAS-like technical working area on single-photon metrology and a round robin in it: one
fibre-coupled detector measured in turn at PTB, INRiM and NPL. Sources:
- The VAMAS guidance quoted in the scope ("There must be an industrial need", progress meetings
  "at least once a year"): /work/shared/reference/data/vamas_facts.json
  (best_practice_guidelines). VAMAS sets no minimum number of institutes or economies
  (vamas_facts.json, not_found): the minimums here are the working area's own.
- Detection efficiency of a fibre-coupled InGaAs SPAD at 1550 nm, measured at INRIM with CMI,
  NPL and PTB in the MIQC2 pilot study: /work/shared/reference/data/README.md, section 2d.
- Comparisons uncover missing sources of uncertainty; IEC/ISO JTC 3: report of the BIPM
  workshop on quantum technologies (/work/shared/reference/bipm-nmiq-workshop-2024.md).
People are fictional personas, named as the demo's accounts are (capabilities/demo.py).
"""

from capabilities.api.examples import API_URL, BASE_URL, PTB_REFERENCE, page, request, response
from nmiq_portal.core.markdown import render_markdown

TWA_UUID = "3c1b5e7d-9f2a-4b6c-8d0e-1f3a5c7e9b2d"
PROJECT_UUID = "f2a4c6e8-0b1d-4f3a-9c5e-7b9d1f3a5c7e"
INRIM_REFERENCE = {
    "uuid": "2b4d6f8a-1c3e-4a5b-9d7f-0e2a4c6b8d1f",
    "acronym": "INRiM",
    "name": "Istituto Nazionale di Ricerca Metrologica",
    "url": f"{API_URL}/institutes/2b4d6f8a-1c3e-4a5b-9d7f-0e2a4c6b8d1f/",
}
NPL_REFERENCE = {
    "uuid": "8e0a2c4b-6d8f-4e1a-b3c5-d7e9f1a3b5c7",
    "acronym": "NPL",
    "name": "National Physical Laboratory",
    "url": f"{API_URL}/institutes/8e0a2c4b-6d8f-4e1a-b3c5-d7e9f1a3b5c7/",
}

TWA_SCOPE = (
    "Pre-standardisation work on single-photon sources and detectors: detection efficiency, "
    "dark count rate and the second-order correlation g(2).\n\n"
    "As in VAMAS, *there must be an industrial need*; progress meetings are held at least once "
    "a year."
)
TWA = {
    "uuid": TWA_UUID,
    "url": f"{API_URL}/twas/twa-3/",
    "html_url": f"{BASE_URL}/twas/twa-3/",
    "number": 3,
    "slug": "twa-3",
    "title": "Single-photon sources and detectors",
    "scope": TWA_SCOPE,
    "scope_html": render_markdown(TWA_SCOPE),
    "active": True,
    "coordinators": [{"name": "Alex Admin (NPL)"}, {"name": "Portal Staff"}],
    "min_institutes": 3,
    "min_economies": 3,
    "public_projects": 1,
    "projects": f"{API_URL}/projects/?twa=twa-3",
    "updated_at": "2026-06-01T08:00:00Z",
}
TWA_REFERENCE = {
    "number": 3,
    "slug": "twa-3",
    "title": "Single-photon sources and detectors",
    "url": f"{API_URL}/twas/twa-3/",
}

WORK_PLAN = (
    "1. Agree the measurement protocol\n2. The detector travels PTB, INRiM, NPL, then back to "
    "PTB\n3. Results go to the pilot (PTB) before anyone sees the others'"
)
#: The work plan once the lead has revised the draft (PATCH).
WORK_PLAN_REVISED = WORK_PLAN + "\n4. Report at the working area's yearly meeting"

PROPOSAL = {
    "kind": "comparison",
    "title": "Round robin on the detection efficiency of fibre-coupled single-photon detectors "
    "at 1550 nm",
    "acronym": "SPD-RR-1550",
    "summary": "One fibre-coupled InGaAs SPAD travels between PTB, INRiM and NPL; each measures "
    "its detection efficiency at 1550 nm, to compare methods and uncover missing sources of "
    "uncertainty.",
    "objectives": "- Compare detection-efficiency measurements of one travelling detector at "
    "1550 nm\n- Agree a template for the uncertainty budget",
    "work_plan": WORK_PLAN,
    "expected_outputs": "A comparison report, and a good-practice guide for industry as input "
    "to IEC/ISO JTC 3.",
    "start_date": "2027-01-01",
    "end_date": "2028-06-30",
    "final_report_url": "",
}
DELIVERABLES = [
    {
        "title": "Measurement protocol",
        "description": "Agreed by all participants before the detector travels.",
        "due_date": "2027-03-31",
        "done": False,
    },
    {
        "title": "Comparison report",
        "description": "Results, differences to the reference value and the uncertainty budgets.",
        "due_date": "2028-06-30",
        "done": False,
    },
]


def _participant(institute: dict, role: str = "participant") -> dict:
    return {"institute": institute, "role": role, "status": "accepted"}


def _move(action, from_state, to_state, at, *, actor=None, comment="", institute=None) -> dict:
    """A timeline entry as those who may see the audit see it."""
    return {
        "subject": "project" if institute is None else "participation",
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "created_at": at,
        "actor": actor,
        "comment": comment,
        "institute": institute,
    }


LEAD = "Eva Editor (PTB)"
CREATED = [
    _move("create", "", "draft", "2026-09-14T09:12:40.118204Z", actor=LEAD),
    _move(
        "lead", "", "accepted", "2026-09-14T09:12:40.131577Z", actor=LEAD, institute=PTB_REFERENCE
    ),
]
PARTNERS_JOINED = [
    _move(
        "invite",
        "",
        "invited",
        "2026-09-14T09:20:03.402215Z",
        actor=LEAD,
        institute=INRIM_REFERENCE,
    ),
    _move(
        "invite", "", "invited", "2026-09-14T09:21:17.958340Z", actor=LEAD, institute=NPL_REFERENCE
    ),
    _move(
        "accept",
        "invited",
        "accepted",
        "2026-09-16T14:05:51.770932Z",
        actor="Ilaria Member (INRiM)",
        institute=INRIM_REFERENCE,
    ),
    _move(
        "accept",
        "invited",
        "accepted",
        "2026-09-21T10:44:09.311068Z",
        actor="Alex Admin (NPL)",
        institute=NPL_REFERENCE,
    ),
]
SUBMITTED = _move(
    "submit",
    "draft",
    "submitted",
    "2026-10-01T07:58:26.540113Z",
    actor=LEAD,
    comment="INRiM and NPL have accepted.",
)
DECIDED = [
    _move(
        "start_review",
        "submitted",
        "in_review",
        "2026-10-05T12:30:00.004512Z",
        actor="Portal Staff",
    ),
    _move(
        "approve",
        "in_review",
        "approved",
        "2026-11-02T16:12:45.287760Z",
        actor="Portal Staff",
        comment="Meets an industrial need; report progress at the yearly meeting.",
    ),
    _move("activate", "approved", "active", "2027-01-11T08:03:19.644907Z", actor=LEAD),
]

ACTIVE_AUDIT_TIMELINE = [*CREATED, *PARTNERS_JOINED, SUBMITTED, *DECIDED]
#: What anyone sees: the moves of the project, not who made them or why.
ACTIVE_PUBLIC_TIMELINE = [
    {**entry, "actor": None, "comment": None}
    for entry in ACTIVE_AUDIT_TIMELINE
    if entry["subject"] == "project"
]


def _action(action, label, to_state, *, comment_required=False, reasons=()) -> dict:
    return {
        "action": action,
        "label": label,
        "to_state": to_state,
        "comment_required": comment_required,
        "allowed": not reasons,
        "reasons": list(reasons),
    }


WITHDRAW = _action("withdraw", "Withdraw the proposal", "withdrawn")

PROJECT = {
    "uuid": PROJECT_UUID,
    "url": f"{API_URL}/projects/{PROJECT_UUID}/",
    "html_url": f"{BASE_URL}/projects/spd-rr-1550/",
    "slug": "spd-rr-1550",
    **PROPOSAL,
    "status": "active",
    "twa": TWA_REFERENCE,
    "lead_institute": PTB_REFERENCE,
    "work_plan": WORK_PLAN_REVISED,
    "submitted_at": SUBMITTED["created_at"],
    "decided_at": DECIDED[1]["created_at"],
    "created_at": CREATED[0]["created_at"],
    "updated_at": DECIDED[2]["created_at"],
    "version": 2,
    # The lead first, then by acronym.
    "participants": [
        _participant(PTB_REFERENCE, "lead"),
        _participant(INRIM_REFERENCE),
        _participant(NPL_REFERENCE),
    ],
    "deliverables": DELIVERABLES,
    "timeline": ACTIVE_PUBLIC_TIMELINE,
}
#: What the lead's members see on the project's own endpoint.
PROJECT_DETAIL = {
    **PROJECT,
    "timeline": ACTIVE_AUDIT_TIMELINE,
    "actions": [
        _action(
            "complete",
            "Mark as completed",
            "completed",
            reasons=["Link the final report before completing the project."],
        )
    ],
}

PROJECT_CREATE = {
    "twa": "twa-3",
    "lead_institute": PTB_REFERENCE["uuid"],
    **{key: value for key, value in PROPOSAL.items() if key != "final_report_url"},
    "deliverables": [
        {key: item[key] for key in ("title", "description", "due_date")} for item in DELIVERABLES
    ],
}
DRAFT = {
    **PROJECT,
    "work_plan": WORK_PLAN,
    "status": "draft",
    "submitted_at": None,
    "decided_at": None,
    "updated_at": CREATED[1]["created_at"],
    "version": 1,
    "participants": [_participant(PTB_REFERENCE, "lead")],
    "timeline": CREATED,
    "actions": [
        _action(
            "submit",
            "Submit for review",
            "submitted",
            reasons=[
                "A proposal needs at least 3 accepted institutes from 3 economies (the lead "
                "included); it has 1 from 1 so far."
            ],
        ),
        WITHDRAW,
    ],
}
PROJECT_CHANGE = {
    "work_plan": WORK_PLAN_REVISED,
    "version": 1,
}
DRAFT_CHANGED = {
    **DRAFT,
    "work_plan": PROJECT_CHANGE["work_plan"],
    "updated_at": "2026-09-14T09:17:52.406318Z",
    "version": 2,
}
TRANSITION = {"action": "submit", "comment": SUBMITTED["comment"]}
SUBMITTED_PROJECT = {
    **DRAFT_CHANGED,
    "status": "submitted",
    "submitted_at": SUBMITTED["created_at"],
    "updated_at": SUBMITTED["created_at"],
    "participants": PROJECT["participants"],
    "timeline": [*CREATED, *PARTNERS_JOINED, SUBMITTED],
    "actions": [WITHDRAW],
}

# The examples of each operation (extend_schema(examples=…)); a list's is a whole page.
TWA_EXAMPLES = {
    "list": [response("A page of working areas", page("twas", TWA, count=4, number=3))],
    "retrieve": [response("A working area on single-photon metrology", TWA)],
}
PROJECT_EXAMPLES = {
    "list": [response("A page of projects", page("projects", PROJECT, count=9))],
    "retrieve": [
        response(
            "A round robin under way",
            PROJECT_DETAIL,
            "As a member of the lead institute sees it: with the audit and the moves it may make.",
        )
    ],
    "create": [
        request("A round robin proposed", PROJECT_CREATE),
        response("The draft saved", DRAFT),
    ],
    "partial_update": [
        request("A longer work plan", PROJECT_CHANGE),
        response("The draft changed", DRAFT_CHANGED),
    ],
    "transition": [
        request("Submit for review", TRANSITION),
        response("The proposal submitted", SUBMITTED_PROJECT),
    ],
}


# --- industry needs ---
# The need paraphrases the industry session of the BIPM workshop report (reference above); the
# answer points to the MIQC2 pilot study of fibre-coupled InGaAs SPADs at INRiM (README §2d).

NEED_UUID = "7d9f1b3c-5e7a-4c9e-8b1d-3f5a7c9e1b3d"
QEDC_REFERENCE = {
    "uuid": "4a6c8e0b-2d4f-4b6d-8f0a-2c4e6a8b0d2f",
    "acronym": "QED-C",
    "name": "Quantum Economic Development Consortium",
    "url": f"{API_URL}/institutes/4a6c8e0b-2d4f-4b6d-8f0a-2c4e6a8b0d2f/",
}
NEED_DESCRIPTION = (
    "A traceable calibration of the system detection efficiency of fibre-coupled detectors at "
    "**1550 nm**, in single-mode fibre, with its uncertainty."
)
NEED = {
    "uuid": NEED_UUID,
    "url": f"{API_URL}/needs/{NEED_UUID}/",
    "html_url": f"{BASE_URL}/needs/detection-efficiency-at-1550-nm/",
    "slug": "detection-efficiency-at-1550-nm",
    "title": "Detection efficiency at 1550 nm",
    "description": NEED_DESCRIPTION,
    "description_html": render_markdown(NEED_DESCRIPTION),
    "technology_area": "single-photon-detectors",
    "institute": QEDC_REFERENCE,
    "urgency": "high",
    "needed_by": "2027-06-30",
    "visibility": "public",
    "ranges": {
        "temperature": None,
        "frequency": None,
        "wavelength": {"min": 1550.0, "max": 1550.0, "unit": "nm"},
    },
    "status": "open",
    "answer_count": 1,
    "created_at": "2026-12-01T09:00:00Z",
    "decided_at": None,
    "updated_at": "2026-12-02T10:00:00Z",
    "version": 1,
}
NEED_ANSWER = {
    "kind": "capability",
    "institute": INRIM_REFERENCE,
    "links_to": f"{BASE_URL}/testbeds/single-photon-detector-and-source-characterisation/",
    "comment": "We ran the MIQC2 pilot study of fibre-coupled InGaAs SPADs at 1550 nm.",
    "created_at": "2026-12-02T10:00:00Z",
}
NEED_DETAIL = {**NEED, "answers": [NEED_ANSWER]}
NEED_CREATE = {
    "institute": QEDC_REFERENCE["uuid"],
    "title": "Detection efficiency at 1550 nm",
    "description": NEED_DESCRIPTION,
    "technology_area": "single-photon-detectors",
    "urgency": "high",
    "needed_by": "2027-06-30",
    "visibility": "public",
    "ranges": {"wavelength": {"min": "1.55 µm", "max": "1.55 µm"}},
}
NEED_POSTED = {**NEED_DETAIL, "answer_count": 0, "answers": []}
NEED_ANSWER_COMMENT = {
    "institute": INRIM_REFERENCE["uuid"],
    "comment": "We ran the MIQC2 pilot study of fibre-coupled InGaAs SPADs at 1550 nm.",
}
NEED_ANSWERED = {
    **NEED_DETAIL,
    "answers": [{**NEED_ANSWER, "kind": "comment", "links_to": None}],
}

NEED_EXAMPLES = {
    "list": [response("A page of industry needs", page("needs", NEED, count=3))],
    "retrieve": [response("An open need with an answer", NEED_DETAIL)],
    "create": [
        request("A need at 1550 nm, typed in micrometres", NEED_CREATE),
        response("The need posted", NEED_POSTED),
    ],
    "answer": [
        request("An answer in words", NEED_ANSWER_COMMENT),
        response("The need with its answer", NEED_ANSWERED),
    ],
}
