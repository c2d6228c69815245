"""Duplicate suggestions: open cases near a new report or worded like it."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.cases import routing, services, workflow
from gongzhi.cases.defaults import install
from gongzhi.cases.models import Case, Category, Channel
from gongzhi.cases.similarity import haversine_m, similar_open_cases, tokens
from gongzhi.people.models import Agency, AgencyKind, Role
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import make_user, square

METRE_IN_LAT = 1 / 111_195  # degrees of latitude in one metre

LAMP = dict(title="路灯不亮", description="小区门口的路灯晚上不亮，走路很黑")
FITNESS = dict(title="健身器材坏了", description="小区健身器材的扶手断了")
UNRELATED = [
    dict(title="楼道堆放杂物", description="三单元楼道里堆满了纸箱和旧家具"),
    dict(title="邻居噪音扰民", description="楼上住户每天深夜装修，噪音很大"),
    dict(title="垃圾桶满了", description="垃圾桶两天没人清运，气味难闻"),
    dict(title="电动车在楼道充电", description="有人把电动车推进楼道里充电，很危险"),
]


@pytest.fixture
def cw(world):
    """The case world: the category tree, three agencies with one clerk each, a reporting resident."""
    install(Category)
    world.category = Category.objects.get(code="0201")
    world.agencies = [Agency.objects.create(name=n, kind=AgencyKind.DEPARTMENT, district=world.district) for n in ("住建局", "执法局", "消防大队")]
    world.clerks = [make_user(f"clerk-{i}", Role.PROFESSIONAL_GRID_WORKER, [world.grid_a, world.grid_b], agency=a) for i, a in enumerate(world.agencies)]
    world.reporter = make_user("resident-1", Role.RESIDENT, [world.grid_a])
    return world


@pytest.fixture
def other_street(cw):
    """A second street east of grid B (lng 116.04–116.06), with its own community, grid and micro-grid."""
    street = territory.create_unit(name="另一街道", level=Level.STREET, parent=cw.district)
    community = territory.create_unit(name="另一社区", level=Level.COMMUNITY, parent=street)
    grid = territory.create_unit(name="C网格", level=Level.GRID, parent=community, boundary=square(116.04, 35.00, 0.02))
    territory.create_unit(name="C1", level=Level.MICRO_GRID, parent=grid, boundary=square(116.04, 35.00, 0.02))
    cw.grid_c = grid
    return cw


def report(w, text=FITNESS, **extra):
    fields = dict(category=w.category, channel=Channel.RESIDENT, reporter=w.reporter, lat=35.01, lng=116.005)
    fields.update(text)
    fields.update(extra)
    return services.create_case(**fields)


def found(case, **kwargs):
    routing.train()  # what the minute job does after reports arrive: the vectoriser knows their words
    return {s.case.pk: s for s in similar_open_cases(case, **kwargs)}


def test_haversine_gives_metres():
    assert haversine_m(35.0, 116.0, 35.0, 116.0) == 0.0
    assert haversine_m(35.0, 116.0, 35.001, 116.0) == pytest.approx(111.2, abs=0.5)
    assert haversine_m(35.0, 116.0, 35.0, 116.01) == pytest.approx(911, abs=2)  # a degree of longitude shrinks with cos(lat)


def test_tokens_are_jieba_words_without_punctuation():
    words = tokens("小区门口的路灯，晚上不亮！  Lamp broken.")
    assert "路灯" in words and "小区" in words and "lamp" in words
    assert not any(w.strip() in {"", "，", "！", "."} for w in words)


def test_a_report_50_metres_away_is_suggested(cw):
    earlier = report(cw, LAMP)
    new = report(cw, FITNESS, lat=35.01 + 50 * METRE_IN_LAT)
    suggestion = found(new)[earlier.pk]
    assert suggestion.reasons == ["near"]
    assert suggestion.distance_m == pytest.approx(50, abs=1)


def test_a_report_beyond_the_duplicate_distance_is_not_near(cw, settings):
    earlier = report(cw, LAMP)
    new = report(cw, FITNESS, lat=35.01 + 300 * METRE_IN_LAT)
    assert earlier.pk not in found(new)
    assert earlier.pk in found(new, within_m=400)
    settings.CASE_DUPLICATE_DISTANCE_M = 500
    assert found(new)[earlier.pk].reasons == ["near"]


def test_a_report_in_another_street_is_never_a_candidate(other_street):
    w = other_street
    # 20 metres apart across the street border, worded the same.
    there = report(w, FITNESS, lat=35.01, lng=116.04 + 0.0001)
    here = report(w, FITNESS, lat=35.01, lng=116.04 - 0.0001, reporter=w.reporter)
    assert there.grid == w.grid_c and here.grid == w.grid_b
    assert haversine_m(here.lat, here.lng, there.lat, there.lng) < 25
    assert found(here) == {}
    assert found(there) == {}


def test_similar_wording_far_away_is_suggested_by_text(cw):
    for text in UNRELATED:
        report(cw, text, lat=35.005, lng=116.015)
    earlier = report(cw, dict(title="健身器材扶手断了", description="健身器材的扶手断了，请尽快维修"), lat=35.01, lng=116.035)
    new = report(cw, FITNESS)
    assert new.grid == cw.grid_a and earlier.grid == cw.grid_b
    routing.train()
    results = similar_open_cases(new)
    assert [r.case.pk for r in results] == [earlier.pk]
    best = results[0]
    assert best.reasons == ["text"]
    assert best.text_score >= 0.35
    assert best.distance_m == pytest.approx(2735, rel=0.01)


def test_near_and_alike_comes_before_only_near_or_only_alike(cw):
    only_near = report(cw, LAMP, lat=35.0101)
    only_alike = report(cw, FITNESS, lat=35.01, lng=116.035)
    both = report(cw, FITNESS, lat=35.0102)
    new = report(cw, FITNESS)
    routing.train()
    results = similar_open_cases(new)
    assert results[0].case == both and results[0].reasons == ["near", "text"]
    assert {r.case for r in results[1:]} == {only_near, only_alike}
    assert similar_open_cases(new, limit=1)[0].case == both


def test_closed_cases_are_not_suggested(cw):
    closed = workflow.perform(report(cw).pk, "solve_on_spot", cw.worker_a, note="当场修好了")
    dispatched = workflow.perform(report(cw).pk, "dispatch", cw.worker_a, agency=cw.agencies[0])
    new = report(cw)
    results = found(new)
    assert closed.pk not in results
    assert dispatched.pk in results  # still open, with an agency


def test_merged_cases_and_the_case_itself_are_not_suggested(cw):
    main = report(cw)
    merged = workflow.perform(report(cw).pk, "merge", cw.worker_a, main_case=main)
    new = report(cw)
    assert set(found(new)) == {main.pk}
    assert merged.pk not in found(main) and main.pk not in found(main)


def test_reports_older_than_90_days_are_not_candidates(cw):
    old = report(cw, now=timezone.now() - datetime.timedelta(days=91))
    recent = report(cw, now=timezone.now() - datetime.timedelta(days=89))
    new = report(cw)
    assert set(found(new)) == {recent.pk}
    assert old.pk in found(new, now=timezone.now() - datetime.timedelta(days=2))


def test_without_coordinates_the_same_building_counts_as_near(cw):
    building = cw.household_a.building
    earlier = report(cw, LAMP, lat=None, lng=None, building=building)
    elsewhere = report(cw, UNRELATED[0], lat=None, lng=None, building=cw.household_b.building)
    new = report(cw, FITNESS, lat=None, lng=None, building=building)
    results = found(new)
    assert results[earlier.pk].reasons == ["near"] and results[earlier.pk].distance_m is None
    assert elsewhere.pk not in results


def test_without_coordinates_it_matches_by_text(cw):
    earlier = report(cw, FITNESS)
    new = report(cw, FITNESS, lat=None, lng=None, building=cw.household_b.building)
    suggestion = found(new)[earlier.pk]
    assert suggestion.reasons == ["text"] and suggestion.distance_m is None
    assert suggestion.text_score == pytest.approx(1.0)


def test_nothing_open_nearby_gives_an_empty_list(cw):
    assert similar_open_cases(report(cw)) == []


def test_before_the_first_model_only_nearness_counts(cw):
    near = report(cw, LAMP, lat=35.0101)
    alike_far = report(cw, FITNESS, lat=35.01, lng=116.035)
    new = report(cw)
    assert {r.case.pk: r.reasons for r in similar_open_cases(new)} == {near.pk: ["near"]}  # no fitting on a page
    assert alike_far.pk in found(new)  # once the minute job has fitted the vectoriser


def search_queries(w, new):
    routing.train()
    w.secretary.scope_codes()  # the account's roles are read once per request, not per search
    with CaptureQueriesContext(connection) as queries:
        results = similar_open_cases(new, limit=100, user=w.secretary)
        [(r.case.category.name, str(r.case.category), r.case.grid.name) for r in results]
    return results, [q["sql"] for q in queries]


def test_looking_for_duplicates_costs_three_queries_however_many_candidates(cw):
    def some(n):
        for i in range(n):
            report(cw, UNRELATED[i % 4], lat=35.01 + i * METRE_IN_LAT)

    some(5)
    new = report(cw)
    results, few = search_queries(cw, new)
    assert len(results) == 5
    some(45)
    results, many = search_queries(cw, new)
    assert len(results) == 50
    # The grids nearby and the same 小类 in the street (plain rows, without their texts), the texts
    # of those without a row stored with the model just fitted, then the cases shown in full.
    assert len(few) == len(many) == 4, many
    # Once the minute job has stored every open case's row with the model (decision 82), the
    # texts are not read at all.
    from gongzhi.cases import vectors

    vectors.refresh_all()
    w = cw
    w.secretary.scope_codes()
    with CaptureQueriesContext(connection) as queries:
        results = similar_open_cases(new, limit=100, user=w.secretary)
        [(r.case.category.name, str(r.case.category), r.case.grid.name) for r in results]
    assert len(results) == 50 and len(queries) == 3, [q["sql"] for q in queries]


def test_the_candidates_are_read_by_index_ranges_never_like(other_street):
    w = other_street
    # Reports in both grids of the street and in the other street, of two 小类.
    for lng in (116.005, 116.03, 116.05):
        report(w, FITNESS, lng=lng)
        report(w, LAMP, lng=lng, category=Category.objects.get(code="0202"))
    new = report(w)
    results, sqls = search_queries(w, new)
    assert {r.case.grid for r in results} == {w.grid_a, w.grid_b}
    assert not any("LIKE" in sql.upper() for sql in sqls), sqls
    if connection.vendor == "sqlite":
        plans = []
        for sql in sqls:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plans.append(" | ".join(str(row[-1]) for row in cursor.fetchall()))
        assert "USING INDEX case_scope_status_time (grid_code=? AND status=?" in plans[0], plans
        assert "USING INDEX case_open_category (category_id=? AND status=? AND grid_code>? AND grid_code<?)" in plans[1], plans
        assert not any("SCAN cases_case" in plan for plan in plans), plans


def test_a_person_is_shown_only_candidates_of_their_own_grids(cw):
    theirs = report(cw, FITNESS, lng=116.03)  # grid B
    mine = report(cw, FITNESS, lng=116.005)  # grid A
    new = report(cw)
    routing.train()
    assert {r.case for r in similar_open_cases(new, user=cw.worker_a)} == {mine}
    assert {r.case for r in similar_open_cases(new, user=cw.secretary)} == {mine, theirs}
    assert similar_open_cases(new, user=cw.outsider) == []


def test_a_second_search_reuses_the_candidates_transformed_texts(cw, monkeypatch):
    from gongzhi.cases import textmodel

    for text in [FITNESS, LAMP] + UNRELATED:
        report(cw, text)
    new = report(cw)
    routing.train()
    features = textmodel.current().features
    transformed = []
    transform = features.transform
    monkeypatch.setattr(features, "transform", lambda docs, **kw: transformed.append(len(docs)) or transform(docs, **kw))
    first = [(r.case.pk, r.text_score) for r in similar_open_cases(new, limit=10)]
    assert transformed == [1, 6]  # the case, then its six candidates
    assert [(r.case.pk, r.text_score) for r in similar_open_cases(new, limit=10)] == first
    assert transformed == [1, 6, 1]  # only the case again
    routing.train()  # a new model: texts are transformed anew with it
    assert [(r.case.pk, r.text_score) for r in similar_open_cases(new, limit=10)] == first


def test_candidates_are_compared_by_the_words_cut_at_intake_without_cutting_them_again(cw, monkeypatch):
    from gongzhi.cases import textserve

    for text in [FITNESS, LAMP] + UNRELATED:
        report(cw, text)
    new = report(cw)
    routing.train()
    assert all(c.words for c in Case.objects.exclude(pk=new.pk))
    expected = [(r.case.pk, round(r.text_score, 9)) for r in similar_open_cases(new, limit=10)]
    textserve_cut = []
    real_tokens = textserve.tokens
    monkeypatch.setitem(textserve.ANALYSERS, "words", lambda text: textserve_cut.append(text) or real_tokens(text))
    from gongzhi.cases import similarity
    similarity._vectors.clear()
    assert [(r.case.pk, round(r.text_score, 9)) for r in similar_open_cases(new, limit=10)] == expected
    assert len(textserve_cut) == 1  # the new case's own text only
