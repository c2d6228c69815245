"""Security headers on every answer, and templates that keep to the Content-Security-Policy."""
import re
from pathlib import Path

import pytest

import gongzhi

TEMPLATES = Path(gongzhi.__file__).resolve().parent
# A <script> runs inline unless it has a src, or is data (json_script's type="application/json").
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/docs", "/api/v1/categories", "/open311/v2/services.json",
                                  "/no-such-page/"])
def test_every_answer_carries_the_policy_and_the_other_headers(client, db, path):
    response = client.get(path)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_signed_in_page_carries_the_policy_too(client, world):
    client.force_login(world.worker_a)
    assert "script-src 'self'" in client.get("/cases/inbox/").headers["Content-Security-Policy"]


def test_the_tile_server_of_the_maps_may_serve_images(monkeypatch):
    import importlib

    from gongzhi import settings as project_settings

    monkeypatch.setenv("GONGZHI_MAP_TILE_URL", "https://{s}.tiles.example.cn/{z}/{x}/{y}.png")
    try:
        reloaded = importlib.reload(project_settings)
        assert "img-src 'self' data: blob: https://*.tiles.example.cn" in reloaded.CONTENT_SECURITY_POLICY
    finally:
        monkeypatch.delenv("GONGZHI_MAP_TILE_URL")
        importlib.reload(project_settings)


def test_no_template_has_an_inline_script_or_an_event_handler_attribute():
    offending = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER):
            for found in pattern.finditer(text):
                line = text.count("\n", 0, found.start()) + 1
                offending.append(f"{template.relative_to(TEMPLATES)}:{line}: {found.group(0)[:80]}")
    assert offending == [], "the Content-Security-Policy would block these; use static/gongzhi/*.js and data attributes:\n" + "\n".join(offending)


def test_the_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>') and INLINE_SCRIPT.search('<script type="module">')
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert not INLINE_SCRIPT.search('<script id="d" type="application/json">{}</script>')
    assert HANDLER.search('<button class="b" onclick="go()">') and HANDLER.search("<select name=s onchange='x'>")
    assert not HANDLER.search('<button data-confirm="on=off">')
