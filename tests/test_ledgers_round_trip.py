"""The round trips (issue 11): the decisions and needs ledgers exported, edited in Excel and
imported back through the import page; only the progress columns are taken, through the same
services, all or nothing, a bad row reported with its row and column."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.deliberation.models import Decision, DecisionStatus, DecisionUpdate
from gongzhi.industry.models import NeedKind, NeedStatus
from gongzhi.industry.services import market
from gongzhi.ledgers import runner
from gongzhi.ledgers.models import ImportRun, ImportStatus
from tests.test_deliberation_decisions_life import decide, room  # noqa: F401  (fixture)
from tests.test_industry_market_services import park  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def in_the_request(monkeypatch):
    monkeypatch.setattr(runner, "IN_THREAD", False)


def exported(client, key, **query):
    response = client.get(reverse("ledgers:export", args=[key]), query)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def column(sheet, header):
    return next(c.column for c in sheet[1] if c.value == header)


def upload(client, kind, book):
    out = io.BytesIO()
    book.save(out)
    response = client.post(reverse("ledgers:imports"), {"kind": kind, "file": SimpleUploadedFile("台账.xlsx", out.getvalue())})
    assert response.status_code == 302, response.content[:300]
    return ImportRun.objects.order_by("-pk").first()


def row_of(sheet, pk):
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == pk)


def test_decision_progress_edited_in_the_exported_sheet_is_imported_back(client, world, room):
    first, second = decide(world, room), decide(world, room, what="网格员督促物业")
    client.force_login(world.worker_a)
    book = exported(client, "decisions")
    sheet = book.active
    percent, note, what = column(sheet, "进度（%）"), column(sheet, "进展说明"), column(sheet, "内容")
    sheet.cell(row=row_of(sheet, first.pk), column=percent, value=60)
    sheet.cell(row=row_of(sheet, first.pk), column=note, value="已买好配件")
    sheet.cell(row=row_of(sheet, second.pk), column=what, value="改了内容也不导入")
    run = upload(client, "decision_progress", book)
    assert run.status == ImportStatus.DONE and (run.updated, run.unchanged) == (1, 1), run.report
    first.refresh_from_db(), second.refresh_from_db()
    assert first.percent == 60 and first.status == DecisionStatus.OPEN
    assert DecisionUpdate.objects.get(decision=first).note == "已买好配件"
    assert second.what == "网格员督促物业" and not DecisionUpdate.objects.filter(decision=second).exists()
    # The same sheet again: nothing to report but the note, which is a new report each time.
    sheet.cell(row=row_of(sheet, first.pk), column=note).value = None
    assert upload(client, "decision_progress", book).unchanged == 2


def test_a_bad_progress_row_is_reported_with_row_and_column_and_nothing_is_written(client, world, room):
    first, second = decide(world, room), decide(world, room, what="第二项")
    client.force_login(world.worker_a)
    book = exported(client, "decisions")
    sheet = book.active
    percent = column(sheet, "进度（%）")
    sheet.cell(row=row_of(sheet, first.pk), column=percent, value=80)
    bad_row = row_of(sheet, second.pk)
    sheet.cell(row=bad_row, column=percent, value=150)
    run = upload(client, "decision_progress", book)
    assert run.status == ImportStatus.REFUSED
    assert [(p["row"], p["column"]) for p in run.report] == [(bad_row, "进度（%）")]
    assert "0" in run.report[0]["reason"] and run.report[0]["reason_en"]
    assert set(Decision.objects.values_list("percent", flat=True)) == {0}
    assert not DecisionUpdate.objects.exists()


def test_a_decision_outside_ones_scope_is_a_bad_row(client, world, room):
    decision = decide(world, room)
    client.force_login(world.worker_a)
    book = exported(client, "decisions")
    client.force_login(world.worker_b)
    sheet = book.active
    sheet.cell(row=row_of(sheet, decision.pk), column=column(sheet, "进度（%）"), value=50)
    run = upload(client, "decision_progress", book)
    assert run.status == ImportStatus.REFUSED and run.report[0]["column"] == "议定事项编号"
    decision.refresh_from_db()
    assert decision.percent == 0


def test_need_status_edited_in_the_exported_sheet_is_imported_back(client, park):
    need = market.post_need(park.e["造纸厂"], by=park.liaison, kind=NeedKind.TALENT, text="招聘工程师", suggest_now=False)
    other = market.post_need(park.e["远方厂"], by=park.other_liaison, kind=NeedKind.FUNDING, text="贷款", suggest_now=False)
    client.force_login(park.staff)
    book = exported(client, "needs")
    sheet = book.active
    status, outcome = column(sheet, "状态"), column(sheet, "结果")
    sheet.cell(row=row_of(sheet, need.pk), column=status, value="solved")
    sheet.cell(row=row_of(sheet, need.pk), column=outcome, value="浆料厂借调两名工程师")
    run = upload(client, "need_status", book)
    assert run.status == ImportStatus.DONE and (run.updated, run.unchanged) == (1, 1), run.report
    need.refresh_from_db(), other.refresh_from_db()
    assert need.status == NeedStatus.SOLVED and need.outcome == "浆料厂借调两名工程师" and need.solved_at
    assert other.status == NeedStatus.OPEN


def test_a_need_solved_without_an_outcome_is_a_bad_row_and_nothing_changes(client, park):
    need = market.post_need(park.e["造纸厂"], by=park.liaison, kind=NeedKind.TALENT, text="招聘工程师", suggest_now=False)
    other = market.post_need(park.e["远方厂"], by=park.other_liaison, kind=NeedKind.FUNDING, text="贷款", suggest_now=False)
    client.force_login(park.staff)
    book = exported(client, "needs")
    sheet = book.active
    status = column(sheet, "状态")
    sheet.cell(row=row_of(sheet, other.pk), column=status, value="未解决关闭")
    sheet.cell(row=row_of(sheet, need.pk), column=status, value="solved")
    run = upload(client, "need_status", book)
    assert run.status == ImportStatus.REFUSED
    assert [(p["row"], p["column"]) for p in run.report] == [(row_of(sheet, need.pk), "结果")]
    assert {n.status for n in (need, other) if n.refresh_from_db() is None} == {NeedStatus.OPEN}
