"""The export view (/ledgers/export/<key>.xlsx): the records of one's scope through the list's own
filter set, written to Excel, logged; a flat number of queries however many rows."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.cases.models import Case, Status
from gongzhi.ledgers.models import ExportLog
from tests.test_case_workflow import cw, move, report  # noqa: F401  (fixture)


def sheet_rows(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def export_url(key, **query):
    return reverse("ledgers:export", args=[key])


def test_the_case_export_has_the_same_rows_as_the_ledger_page_with_the_same_query_string(client, cw):
    for _ in range(3):
        report(cw)
    closed = Case.objects.order_by("pk").first()
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    client.force_login(cw.secretary)
    for query in ({"status": "open"}, {"unit": cw.grid_a.code}, {}, {"q": "健身"}, {"status": "closed"}):
        page = client.get(reverse("cases:ledger"), query)
        headers, rows = sheet_rows(client.get(reverse("ledgers:export", args=["cases"]), query))
        assert headers[0] == "诉求编号"  # Chinese headers by default
        assert sorted(r[0] for r in rows) == sorted(c.number for c in page.context["cases"]), query
    log = ExportLog.objects.filter(user=cw.secretary).first()
    assert log.ledger == "cases" and log.rows == 1 and log.filters == {"status": "closed"} and not log.full


def test_the_case_export_leaves_out_cases_outside_ones_scope(client, cw):
    report(cw)  # grid A
    report(cw, lat=35.01, lng=116.03)  # grid B
    client.force_login(cw.worker_b)
    _headers, rows = sheet_rows(client.get(reverse("ledgers:export", args=["cases"])))
    assert [r[4] for r in rows] == [cw.grid_b.name]


def test_the_case_export_sums_up_the_timeline_in_one_cell(client, cw):
    case = move(report(cw), "solve_on_spot", cw.worker_a, note="当场修好了")
    client.force_login(cw.secretary)
    headers, rows = sheet_rows(client.get(reverse("ledgers:export", args=["cases"])))
    summary = rows[0][headers.index("办理过程")]
    assert "登记" in summary and "\n" in summary and case.number == rows[0][0]


def test_a_resident_or_a_stranger_gets_no_case_export(client, cw):
    client.force_login(cw.outsider)
    assert client.get(reverse("ledgers:export", args=["cases"])).status_code == 404
    assert client.get(reverse("ledgers:export", args=["nothing"])).status_code == 404
    client.logout()
    assert client.get(reverse("ledgers:export", args=["cases"])).status_code == 302


def test_bad_filters_are_a_400_and_nothing_is_logged(client, cw):
    client.force_login(cw.secretary)
    assert client.get(reverse("ledgers:export", args=["cases"]), {"created_after": "not a date"}).status_code == 400
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("rows", [2, 12])
def test_a_case_export_uses_a_flat_number_of_queries(client, cw, rows, django_assert_max_num_queries):
    for _ in range(rows):
        report(cw)
    client.force_login(cw.secretary)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("ledgers:export", args=["cases"]))
        _headers, found = sheet_rows(response)
    assert len(found) == rows


def test_residents_are_exported_masked_by_default(client, world):
    client.force_login(world.secretary)
    headers, rows = sheet_rows(client.get(reverse("ledgers:export", args=["residents"])))
    ids, phones = headers.index("身份证号码"), headers.index("联系电话")
    assert sorted(r[headers.index("姓名")] for r in rows) == ["张三", "李四"]
    assert all("*" in r[ids] and "*" in r[phones] for r in rows)
    assert world.resident_a.id_number not in str(rows) and world.resident_a.phone not in str(rows)
    log = ExportLog.objects.get()
    assert log.ledger == "residents" and log.rows == 2 and not log.full


def test_residents_follow_the_residents_page_filters_and_scope(client, world):
    client.force_login(world.worker_a)
    _headers, rows = sheet_rows(client.get(reverse("ledgers:export", args=["residents"])))
    assert [r[4] for r in rows] == ["张三"]
    client.force_login(world.secretary)
    _headers, rows = sheet_rows(client.get(reverse("ledgers:export", args=["residents"]), {"unit": world.grid_b.code}))
    assert [r[4] for r in rows] == ["李四"]
    assert ExportLog.objects.filter(user=world.secretary).get().filters == {"unit": world.grid_b.code}


def test_a_full_resident_export_needs_the_role_and_a_confirming_post_and_is_logged(client, world):
    url = reverse("ledgers:export", args=["residents"])
    client.force_login(world.worker_a)  # a grid worker sees residents masked, never in full
    assert client.post(url, {"full": "1", "confirm": "1"}).status_code == 403
    client.force_login(world.secretary)
    assert client.post(url, {"full": "1"}).status_code == 400  # not confirmed
    assert not ExportLog.objects.exists()
    headers, rows = sheet_rows(client.post(f"{url}?unit={world.grid_a.code}", {"full": "1", "confirm": "1"}))
    assert rows[0][headers.index("身份证号码")] == world.resident_a.id_number
    assert rows[0][headers.index("联系电话")] == world.resident_a.phone
    log = ExportLog.objects.get()
    assert log.full and log.rows == 1 and log.user == world.secretary and log.filters == {"unit": world.grid_a.code}
    assert world.resident_a.id_number not in str(log.filters)


def test_a_full_export_of_a_ledger_without_personal_data_is_refused(client, cw):
    client.force_login(cw.secretary)
    assert client.post(reverse("ledgers:export", args=["cases"]), {"full": "1", "confirm": "1"}).status_code == 400


@pytest.mark.parametrize("rows", [1, 6])
def test_a_resident_export_uses_a_flat_number_of_queries(client, world, rows, django_assert_max_num_queries):
    from gongzhi.territory import services as territory
    from gongzhi.territory.identity import id_check_char

    for n in range(rows):
        first17 = f"37081119700101{n:02d}1"  # an odd 17th digit: a man
        territory.create_resident(household=world.household_b, name=f"居民{n}", gender="M",
                                  id_number=first17 + id_check_char(first17), phone="")
    client.force_login(world.secretary)
    with django_assert_max_num_queries(8):
        _headers, found = sheet_rows(client.get(reverse("ledgers:export", args=["residents"])))
    assert len(found) == rows + 2


def test_the_export_reads_the_replica_when_there_is_one():
    from gongzhi.ledgers import views_exports

    assert views_exports.export.reads_replica and not getattr(views_exports.index, "reads_replica", False)
