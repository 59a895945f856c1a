"""Examples of the assessments and landscape API's bodies, as the OpenAPI schema shows them.

The standards and the paper are real: ETSI GS QKD 011 V1.1.1 (2016-05), "Component
characterization: characterizing optical components for QKD systems"; ISO/IEC 23837-1:2023; and
C. J. Chunnilall et al., "Metrology of single-photon sources and detectors: a review", Optical
Engineering 53(8), 081910 (2014). The assessment itself and the UUIDs are made up.
"""

from capabilities.api.examples import API_URL, BASE_URL, PTB_REFERENCE, page, response

ASSESSMENT_UUID = "3c5e7a9b-1d2f-4a6c-8e0b-2d4f6a8c0e1b"
ASSESSMENT = {
    "uuid": ASSESSMENT_UUID,
    "url": f"{API_URL}/assessments/{ASSESSMENT_UUID}/",
    "html_url": f"{BASE_URL}/landscape/assessments/{ASSESSMENT_UUID}/",
    "technology_area": {
        "slug": "single-photon-detectors",
        "name": "Single-photon detectors",
        "path": "communication/single-photon-detectors",
    },
    "twa": {
        "number": 2,
        "slug": "twa-2",
        "title": "Quantum photonics and quantum communication",
        "url": f"{API_URL}/twas/twa-2/",
    },
    "level": {"scale": "srl", "level": 4, "name": "Benchmarks and comparisons run"},
    "assessed_on": "2026-10-15",
    "rationale": "Detection efficiency at 1550 nm is compared between NMIs; ETSI GS QKD 011 "
    "describes how to characterise the detectors of QKD systems.",
    "rationale_html": "<p>Detection efficiency at 1550 nm is compared between NMIs; ETSI GS QKD "
    "011 describes how to characterise the detectors of QKD systems.</p>",
    "dois": ["10.1117/1.OE.53.8.081910"],
    "standards": ["ETSI GS QKD 011", "ISO/IEC 23837-1:2023"],
    "cites": [],
    "author_institute": PTB_REFERENCE,
    "status": "published",
    "published_at": "2026-10-20T09:00:00Z",
    "updated_at": "2026-10-20T09:00:00Z",
}
_COUNTS = {
    "terms": 2,
    "guides": 1,
    "benchmarks": 0,
    "results": 0,
    "comparisons": 1,
    "projects": 1,
    "testbeds": 2,
    "services": 3,
}
LANDSCAPE = {
    "kinds": [
        {"key": "terms", "label": "Agreed terms"},
        {"key": "guides", "label": "Published guides"},
        {"key": "benchmarks", "label": "Benchmarks"},
        {"key": "results", "label": "Benchmark results"},
        {"key": "comparisons", "label": "Comparisons"},
        {"key": "projects", "label": "Active projects"},
        {"key": "testbeds", "label": "Operational testbeds"},
        {"key": "services", "label": "Services offered"},
    ],
    "areas": [
        {
            "slug": "single-photon-detectors",
            "name": "Single-photon detectors",
            "path": "communication/single-photon-detectors",
            "depth": 1,
            "readiness": {
                "scale": "srl",
                "level": 4,
                "name": "Benchmarks and comparisons run",
                "assessed_on": "2026-10-15",
                "trend": "rising",
                "assessment": ASSESSMENT_UUID,
            },
            "counts": _COUNTS,
            "gaps": [],
        }
    ],
}

ASSESSMENT_EXAMPLES = {
    "list": [response("A page of assessments", page("assessments", ASSESSMENT, count=6))],
    "retrieve": [response("Single-photon detectors at SRL 4", ASSESSMENT)],
}
LANDSCAPE_EXAMPLES = [response("One area of the landscape", LANDSCAPE)]
