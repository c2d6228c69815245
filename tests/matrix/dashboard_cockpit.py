"""The cockpit (数据驾驶舱) in the scope matrix: a unit's cockpit, big screen, JSON, map and report."""
from tests.test_scope_matrix import GET, on, page

by_code = (lambda o: {"code": o.code})

ROUTES = {
    "cockpit": page(methods=(GET,)),
    "cockpit-unit": on("unit", by_code, methods=(GET,)),
    "cockpit-screen": on("unit", by_code, methods=(GET,)),
    "cockpit-json": on("unit", by_code, methods=(GET,)),
    "cockpit-map": on("unit", by_code, methods=(GET,)),
    "cockpit-report": on("unit", by_code, methods=(GET,), query=lambda o: {"month": "2026-01"}),
}
