"""The shape of the code: one visibility rule on every model, core knowing no domain app,
no import cycles between apps. These fail when a new model or a new import breaks the rule."""
import ast
from pathlib import Path

import pytest
from django.apps import apps

from gongzhi.core.querysets import ScopedQuerySet
from tests.conftest import make_user

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "gongzhi"
# Apps that other apps may build on without being domain apps themselves.
INFRASTRUCTURE = {"core"}
# Modules of the project itself (gongzhi.settings, gongzhi.wsgi...), not of an app.
PROJECT_MODULES = {"settings", "urls", "wsgi", "cli"}


def project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("gongzhi.")]


def test_every_model_of_the_project_has_its_own_scope_rule():
    missing = []
    for model in project_models():
        queryset = model._default_manager.get_queryset()
        if not isinstance(queryset, ScopedQuerySet) or type(queryset).scope_q is ScopedQuerySet.scope_q:
            missing.append(model._meta.label)
    assert missing == [], f"models without scope_q (give their manager a ScopedQuerySet): {missing}"


@pytest.mark.django_db
def test_every_scope_rule_runs_for_a_person_and_shows_nothing_to_the_signed_out(world):
    from django.contrib.auth.models import AnonymousUser

    for model in project_models():
        list(model._default_manager.visible_to(world.worker_a)[:1])
        assert list(model._default_manager.visible_to(AnonymousUser())[:1]) == []


def imports_of(path):
    """Every gongzhi module a file imports, at module level or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:  # relative: inside the same app
                continue
            found.add(node.module)
    return {name for name in found if name.startswith("gongzhi.")}


def app_of(module_name):
    parts = module_name.split(".")
    return parts[1] if len(parts) > 1 else ""


def app_sources():
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if len(relative.parts) < 2 or "migrations" in relative.parts:
            continue  # settings.py, urls.py, wsgi.py belong to the project, not to an app
        yield relative.parts[0], path


def test_core_imports_no_domain_app():
    offending = sorted(
        f"{path.relative_to(PACKAGE)} imports {name}"
        for app, path in app_sources() if app == "core"
        for name in imports_of(path) if app_of(name) not in INFRASTRUCTURE | PROJECT_MODULES
    )
    assert offending == []


def test_no_two_apps_import_each_other_even_through_others():
    graph = {}
    for app, path in app_sources():
        for name in imports_of(path):
            other = app_of(name)
            if other and other != app and other not in PROJECT_MODULES:
                graph.setdefault(app, set()).add(other)

    def reaches(start, goal, seen=()):
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen + (nxt,))) for nxt in graph.get(start, ()))

    cycles = sorted(f"{a} -> {b} -> … -> {a}" for a in graph for b in graph[a] if reaches(b, a))
    assert cycles == [], cycles


@pytest.mark.django_db
def test_an_in_scope_user_who_is_not_the_reader_sees_no_notices(world):
    from gongzhi.core.models import Notice

    assert list(Notice.objects.visible_to(make_user("someone-else"))) == []
