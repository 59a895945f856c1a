"""Examples of the benchmarks API's bodies, as the OpenAPI schema shows them.

A Metriq benchmark and one of its results as the real record gives it: metriq-gym's QML Kernel
on ibm_boston, 2 qubits, 1000 shots, accuracy_score 0.992 with uncertainty 0.0028170906978654425
(unitaryfoundation/metriq-data @ 76b4640, metriq-gym/v0.4/ibm/ibm_boston/
2025-12-08_14-02-58_qml_kernel_b31c1b99.json; copied in /work/shared/reference/data/metriq_raw/).
The importing institute and the UUIDs are made up for the example.
"""

from capabilities.api.examples import API_URL, BASE_URL, PTB_REFERENCE, page, response

BENCHMARK_UUID = "4b6d8f0a-2c4e-4a6b-8d0f-1a3c5e7b9d2f"
RESULT_UUID = "8e0a2c4e-6b8d-4f1a-9c3e-5b7d9f1a3c5e"
_SLUG = "metriq-qml-kernel-accuracy"
_RESULT_URL = f"{BASE_URL}/benchmarks/{_SLUG}/results/{RESULT_UUID}/"
BENCHMARK = {
    "uuid": BENCHMARK_UUID,
    "url": f"{API_URL}/benchmarks/{BENCHMARK_UUID}/",
    "html_url": f"{BASE_URL}/benchmarks/{_SLUG}/",
    "chart_url": f"{API_URL}/benchmarks/{BENCHMARK_UUID}/chart/",
    "slug": _SLUG,
    "name": "Metriq QML Kernel accuracy",
    "metric": "accuracy_score",
    "unit": "dimensionless",
    "higher_is_better": True,
    "technology_area": "computing",
    "twa": {
        "number": 1,
        "slug": "twa-1",
        "title": "Benchmarking quantum computers",
        "url": f"{API_URL}/twas/twa-1/",
    },
    "protocol": "https://github.com/unitaryfoundation/metriq-gym",
    "description": "",
    "metriq_job_type": "QML Kernel",
    "metriq_metric": "accuracy_score",
    "updated_at": "2026-09-01T08:00:00Z",
}
RESULT = {
    "uuid": RESULT_UUID,
    "url": f"{API_URL}/results/{RESULT_UUID}/",
    "html_url": _RESULT_URL,
    "benchmark": {
        "uuid": BENCHMARK_UUID,
        "slug": _SLUG,
        "name": BENCHMARK["name"],
        "url": BENCHMARK["url"],
    },
    "institute": PTB_REFERENCE,
    "provider": "ibm",
    "device": "ibm_boston",
    "qubit_count": 156,
    "value": 0.992,
    "unit": "dimensionless",
    "value_as_given": "0.992",
    "uncertainty_kind": "standard",
    "uncertainty": 0.0028170906978654425,
    "uncertainty_as_given": "0.00281709",
    "coverage_factor": None,
    "standard_uncertainty": 0.0028170906978654425,
    "measured_on": "2025-12-08",
    "conditions": [{"name": "num_qubits", "value": "2"}, {"name": "shots", "value": "1000"}],
    "method": "metriq-gym 0.4.1a1.dev16+g3c7e1971b.d20251109",
    "project": None,
    "sample_count": 0,
    "status": "published",
    "published_at": "2026-09-02T10:00:00Z",
    "updated_at": "2026-09-02T10:00:00Z",
}
CHART = {
    "benchmark": BENCHMARK["name"],
    "metric": "accuracy_score",
    "unit": "dimensionless",
    "higher_is_better": True,
    "series": [
        {
            "platform": "ibm ibm_boston",
            "points": [
                {
                    "x": "2025-12-08",
                    "y": 0.992,
                    "yMin": 0.992 - 0.0028170906978654425,
                    "yMax": 0.992 + 0.0028170906978654425,
                    "stated": True,
                    "k": None,
                    "url": _RESULT_URL.removeprefix(BASE_URL),
                }
            ],
        }
    ],
}

BENCHMARK_EXAMPLES = {
    "list": [response("A page of benchmarks", page("benchmarks", BENCHMARK, count=2))],
    "retrieve": [response("A Metriq benchmark", BENCHMARK)],
    "chart": [response("One platform's results", CHART)],
}
RESULT_EXAMPLES = {
    "list": [response("A page of results", page("results", RESULT, count=120))],
    "retrieve": [response("QML Kernel on ibm_boston", RESULT)],
}
