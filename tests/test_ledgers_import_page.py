"""The import page (/ledgers/imports/): editors download templates and upload a file; the run is
recorded with its progress and ends with the counts or the row report; a run is its importer's
own; people who may not edit the ledgers are turned away."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.ledgers import runner
from gongzhi.ledgers.models import ImportRun, ImportStatus
from gongzhi.territory.models import Resident
from tests.conftest import PASSWORD
from tests.ledgers_import_helpers import resident_row, workbook


@pytest.fixture(autouse=True)
def in_the_request(monkeypatch):
    monkeypatch.setattr(runner, "IN_THREAD", False)


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def upload(client, kind, content, name="居民.xlsx"):
    return client.post(reverse("ledgers:imports"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_an_editor_downloads_a_template(client, world):
    response = signed_in(client, world.secretary).get(reverse("ledgers:import_template", args=["residents"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["G1"].value == "身份证号码"


def test_a_good_upload_ends_with_the_counts(client, world):
    client = signed_in(client, world.secretary)
    response = upload(client, "residents", workbook("residents", [resident_row(world)]))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledgers:import_run", args=[run.pk])
    assert (run.status, run.rows_total, run.created) == (ImportStatus.DONE, 1, 1)
    page = client.get(response["Location"]).content.decode()
    assert "已导入 1 行：新增 1，更新 0，未变 0。" in page
    status = client.get(reverse("ledgers:import_run_status", args=[run.pk])).json()
    assert status == {"status": "done", "rows_total": 1, "rows_done": 1, "finished": True}
    assert not list(runner.upload_dir().glob(f"run-{run.pk}.*"))  # the file with personal data is gone


def test_a_bad_upload_shows_the_row_report_and_writes_nothing(client, world):
    client = signed_in(client, world.secretary)
    before = Resident.objects.count()
    rows = [resident_row(world), resident_row(world, name="赵六", id_number="370811199001010015")]
    response = upload(client, "residents", workbook("residents", rows))
    page = client.get(response["Location"]).content.decode()
    assert ImportRun.objects.get().status == ImportStatus.REFUSED and Resident.objects.count() == before
    assert "未写入任何数据" in page and "<td>4</td><td>身份证号码</td><td>3708**********0015</td>" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "The check character of the ID number is wrong." in client.get(response["Location"]).content.decode()


def test_a_broken_file_is_refused_on_the_page(client, world):
    client = signed_in(client, world.secretary)
    response = upload(client, "residents", b"not a workbook")
    assert "文件不是 Excel 工作簿" in client.get(response["Location"]).content.decode()


def test_an_upload_without_a_file_is_refused(client, world):
    response = signed_in(client, world.secretary).post(reverse("ledgers:imports"), {"kind": "residents"})
    assert response.status_code == 400 and ImportRun.objects.count() == 0


def test_a_grid_worker_may_not_import_master_data(client, world):
    # A grid worker may only send back the round trips (decision 80): decision progress, need status.
    client = signed_in(client, world.worker_a)
    assert [kind for kind, _title in client.get(reverse("ledgers:imports")).context["kinds"]] == ["decision_progress", "need_status"]
    assert upload(client, "residents", workbook("residents", [resident_row(world)])).status_code == 400
    assert ImportRun.objects.count() == 0
    assert client.get(reverse("ledgers:import_template", args=["residents"])).status_code == 404


def test_a_resident_may_not_import(client, world):
    client = signed_in(client, world.outsider)
    assert client.get(reverse("ledgers:imports")).status_code == 403
    assert client.get(reverse("ledgers:import_template", args=["residents"])).status_code == 403


def test_someone_elses_run_is_missing(client, world):
    from gongzhi.people.models import Role
    from tests.conftest import make_user

    run = ImportRun.objects.create(user=world.secretary, kind="residents", file_name="a.xlsx")
    colleague = make_user("secretary-2", Role.COMMUNITY_SECRETARY, [world.community])
    client = signed_in(client, colleague)
    assert client.get(reverse("ledgers:import_run", args=[run.pk])).status_code == 404
    assert client.get(reverse("ledgers:import_run_status", args=[run.pk])).status_code == 404
