"""The inbox reads the (grid_code, status, created_at) index; one's own reports are on "my problems"."""
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases import workflow
from gongzhi.cases.models import Case, Status
from gongzhi.people.models import Role
from tests.conftest import make_user
from tests.test_case_pages import login
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def inbox_query(client, user, tab):
    """The SQL the inbox page runs for its rows."""
    login(client, user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:inbox"), {"tab": tab}).status_code == 200
    rows = [q["sql"] for q in queries if 'FROM "cases_case"' in q["sql"] and "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]]
    assert len(rows) == 1, [q["sql"] for q in queries]
    return rows[0]


def plan_of(sql):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return " | ".join(str(row[-1]) for row in cursor.fetchall())
        # Can the index give the rows in order? Forbid the alternatives and look for a sort.
        for option in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET {option} = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            return " | ".join(row[0] for row in cursor.fetchall())
        finally:
            for option in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"RESET {option}")


def some_cases(w, n=6):
    for i in range(n):
        case = report(w, lng=116.005 if i % 2 else 116.03)
        if i % 3 == 0:
            workflow.perform(case.pk, "dispatch", w.worker_a if i % 2 else w.worker_b, agency=w.agencies[0])


def test_a_grid_workers_tab_reads_its_grid_in_date_order_from_the_index_with_no_sort(client, cw):
    some_cases(cw)
    # The grid worker also reported a problem of their own: it must not drag the query off the index.
    report(cw, reporter=cw.worker_a, lng=116.03)
    plan = plan_of(inbox_query(client, cw.worker_a, "new"))
    if connection.vendor == "sqlite":
        assert "SEARCH cases_case USING INDEX case_scope_status_time (grid_code=? AND status=?)" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        assert "case_scope_status_time" in plan and "Sort" not in plan, plan


@pytest.mark.parametrize("persona, tab", [
    ("worker_a", "open"), ("worker_a", "overdue"), ("secretary", "new"), ("secretary", "supervised"),
    ("secretary", "open"), ("clerk", "agency"),
])
def test_every_tab_searches_an_index_of_open_cases_never_the_whole_table(client, cw, persona, tab):
    some_cases(cw)
    user = cw.clerks[0] if persona == "clerk" else getattr(cw, persona)
    sql = inbox_query(client, user, tab)
    assert "cases_timelineentry" not in sql and "DISTINCT" not in sql, sql
    if connection.vendor == "sqlite":
        plan = plan_of(sql)
        assert "SCAN cases_case" not in plan and "SEARCH cases_case USING INDEX" in plan, plan


def test_a_reporters_own_cases_are_on_my_problems_not_in_their_inbox(client, cw):
    # A grid worker of grid A reports a problem of grid B as a resident would.
    own = report(cw, reporter=cw.worker_a, lng=116.03)
    login(client, cw.worker_a)
    inbox = client.get(reverse("cases:inbox"), {"tab": "new"}).content.decode()
    assert own.number not in inbox
    assert own.number in client.get(reverse("cases:mine")).content.decode()
    assert client.get(reverse("cases:detail", args=[own.number])).status_code == 200


def test_a_reporter_still_opens_the_main_case_their_report_was_merged_into(client, cw):
    resident = make_user("resident-2", Role.RESIDENT, [cw.grid_b])
    main = report(cw, lng=116.03)
    theirs = report(cw, reporter=resident, lng=116.03)
    workflow.perform(theirs.pk, "merge", cw.worker_b, main_case=main)
    login(client, resident)
    assert client.get(reverse("cases:detail", args=[theirs.number])).status_code == 200
    assert client.get(reverse("cases:detail", args=[main.number])).status_code == 200
    other = report(cw, lng=116.03)
    assert client.get(reverse("cases:detail", args=[other.number])).status_code == 404


def test_the_supervised_tab_lists_the_open_cases_that_were_urged_or_supervised(client, cw):
    urged, supervised, untouched, closed = (report(cw) for _ in range(4))
    workflow.perform(urged.pk, "urge", cw.secretary, note="请尽快")
    workflow.perform(supervised.pk, "supervise", cw.secretary, note="督办")
    workflow.perform(closed.pk, "urge", cw.secretary, note="请尽快")
    workflow.perform(closed.pk, "solve_on_spot", cw.worker_a, note="修好了")
    assert Case.objects.get(pk=urged.pk).supervised_at is not None
    assert Case.objects.get(pk=untouched.pk).supervised_at is None
    login(client, cw.secretary)
    page = client.get(reverse("cases:inbox"), {"tab": "supervised"}).content.decode()
    assert urged.number in page and supervised.number in page
    assert untouched.number not in page and closed.number not in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_each_cases_latest_urge_from_its_timeline(world):
    target = ("cases", "0008_perf_indexes_text_model_supervised_at")
    executor = MigrationExecutor(connection)
    before = [p for p in executor.loader.graph.node_map[target].parents if p.key[0] == "cases"][0].key
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps
    OldCase, Entry, Category = (old.get_model("cases", m) for m in ("Case", "TimelineEntry", "Category"))
    parent = Category.objects.create(code="98", name="大类")
    category = Category.objects.create(code="9801", name="小类", parent=parent)
    at = timezone.now() - datetime.timedelta(days=3)
    cases = [OldCase.objects.create(number=f"2026-{i:06d}", title="t", description="d", category=category, channel="patrol",
                                    status=Status.REGISTERED, grid_id=world.grid_a.pk, grid_code=world.grid_a.code,
                                    created_at=at, respond_by=at, resolve_by=at) for i in range(1, 4)]
    for case, moves in zip(cases, (["urge", "supervise"], ["dispatch"], [])):
        for day, move in enumerate(moves, 1):
            Entry.objects.create(case=case, move=move, at=at + datetime.timedelta(days=day), status_after=Status.REGISTERED)
    executor = MigrationExecutor(connection)
    # Every app's leaves, not only the cases': going back unapplied the apps that depend on cases
    # (deliberation), and the tests after this one need their tables.
    executor.migrate(executor.loader.graph.leaf_nodes())
    filled = dict(Case.objects.values_list("number", "supervised_at"))
    assert filled == {"2026-000001": at + datetime.timedelta(days=2), "2026-000002": None, "2026-000003": None}


def test_a_cursor_page_starts_at_the_cursor_in_the_index_rather_than_filtering_from_the_newest(client, cw):
    """Without a plain time bound, "before the cursor" is an OR that no index range can use: a
    database walking the index newest first reads every row before the cursor, page after page."""
    Case.objects.bulk_create([
        Case(number=f"T-{i:04d}", title="路灯不亮", category=cw.category, grid=cw.grid_a, grid_code=cw.grid_a.code,
             status=Status.REGISTERED, created_at=timezone.now() - datetime.timedelta(minutes=i),
             respond_by=timezone.now() + datetime.timedelta(days=1), resolve_by=timezone.now() + datetime.timedelta(days=3))
        for i in range(60)])
    login(client, cw.worker_a)
    first = client.get(reverse("cases:inbox"), {"tab": "new"})
    cursor = first.context["next_cursor"]
    assert cursor
    with CaptureQueriesContext(connection) as queries:
        second = client.get(reverse("cases:inbox"), {"tab": "new", "after": cursor})
    assert second.status_code == 200
    assert not {c.pk for c in first.context["cases"]} & {c.pk for c in second.context["cases"]}
    sql = next(q["sql"] for q in queries if 'FROM "cases_case"' in q["sql"] and "ORDER BY" in q["sql"] and "LIMIT" in q["sql"])
    plan = plan_of(sql)
    if connection.vendor == "sqlite":
        assert "case_scope_status_time (grid_code=? AND status=? AND created_at<?)" in plan, plan
        assert "MULTI-INDEX OR" not in plan, plan
    else:
        assert "Index Cond" in plan and "created_at <=" in plan.split("Index Cond", 1)[1], plan
