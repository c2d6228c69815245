"""Routing suggestions learnt from the instance's own closed cases, and the category defaults."""
import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from gongzhi.cases import routing, services, textmodel, workflow
from gongzhi.cases.defaults import install
from gongzhi.cases.models import Category, Channel, TextModel
from gongzhi.people.models import Agency, AgencyKind, Role, UtilityType
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import make_user

# Distinct wording per category: street lamps, water leaks, neighbours' noise.
WORDING = {
    "0202": ["路灯不亮", "路灯坏了晚上很黑", "小区门口路灯闪烁", "路灯灯泡烧了", "广场的路灯一直不亮"],
    "0602": ["水管漏水", "楼下水管破裂漏水", "自来水管爆了", "厨房水管渗水", "地下水管漏水冒出来"],
    "1201": ["邻居吵架", "楼上邻居噪音扰民", "邻居占用楼道起纠纷", "和邻居因为停车吵架", "邻里之间因为漏水起矛盾"],
}


@pytest.fixture
def cw(world):
    """The case world: the category tree, agencies named as the defaults expect, one clerk each."""
    install(Category)
    world.category = Category.objects.get(code="0201")
    names = ("住房和城乡建设局", "司法局", "消防救援大队")
    world.agencies = [Agency.objects.create(name=n, kind=AgencyKind.DEPARTMENT, district=world.district) for n in names]
    world.water = Agency.objects.create(name="自来水公司", kind=AgencyKind.UTILITY, utility_type=UtilityType.WATER, district=world.district)
    world.clerks = [make_user(f"clerk-{i}", Role.PROFESSIONAL_GRID_WORKER, [world.grid_a, world.grid_b], agency=a)
                    for i, a in enumerate(world.agencies + [world.water])]
    world.reporter = make_user("resident-1", Role.RESIDENT, [world.grid_a])
    return world


def report(w, title, category, description=None):
    return services.create_case(title=title, description=description or f"{title}，请尽快处理", category=category,
                                channel=Channel.PATROL, recorded_by=w.worker_a, lat=35.01, lng=116.005)


def close_through(w, case, agency, clerk):
    """dispatch → accept → feed_back → verify."""
    workflow.perform(case.pk, "dispatch", w.worker_a, agency=agency)
    workflow.perform(case.pk, "accept", clerk)
    workflow.perform(case.pk, "feed_back", clerk, note="已处理")
    return workflow.perform(case.pk, "verify", w.worker_a)


def close_history(w, per_category):
    """Closed cases: lamps go to 住建局, leaks to the water company, disputes are solved on the spot."""
    lamps, leaks, disputes = (Category.objects.get(code=c) for c in WORDING)
    routes = {lamps.code: (w.agencies[0], w.clerks[0]), leaks.code: (w.water, w.clerks[3]), disputes.code: None}
    count = 0
    for category in (lamps, leaks, disputes):
        for text in itertools.islice(itertools.cycle(WORDING[category.code]), per_category):
            case = report(w, text, category)
            if routes[category.code]:
                close_through(w, case, *routes[category.code])
            else:
                workflow.perform(case.pk, "solve_on_spot", w.worker_a, note="当场调解")
            count += 1
    return lamps, leaks, disputes


def test_before_the_first_training_nothing_is_suggested_and_it_says_why(cw):
    close_history(cw, per_category=11)
    suggestion = routing.suggest("路灯不亮了")
    assert suggestion.enough_history is False and suggestion.category is None and suggestion.agency is None
    with translation.override("en"):
        assert "No routing model has been trained yet" in str(suggestion.message)
    with translation.override("zh-hans"):
        assert "尚未训练" in str(suggestion.message)


def test_with_too_little_history_it_says_so_and_suggests_nothing(cw):
    close_history(cw, per_category=3)
    routing.train()
    suggestion = routing.suggest("路灯不亮了")
    assert suggestion.enough_history is False
    assert suggestion.category is None and suggestion.agency is None and suggestion.confidence == 0.0
    with translation.override("en"):
        assert "Too little history" in str(suggestion.message) and "9 closed cases" in str(suggestion.message)


def test_a_single_category_of_history_is_too_little(cw):
    for text in WORDING["0202"] * 2:
        close_through(cw, report(cw, text, Category.objects.get(code="0202")), cw.agencies[0], cw.clerks[0])
    routing.train()
    suggestion = routing.suggest("路灯不亮", min_cases=5)
    assert suggestion.enough_history is False and suggestion.category is None


def test_open_cases_are_not_history(cw):
    for text in WORDING["0202"] * 8:
        report(cw, text, Category.objects.get(code="0202"))
    routing.train()
    assert routing.suggest("路灯不亮").enough_history is False


def test_it_learns_the_category_from_closed_cases(cw):
    lamps, leaks, disputes = close_history(cw, per_category=14)
    routing.train()
    suggestion = routing.suggest("晚上路灯不亮，太黑了")
    assert suggestion.enough_history is True
    assert suggestion.category == lamps and suggestion.confidence > 0.5
    assert suggestion.agency == cw.agencies[0]
    leak = routing.suggest("卫生间水管漏水了")
    assert leak.category == leaks and leak.confidence > 0.5 and leak.agency == cw.water
    dispute = routing.suggest("和楼上邻居吵架")
    assert dispute.category == disputes and dispute.confidence > 0.5
    assert dispute.agency is None  # always solved on the spot: no agency to learn
    # With the place known, the category's default agency fills the gap.
    assert routing.suggest("和楼上邻居吵架", district=cw.grid_a).agency == cw.agencies[1]
    with translation.override("en"):
        assert "42 closed cases" in str(suggestion.message)


def test_the_minute_job_retrains_when_more_cases_close_and_pages_never_do(cw):
    close_history(cw, per_category=11)
    now = timezone.now()
    assert routing.train_step(now) == {"trained": True, "closed_cases": 33, "rows_stored": 0}  # no open case to store
    model = textmodel.current()
    first = routing.suggest("路灯不亮")
    assert routing.train_step(now) == {"trained": False}  # nothing new: the model is kept
    lamps = Category.objects.get(code="0202")
    close_through(cw, report(cw, "路灯不亮", lamps), cw.agencies[2], cw.clerks[2])
    again = routing.suggest("路灯不亮")
    assert textmodel.current() is model  # a page only reads the model
    assert routing.train_step(now) == {"trained": True, "closed_cases": 34, "rows_stored": 0}
    assert textmodel.current() is not model and textmodel.current().n_cases == 34
    assert again.category == first.category == routing.suggest("路灯不亮").category == lamps
    assert TextModel.objects.count() == 1  # older models are dropped


def test_a_big_history_is_refitted_after_enough_new_closed_cases_or_an_hour(cw, monkeypatch, settings):
    monkeypatch.setattr(routing, "SMALL_HISTORY", 10)  # 33 closed cases count as a big history here
    settings.CASE_ROUTING_RETRAIN_GROWTH = 0.1  # refit after 4 more (10% of 33, rounded up)
    lamps, leaks, disputes = close_history(cw, per_category=11)
    now = timezone.now()
    routing.train(now)
    for _ in range(3):
        workflow.perform(report(cw, "邻居吵架", disputes).pk, "solve_on_spot", cw.worker_a, note="调解")
    assert routing.retrain_due(now) is False
    assert routing.retrain_due(now + datetime.timedelta(hours=1)) is True  # an hour old, and something changed
    workflow.perform(report(cw, "邻居吵架", disputes).pk, "solve_on_spot", cw.worker_a, note="调解")
    assert routing.retrain_due(now) is True


def test_the_minute_jobs_check_counts_the_newly_closed_cases_by_the_closed_at_index(cw, monkeypatch, settings):
    # The check runs every minute: it must read only the cases closed since the model, never
    # walk the case table in the default (reported-at) order to find them.
    monkeypatch.setattr(routing, "SMALL_HISTORY", 10)
    close_history(cw, per_category=11)
    now = timezone.now()
    routing.train(now)
    with CaptureQueriesContext(connection) as queries:
        routing.retrain_due(now)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, [q["sql"] for q in queries]
    assert "created_at" not in counts[0].split("FROM", 2)[-1], counts[0]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {counts[0]}")
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        assert "USING INDEX case_closed_at (closed_at>?)" in plan, plan


def test_a_model_stored_by_another_process_is_loaded_after_the_check_interval(cw, settings):
    settings.CASE_TEXT_MODEL_CHECK_SECONDS = 3600
    close_history(cw, per_category=11)
    routing.train()
    model = textmodel.current()
    # Another process (the minute job) stores a newer model: this one sees it at its next check.
    row = TextModel.objects.get()
    TextModel.objects.create(version="newer", trained_at=timezone.now(), closed_cases=33, library=row.library, blob=row.blob)
    assert textmodel.current() is model
    textmodel._state["due"] = 0.0
    assert textmodel.current() is not model and textmodel.current().n_cases == 33


def test_a_suggestion_reads_a_few_rows_however_long_the_history(cw):
    def suggestion_queries():
        routing.train()
        with CaptureQueriesContext(connection) as queries:
            suggestion = routing.suggest("晚上路灯不亮", district=cw.grid_a)
        assert suggestion.enough_history is True
        return [q["sql"] for q in queries]

    close_history(cw, per_category=11)
    few = suggestion_queries()
    close_history(cw, per_category=11)
    many = suggestion_queries()
    assert len(few) == len(many) <= 2, many  # the category and its agencies
    assert not any("COUNT(" in sql.upper() or "cases_case" in sql for sql in many), many


def test_the_training_is_a_step_of_the_minute_job(cw):
    from gongzhi.core import plugins
    from gongzhi.core.tick import run_once

    assert "cases.train_step" in dict(plugins.tick_steps())
    close_history(cw, per_category=11)
    assert run_once()["cases.train_step"] == {"trained": True, "closed_cases": 33, "rows_stored": 0}
    assert routing.suggest("路灯不亮").enough_history is True


def test_a_returned_dispatch_does_not_teach_the_agency(cw):
    lamps, leaks, disputes = close_history(cw, per_category=11)
    for text in WORDING["0202"] * 3:  # fifteen times wrongly sent to 消防 first
        case = report(cw, text, lamps)
        workflow.perform(case.pk, "dispatch", cw.worker_a, agency=cw.agencies[2])
        workflow.perform(case.pk, "return", cw.clerks[2], note="不属于本单位")
        close_through(cw, case, cw.agencies[0], cw.clerks[0])
    routing.train()
    assert routing.suggest("路灯不亮").agency == cw.agencies[0]


def test_the_agency_is_taken_from_the_given_district(cw):
    close_history(cw, per_category=11)
    routing.train()
    other = territory.create_unit(name="另一区", level=Level.DISTRICT, code="370872")
    there = Agency.objects.create(name="住房和城乡建设局", kind=AgencyKind.DEPARTMENT, district=other)
    assert routing.suggest("路灯不亮", district=cw.grid_a).agency == cw.agencies[0]
    assert routing.suggest("路灯不亮", district=other).agency == there  # no history there: the default


def test_default_agency_follows_the_category(cw):
    lamps, leak, fitness, other = (Category.objects.get(code=c) for c in ("0202", "0602", "0201", "9901"))
    assert routing.default_agency(lamps, cw.district) == cw.agencies[0]
    assert routing.default_agency(fitness, cw.grid_a) == cw.agencies[0]  # any unit of the district will do
    assert routing.default_agency(leak, cw.district) == cw.water
    power = Category.objects.get(code="0701")
    assert routing.default_agency(power, cw.district) is None  # no power company registered
    assert routing.default_agency(other, cw.district) is None  # no default for 其他问题
    elsewhere = territory.create_unit(name="另一区", level=Level.DISTRICT, code="370872")
    assert routing.default_agency(leak, elsewhere) is None
    # A department whose name only contains the default's text still matches.
    police = Category.objects.get(code="1101")
    assert routing.default_agency(police, cw.district) is None
    Agency.objects.create(name="济宁市公安局高新区公安分局", kind=AgencyKind.DEPARTMENT, district=cw.district)
    assert routing.default_agency(police, cw.district).name == "济宁市公安局高新区公安分局"
