"""Examples of the directory API's request and response bodies, as the OpenAPI schema shows them.

One institute (PTB) and what it keeps: a dilution-refrigerator testbed, a single-photon detector
service at 1550 nm, a contact desk, and the technology area both belong to. Sources:
- PTB, its economy and RMO, its Quantum Technology Competence Centre (QTZ) and its site: the
  report of the BIPM workshop on quantum technologies (/work/shared/reference/
  bipm-nmiq-workshop-2024.md, talk by Denz) as the demo data (capabilities/demo.py) uses it.
- "Cryogenics (dilution refrigerators)", millikelvin calibration and qubit coherence (T1, T2):
  the same report (talk by Lecocq); the 10 mK base temperature is illustrative.
- Detection efficiency of fibre-coupled InGaAs SPADs at 1550 nm, mean photon number 0.01 to 2.4,
  the MIQC2 pilot study (INRIM, CMI, NPL, PTB) and its paper, doi 10.1140/epjqt/
  s40507-020-00089-1: /work/shared/reference/data/README.md, section 2d.
- k = 2 at 95 %: as in four of the five KCDB records of /work/shared/reference/data/
  kcdb_cmc_full_records.json. No published uncertainty of single-photon detection efficiency is
  in the reference data (README, section 1f), so the uncertainty figures are illustrative.
"""

from drf_spectacular.utils import OpenApiExample

from nmiq_portal.core.markdown import render_markdown

#: Where the examples' portal lives: addresses in bodies are absolute.
BASE_URL = "https://portal.example"
API_URL = f"{BASE_URL}/api/v1"

PTB_UUID = "5d4a1c1e-3b0f-4c52-9a51-2f4e8b7c6d10"
TESTBED_UUID = "0b6f2d8e-7c1a-4e3b-9f5d-1a2b3c4d5e6f"
SERVICE_UUID = "7e3c9a10-52d4-4b8e-a6f1-c0d9e8b7a654"
CONTACT_UUID = "c4e2b7a9-1d3f-4a6c-8e5b-9f0a1b2c3d4e"
AREA_UUID = "a1f3c5e7-9b2d-4f6a-8c1e-3d5f7a9b1c2e"
#: PTB's quantum communication testbed, on which the detector service runs.
QKD_TESTBED_UUID = "e9d8c7b6-a5f4-4e3d-9c2b-1a0f9e8d7c6b"

PTB_REFERENCE = {
    "uuid": PTB_UUID,
    "acronym": "PTB",
    "name": "Physikalisch-Technische Bundesanstalt",
    "url": f"{API_URL}/institutes/{PTB_UUID}/",
}

INSTITUTE_DESCRIPTION = (
    "Quantum Technology Competence Centre (QTZ): testbeds for ion traps, superconducting quantum "
    "computers and quantum communication."
)

INSTITUTE = {
    **PTB_REFERENCE,
    "web_url": f"{BASE_URL}/institutes/ptb/",
    "kind": "nmi",
    "economy": {"code": "DE", "name": "Germany"},
    "rmo": "EURAMET",
    "website": "https://www.ptb.de",
    "description": INSTITUTE_DESCRIPTION,
    "verified": True,
    "version": 3,
    "updated_at": "2026-03-02T09:41:07.512318Z",
}
INSTITUTE_CHANGE = {
    "description": INSTITUTE_DESCRIPTION + " Partners reach the testbeds through the QTZ desk.",
    "version": 3,
}

TESTBED_DESCRIPTION = (
    "A dilution refrigerator with a **10 mK** base temperature, wired for microwave "
    "characterisation of superconducting devices:\n\n"
    "- attenuation and thermalisation of cryogenic attenuators\n"
    "- qubit coherence times T1 and T2, reported as histograms and time traces"
)

TESTBED = {
    "uuid": TESTBED_UUID,
    "url": f"{API_URL}/testbeds/{TESTBED_UUID}/",
    "html_url": f"{BASE_URL}/testbeds/ptb-dilution-refrigerator-testbed/",
    "slug": "ptb-dilution-refrigerator-testbed",
    "name": "Dilution-refrigerator testbed",
    "summary": "Microwave characterisation of superconducting devices and cryogenic components "
    "from 10 mK, at PTB's Quantum Technology Competence Centre (QTZ).",
    "description": TESTBED_DESCRIPTION,
    "description_html": render_markdown(TESTBED_DESCRIPTION),
    "institute": PTB_REFERENCE,
    "technology_areas": ["cryogenics", "quantum-processors"],
    "access_modes": ["collaboration", "on_site"],
    "audiences": ["industry", "academia", "nmis"],
    "si_traceable": False,
    "status": "operational",
    "visibility": "public",
    "published": True,
    "published_at": "2026-02-16T13:20:45.104211Z",
    "updated_at": "2026-03-02T10:15:00.228519Z",
    "version": 4,
    "operating_ranges": {
        "temperature": {"min": 0.01, "max": 4.0, "unit": "K"},
        "frequency": {"min": 4000000000.0, "max": 8000000000.0, "unit": "Hz"},
        "wavelength": None,
    },
    "contacts": [CONTACT_UUID],
    "evidence": [
        {
            "kind": "other",
            "title": "Presentations of the BIPM workshop on quantum technologies (2024)",
            "url": "https://www.bipm.org/documents/20126/228569750/Quantum-BIPM-Workshop-2024/"
            "283dd72c-c6b0-1be5-da3f-db8a6c1bbfa4",
            "doi": "",
            "doi_url": "",
            "reference": "",
            "year": 2024,
            "portal_url": "",
        }
    ],
    "quantities": ["attenuation", "qubit coherence time T1", "qubit coherence time T2"],
    "readiness": {
        "scale": "trl",
        "level": 5,
        "name": "Technology validated in relevant environment",
    },
    "location": {"city": "Braunschweig", "latitude": 52.29, "longitude": 10.46},
    "links": [{"title": "PTB", "url": "https://www.ptb.de"}],
}
TESTBED_CREATE = {
    "institute": PTB_UUID,
    "name": TESTBED["name"],
    "summary": TESTBED["summary"],
    "description": TESTBED_DESCRIPTION,
    "technology_areas": TESTBED["technology_areas"],
    "access_modes": TESTBED["access_modes"],
    "audiences": TESTBED["audiences"],
    "status": "operational",
    "visibility": "public",
    "published": True,
    # Numbers in the stored unit, or text with a unit as the edit form takes it.
    "operating_ranges": {
        "temperature": {"min": "10 mK", "max": "4 K"},
        "frequency": {"min": 4, "max": 8, "unit": "GHz"},
    },
    "contacts": [CONTACT_UUID],
    "quantities": TESTBED["quantities"],
    "readiness": {"scale": "trl", "level": 5},
    "location": {"city": "Braunschweig", "latitude": 52.29, "longitude": 10.46},
    "links": [{"title": "PTB", "url": "https://www.ptb.de"}],
}
TESTBED_CREATED = {
    **TESTBED,
    "published_at": "2026-03-02T10:15:00.228519Z",
    "version": 2,
}
TESTBED_CHANGE = {"readiness": {"scale": "trl", "level": 6}, "version": 4}
TESTBED_CHANGED = {
    **TESTBED,
    "readiness": {
        "scale": "trl",
        "level": 6,
        "name": "Technology demonstrated in relevant environment",
    },
    "updated_at": "2026-03-09T08:02:51.730166Z",
    "version": 5,
}

SERVICE_DESCRIPTION = (
    "Detection efficiency of fibre-coupled single-photon detectors (InGaAs SPADs, SNSPDs) at "
    "1550 nm, with attenuated laser pulses of known mean photon number.\n\n"
    "The method took part in the MIQC2 pilot study with INRIM, CMI and NPL."
)

SERVICE = {
    "uuid": SERVICE_UUID,
    "url": f"{API_URL}/services/{SERVICE_UUID}/",
    "html_url": f"{BASE_URL}/services/ptb-single-photon-detector-characterisation-at-1550-nm/",
    "slug": "ptb-single-photon-detector-characterisation-at-1550-nm",
    "name": "Single-photon detector characterisation at 1550 nm",
    "summary": "Detection efficiency of fibre-coupled single-photon detectors at 1550 nm.",
    "description": SERVICE_DESCRIPTION,
    "description_html": render_markdown(SERVICE_DESCRIPTION),
    "institute": PTB_REFERENCE,
    "technology_areas": ["qkd", "single-photon-detectors"],
    "access_modes": ["send_in"],
    "audiences": ["industry", "academia", "nmis"],
    "si_traceable": True,
    "status": "offered",
    "visibility": "public",
    "published": True,
    "published_at": "2026-02-20T15:02:11.903412Z",
    "updated_at": "2026-02-20T15:02:11.903417Z",
    "version": 2,
    "operating_ranges": {
        "temperature": None,
        "frequency": None,
        "wavelength": {"min": 1550.0, "max": 1550.0, "unit": "nm"},
    },
    "contacts": [CONTACT_UUID],
    "evidence": [
        {
            "kind": "paper",
            "title": "Detection efficiency of a fibre-coupled InGaAs SPAD at 1550 nm: "
            "MIQC2 pilot study (CMI, INRIM, NPL, PTB)",
            "url": "",
            "doi": "10.1140/epjqt/s40507-020-00089-1",
            "doi_url": "https://doi.org/10.1140/epjqt/s40507-020-00089-1",
            "reference": "EMPIR MIQC2",
            "year": 2020,
            "portal_url": "",
        }
    ],
    "kind": "characterisation",
    "quantity": "Detection efficiency of fibre-coupled single-photon detectors",
    "range": {
        "lower": 1.0,
        "upper": 90.0,
        "unit": "%",
        "base_lower": 0.01,
        "base_upper": 0.9,
        "base_unit": "1",
    },
    "uncertainty": {
        "mode": "relative",
        "lower": 1.5,
        "upper": 3.0,
        "unit": "%",
        "equation": "",
        "table": "",
        "coverage_factor": 2.0,
        "confidence_level": 95.0,
        "base_lower": None,
        "base_upper": None,
        "base_unit": "",
    },
    "method": "Attenuated pulsed laser, calibrated power meter and attenuators",
    "instrument": "",
    "instrument_method": "",
    "parameters": [
        {"name": "Wavelength", "value": "1550 nm"},
        {"name": "Mean photon number per pulse", "value": "0.01 to 2.4"},
        {"name": "Fibre", "value": "Single-mode"},
    ],
    "traceability": "Optical power, traceable to PTB's cryogenic radiometer",
    "lead_time": "4 to 6 weeks",
    "charging": "on_request",
    "kcdb_code": "",
    "kcdb_aliases": [],
    "metrology_area": "PR",
    "branch": "Fibre optics",
    "kcdb_service": "Fibre optics",
    "sub_service": "",
    "individual_service": "",
    "testbed": QKD_TESTBED_UUID,
}
SERVICE_CREATE = {
    "institute": PTB_UUID,
    "name": SERVICE["name"],
    "kind": "characterisation",
    "summary": SERVICE["summary"],
    "description": SERVICE_DESCRIPTION,
    "technology_areas": SERVICE["technology_areas"],
    "access_modes": ["send_in"],
    "audiences": SERVICE["audiences"],
    "si_traceable": True,
    "published": True,
    "operating_ranges": {"wavelength": {"min": "1550 nm", "max": "1550 nm"}},
    "contacts": [CONTACT_UUID],
    "quantity": SERVICE["quantity"],
    "range": {"lower": 1, "upper": 90, "unit": "%"},
    # Decimals as strings, so that no digit is lost on the way.
    "uncertainty": {
        "mode": "relative",
        "lower": 1.5,
        "upper": 3.0,
        "unit": "%",
        "coverage_factor": "2.00",
        "confidence_level": "95.0",
    },
    "method": SERVICE["method"],
    "parameters": SERVICE["parameters"],
    "traceability": SERVICE["traceability"],
    "lead_time": "4 to 6 weeks",
    "charging": "on_request",
    "testbed": QKD_TESTBED_UUID,
}
SERVICE_CHANGE = {"uncertainty": {"lower": 1.2}, "lead_time": "6 to 8 weeks", "version": 2}
SERVICE_CHANGED = {
    **SERVICE,
    "uncertainty": {**SERVICE["uncertainty"], "lower": 1.2},
    "lead_time": "6 to 8 weeks",
    "updated_at": "2026-03-04T11:47:30.015822Z",
    "version": 3,
}

CONTACT = {
    "uuid": CONTACT_UUID,
    "url": f"{API_URL}/contacts/{CONTACT_UUID}/",
    "html_url": f"{BASE_URL}/institutes/ptb/#contact-{CONTACT_UUID}",
    "name": "PTB Quantum Technology Competence Centre Desk",
    "function": "Testbed user enquiries",
    # Authenticated clients only.
    "email": "ptb-qtz-testbeds@example.org",
    "phone": "",
    "institute": PTB_REFERENCE,
    "status": "active",
    "published": True,
    "version": 2,
    "updated_at": "2026-02-16T13:18:02.664090Z",
}
CONTACT_CREATE = {
    "institute": PTB_UUID,
    "name": CONTACT["name"],
    "function": CONTACT["function"],
    "email": CONTACT["email"],
    "published": True,
}
CONTACT_CHANGE = {"function": "Testbed and calibration enquiries", "version": 2}
CONTACT_CHANGED = {
    **CONTACT,
    "function": "Testbed and calibration enquiries",
    "version": 3,
    "updated_at": "2026-03-05T16:30:12.480017Z",
}

TECHNOLOGY_AREA = {
    "uuid": AREA_UUID,
    "url": f"{API_URL}/technology-areas/cryogenics/",
    "html_url": f"{BASE_URL}/directory/?area=cryogenics",
    "slug": "cryogenics",
    "name": "Cryogenics (dilution refrigerators)",
    "parent": "superconducting",
    "path": "computing/superconducting/cryogenics",
    "depth": 2,
    "description": "Dilution refrigerators and the millikelvin environment of superconducting "
    "quantum devices.",
}


def page(endpoint: str, record: dict, *, count: int, number: int = 1) -> dict:
    """Page ``number`` of ``endpoint`` at one record a page, with ``record`` on it."""

    def link(n: int) -> str | None:
        if not 1 <= n <= count:
            return None
        return (
            f"{API_URL}/{endpoint}/?page={n}&page_size=1"
            if n > 1
            else f"{API_URL}/{endpoint}/?page_size=1"
        )

    return {
        "count": count,
        "next": link(number + 1),
        "previous": link(number - 1),
        "results": [record],
    }


def response(name: str, value: dict, description: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, description=description, response_only=True)


def request(name: str, value: dict, description: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, description=description, request_only=True)


# The examples of each operation (drf-spectacular's extend_schema(examples=…)). A list's example
# is a whole page: drf-spectacular cannot wrap a record in this API's page shapes (anyOf).
INSTITUTE_EXAMPLES = {
    "list": [response("A page of institutes", page("institutes", INSTITUTE, count=24))],
    "retrieve": [response("PTB", INSTITUTE)],
    "partial_update": [
        request("A new description", INSTITUTE_CHANGE),
        response(
            "PTB changed",
            {**INSTITUTE, "description": INSTITUTE_CHANGE["description"], "version": 4},
        ),
    ],
}
TESTBED_EXAMPLES = {
    "list": [response("A page of testbeds", page("testbeds", TESTBED, count=31))],
    "retrieve": [response("A dilution-refrigerator testbed", TESTBED)],
    "create": [
        request("A dilution-refrigerator testbed to publish", TESTBED_CREATE),
        response("The testbed added", TESTBED_CREATED),
    ],
    "partial_update": [
        request("A higher readiness level", TESTBED_CHANGE),
        response("The testbed changed", TESTBED_CHANGED),
    ],
}
SERVICE_EXAMPLES = {
    "list": [response("A page of services", page("services", SERVICE, count=27))],
    "retrieve": [response("Single-photon detector characterisation", SERVICE)],
    "create": [
        request("A characterisation service to publish", SERVICE_CREATE),
        response("The service added", SERVICE),
    ],
    "partial_update": [
        request("A smaller uncertainty and a longer lead time", SERVICE_CHANGE),
        response("The service changed", SERVICE_CHANGED),
    ],
}
CONTACT_EXAMPLES = {
    "list": [response("A page of contacts", page("contacts", CONTACT, count=15))],
    "retrieve": [response("A contact desk", CONTACT)],
    "create": [
        request("A contact desk to publish", CONTACT_CREATE),
        response("The contact added", CONTACT),
    ],
    "partial_update": [
        request("A wider function", CONTACT_CHANGE),
        response("The contact changed", CONTACT_CHANGED),
    ],
}
TECHNOLOGY_AREA_EXAMPLES = {
    "list": [
        response("A page of areas", page("technology-areas", TECHNOLOGY_AREA, count=32, number=12))
    ],
    "retrieve": [response("Cryogenics", TECHNOLOGY_AREA)],
}
