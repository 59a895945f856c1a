"""Examples of the comparisons API's bodies, as the OpenAPI schema shows them.

CCQM-K30, lead in wine: the participants' results as published (Hearn, Santamaria-Fernandez,
Sargent, Metrologia 45 (2008) 08001, via cran/metRology data/Pb.rda; copied in
/work/shared/reference/data/kc_ccqm_k30_pb_in_wine.csv), three of its eleven rows shown. The
reference value, consistency and degrees of equivalence are computed here by the portal's own
functions (outputs.comparisons_math) from all eleven rows, so the example says what the API
answers. UUIDs are made up for the example.
"""

from capabilities.api.examples import API_URL, BASE_URL, page, request, response

from .. import comparisons_math as cm

COMPARISON_UUID = "6a1e4c2b-8d3f-4b5a-9c7e-0f2d4a6b8c1e"
PROJECT_UUID = "3e5a7c9b-1d2f-4a6b-8c0e-2f4a6c8e0b1d"
#: (lab, value, U, k, method, included), mg/kg, in the published order.
K30 = [
    ("INMETRO", 1.62, 0.088, 2.0, "ICP", False),
    ("KRISS", 2.893, 0.044, 2.13, "IDMS", True),
    ("NMIJ", 2.936, 0.025, 2.0, "IDMS", True),
    ("IRMM", 2.94, 0.033, 2.0, "IDMS", True),
    ("PTB", 2.96, 0.08, 2.4, "IDMS", True),
    ("NMIA", 2.98, 0.2, 1.99, "IDMS", True),
    ("LGC", 3.0, 0.1, 2.0, "IDMS", True),
    ("CSIR", 3.001, 0.136, 2.0, "IDMS", True),
    ("NIM", 3.07, 0.17, 2.0, "IDMS", True),
    ("LNE", 3.13, 0.12, 2.0, "IDMS", True),
    ("INM", 7.71, 1.98, 2.0, "GFAAS", False),
]
#: The institutes of the rows shown: (example uuid, name).
SHOWN = {
    "INMETRO": (
        "0c2e4a6b-8d1f-4e3a-9b5c-7d9f1b3d5e7a",
        "Instituto Nacional de Metrologia, Qualidade e Tecnologia",
    ),
    "KRISS": (
        "1d3f5b7c-9e2a-4f4b-8c6d-8e0a2c4e6f8b",
        "Korea Research Institute of Standards and Science",
    ),
    "NMIJ": ("2e4a6c8d-0f3b-4a5c-9d7e-9f1b3d5f7a9c", "National Metrology Institute of Japan"),
}

_evaluation = cm.evaluate(
    [cm.Result(value=x, u=U / k, included=inc) for _lab, x, U, k, _method, inc in K30],
    cm.Method.ARITHMETIC_MEAN,
)


def _result(index: int) -> dict:
    lab, value, expanded, k, method, included = K30[index]
    uuid, name = SHOWN[lab]
    eq = _evaluation.equivalences[index]
    return {
        "institute": {
            "uuid": uuid,
            "acronym": lab,
            "name": name,
            "url": f"{API_URL}/institutes/{uuid}/",
        },
        "reported_as": "",
        "position": index + 1,
        "value": value,
        "uncertainty_kind": "expanded",
        "uncertainty": expanded,
        "coverage_factor": k,
        "u": expanded / k,
        "method": method,
        "included": included,
        "d": eq.d,
        "U_d": eq.U,
        "correlated": eq.correlated,
    }


COMPARISON = {
    "uuid": COMPARISON_UUID,
    "url": f"{API_URL}/comparisons/{COMPARISON_UUID}/",
    "html_url": f"{BASE_URL}/comparisons/ccqm-k30/",
    "identifier": "CCQM-K30",
    "measurand": "Mass fraction of lead in wine",
    "unit": "mg/kg",
    "method": "arithmetic_mean",
    "coverage_factor": 2.0,
    "description": "The KCRV is the arithmetic mean of the nine IDMS results.",
    "source": "Metrologia 45 (2008) Tech. Suppl. 08001",
    "status": "published",
    "project": {
        "uuid": PROJECT_UUID,
        "acronym": "CCQM-K30",
        "title": "Key comparison of lead in wine",
        "url": f"{API_URL}/projects/{PROJECT_UUID}/",
    },
    "reference": {
        "method": "arithmetic_mean",
        "value": _evaluation.reference.value,
        "u": _evaluation.reference.u,
        "U": 2.0 * _evaluation.reference.u,
        "n": _evaluation.reference.n,
    },
    "consistency": {
        "chi2": _evaluation.consistency.chi2,
        "dof": _evaluation.consistency.dof,
        "p_value": _evaluation.consistency.p_value,
        "birge_ratio": _evaluation.consistency.birge_ratio,
        "consistent": _evaluation.consistency.consistent,
    },
    "results": [_result(0), _result(1), _result(2)],
    "published_at": "2026-06-01T08:00:00Z",
    "version": 4,
    "updated_at": "2026-06-01T08:00:00Z",
}

#: The lead's revision of the draft, and the draft as it then reads.
CHANGE = {
    "description": "The KCRV is the arithmetic mean of the nine IDMS results; INMETRO (ICP) and "
    "INM (GFAAS) are excluded.",
    "version": 3,
}
DRAFT = {
    **COMPARISON,
    "description": CHANGE["description"],
    "status": "draft",
    "published_at": None,
}
IN_REVIEW = {**DRAFT, "status": "in_review"}

COMPARISON_EXAMPLES = {
    "list": [response("A page of comparisons", page("comparisons", COMPARISON, count=2))],
    "retrieve": [
        response(
            "CCQM-K30 (three of its eleven results shown)",
            COMPARISON,
            "The reference value is the arithmetic mean of the nine included results: 2.99 mg/kg.",
        )
    ],
    "partial_update": [
        request("A clearer description", CHANGE),
        response("The draft changed", DRAFT),
    ],
    "transition": [
        request("Submit for review", {"action": "submit", "comment": ""}),
        response("The comparison in review", IN_REVIEW),
    ],
}
