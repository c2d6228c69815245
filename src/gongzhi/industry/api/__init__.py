"""The industry app in the JSON API (/api/v1/industry/...), one module per concern: each module
has its ``router``, mounted here (add a module to ``MODULES``)."""
from ninja import Router

from . import coverage, enterprises, leads, market

MODULES = (enterprises, coverage, market, leads)

router = Router(tags=["industry"])
for module in MODULES:
    router.add_router("", module.router)
