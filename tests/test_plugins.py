"""An app plugs itself in with one line in INSTALLED_APPS: its pages, API router, figures,
tick steps, demo steps, menu entries, notices and outbox handlers all appear
(tests/sample_app is such an app; this runs it in a separate process with its settings)."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, django
django.setup()
from django.test import Client
from django.urls import reverse
from gongzhi.core import plugins, tick
from gongzhi.core.notices import render
from gongzhi.api.v1 import api
client = Client()
spec = api.get_openapi_schema()
print(json.dumps({
    "page": client.get("/sample/").content.decode(),
    "api": "/api/v1/sample/ping" in spec["paths"],
    "figures": list(plugins.figures()),
    "ticks": [name for name, _step in plugins.tick_steps()],
    "demo": [label for _order, label, _step in plugins.demo_steps()],
    "menu": [entry.url_name for entry in plugins.menu_entries()],
    "notice": str(render("sample.pinged", {"number": "X-1"})),
    "handlers": sorted(plugins.outbox_handlers()),
}))
"""


def test_an_app_added_to_installed_apps_plugs_in_every_part_of_itself():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.sample_app.settings", "GONGZHI_ENV": "test",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}"}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["page"] == "sample page"
    assert seen["api"] is True
    assert "sample_things" in seen["figures"] and "grids" in seen["figures"]
    assert "sample.tick" in seen["ticks"]
    assert "sample" in seen["demo"]
    assert "sample:index" in seen["menu"]
    assert seen["notice"] == "Pinged X-1" or "X-1" in seen["notice"]
    assert "sample.ping" in seen["handlers"]
