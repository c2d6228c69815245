"""Debian's chromium driven by Playwright (never a downloaded browser)."""
import os
import shutil

import pytest

CHROMIUM = os.environ.get("GONGZHI_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture
def browser_page():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # Every context a test opens reports what the Content-Security-Policy blocked (an inline
        # script, a handler, an outside source): the test fails on any, even if the page looked right.
        blocked = []
        open_context = browser.new_context

        def watched_context(**options):
            context = open_context(**options)
            context.on("console", lambda message: blocked.append(message.text)
                       if message.type == "error" and "Content Security Policy" in message.text else None)
            return context

        browser.new_context = watched_context
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()
        assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
