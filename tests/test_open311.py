"""Open311 GeoReport v2 at /open311/v2/: every endpoint in XML and JSON, read back with real parsers."""
import datetime
import json
import os

import pytest
from defusedxml import ElementTree as DefusedET
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.api.models import ApiToken
from gongzhi.api.services import create_token, user_for_token
from gongzhi.cases import workflow
from gongzhi.cases.defaults import ATTRIBUTES, install
from gongzhi.cases.models import Case, CategoryAttribute, Category, Channel
from gongzhi.people.models import Role
from tests.conftest import make_user
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)

BASE = "/open311/v2"
FORMATS = ["json", "xml"]
# XML lists and the name of their items (the spec's shapes).
LISTS = {"services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
         "endpoints": "endpoint", "formats": "format", "errors": "error"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
IN_GRID_A = {"lat": "35.01", "long": "116.005"}
IN_GRID_B = {"lat": "35.01", "long": "116.03"}


def xml_data(element):
    """An XML answer as plain data: lists by their known names, dicts otherwise, text at the leaves."""
    children = list(element)
    if element.tag in LISTS:
        assert all(child.tag == LISTS[element.tag] for child in children), [c.tag for c in children]
        return [xml_data(child) for child in children]
    if children:
        return {child.tag: xml_data(child) for child in children}
    return element.text or ""


def read(response, fmt, root=None):
    """The answer's data, checking its content type (and, for XML, the declaration and root)."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content.decode("utf-8"))
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    tree = DefusedET.fromstring(response.content)
    if root:
        assert tree.tag == root
    return xml_data(tree)


def error_of(response, fmt, status):
    assert response.status_code == status, response.content.decode()
    errors = read(response, fmt, root="errors")
    assert len(errors) == 1 and set(errors[0]) == {"code", "description"}
    assert str(errors[0]["code"]) == str(status) and errors[0]["description"]
    return errors[0]["description"]


def moment(text):
    """A datetime from the answer; the spec wants ISO 8601 with a time zone."""
    value = datetime.datetime.fromisoformat(text)
    assert value.utcoffset() is not None, text
    return value


def is_null(value, fmt):
    return value is None if fmt == "json" else value == ""


@pytest.fixture
def o3(cw, client):
    """The case world plus an Open311 client over the district, its api_key, and a helper to call the API."""
    cw.hotline = make_user("hotline", Role.MACHINE_CLIENT, [cw.district])
    cw.hotline.display_name = "12345热线对接"
    cw.hotline.save()
    cw.key = create_token(cw.hotline, name="12345")[1]

    class Api:
        def get(self, path, fmt="json", headers=None, **params):
            return client.get(f"{BASE}/{path}.{fmt}", params, **(headers or {}))

        def post(self, fmt="json", headers=None, **data):
            data.setdefault("api_key", cw.key)
            return client.post(f"{BASE}/requests.{fmt}", {k: v for k, v in data.items() if v is not None}, **(headers or {}))

    cw.api = Api()
    return cw


def good_post(o3, fmt="json", **extra):
    fields = dict(service_code="0201", description="小区健身器材的扶手断了", phone="13812345678", **IN_GRID_A)
    fields.update(extra)
    response = o3.api.post(fmt, **fields)
    assert response.status_code == 201, response.content.decode()
    answer = read(response, fmt, root="service_requests")
    assert len(answer) == 1 and set(answer[0]) == {"service_request_id", "service_notice", "account_id"}
    assert is_null(answer[0]["account_id"], fmt)
    return answer[0]["service_request_id"]


# --- discovery and services ----------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_spec_the_absolute_url_and_both_formats(o3, fmt):
    data = read(o3.api.get("discovery", fmt), fmt, root="discovery")
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(data)
    moment(data["changeset"])
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"
    moment(endpoint["changeset"])
    assert endpoint["formats"] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_lists_every_active_minor_category_with_its_group(o3, fmt):
    Category.objects.filter(code="9901").update(active=False)
    services = read(o3.api.get("services", fmt), fmt, root="services")
    minors = Category.objects.filter(parent__isnull=False, active=True)
    assert [s["service_code"] for s in services] == sorted(minors.values_list("code", flat=True))
    for service in services:
        assert set(service) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
        assert service["type"] == "realtime"
    by_code = {s["service_code"]: s for s in services}
    lift = by_code["0203"]
    assert lift["service_name"] == "电梯故障" and lift["group"] == "设施设备"
    assert "电梯故障" in lift["keywords"].split(",") and "电梯故障" in lift["description"]
    assert lift["metadata"] is True if fmt == "json" else lift["metadata"] == "true"
    assert by_code["0201"]["metadata"] is False if fmt == "json" else by_code["0201"]["metadata"] == "false"
    assert "9901" not in by_code


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_lists_its_attributes_and_their_values(o3, fmt):
    data = read(o3.api.get("services/0203", fmt), fmt, root="service_definition")
    assert data["service_code"] == "0203"
    (attribute,) = data["attributes"]
    assert set(attribute) == {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
    assert attribute["code"] == "elevator_stopped" and attribute["datatype"] == "singlevaluelist"
    assert attribute["description"] == "是否困人"
    assert str(attribute["required"]).lower() == "true" and str(attribute["variable"]).lower() == "true"
    assert str(attribute["order"]) == "1"
    assert attribute["values"] == [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]
    plain = read(o3.api.get("services/0201", fmt), fmt, root="service_definition")
    assert plain["service_code"] == "0201" and plain["attributes"] in ([], "")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_code_is_404_in_the_error_format(o3, fmt):
    assert "0000" in error_of(o3.api.get("services/0000", fmt), fmt, 404)
    error_of(o3.api.get("services/01", fmt), fmt, 404)  # a 大类 is not a service


def test_the_default_attributes_are_installed_once(db):
    install(Category)
    install(Category)
    expected = sum(len(rows) for rows in ATTRIBUTES.values())
    assert CategoryAttribute.objects.count() == expected
    assert CategoryAttribute.objects.get(category__code="0601", code="households").datatype == "number"


# --- posting a request --------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_a_good_post_creates_a_case_that_get_reads_back(o3, fmt):
    number = good_post(o3, fmt, address_string="A小区东门", media_url="https://example.cn/p/1.jpg")
    case = Case.objects.get(number=number)
    assert case.channel == Channel.MACHINE and case.recorded_by == o3.hotline and case.reporter is None
    assert case.grid == o3.grid_a and case.contact_phone == "13812345678" and case.address == "A小区东门"
    assert case.title == "小区健身器材的扶手断了" and case.description.endswith("媒体: https://example.cn/p/1.jpg")
    assert case.source_detail == "12345热线对接"
    (read_back,) = read(o3.api.get(f"requests/{number}", fmt, api_key=o3.key), fmt, root="service_requests")
    assert set(read_back) == REQUEST_FIELDS
    assert read_back["service_request_id"] == number and read_back["status"] == "open"
    assert read_back["service_code"] == "0201" and read_back["service_name"] == "健身器材损坏"
    assert read_back["address"] == "A小区东门"
    assert float(read_back["lat"]) == 35.01 and float(read_back["long"]) == 116.005
    assert moment(read_back["requested_datetime"]) == case.created_at.replace(microsecond=0)
    assert moment(read_back["expected_datetime"]) == case.resolve_by.replace(microsecond=0)


def test_the_post_needs_no_csrf_token(o3):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"{BASE}/requests.json", dict(api_key=o3.key, service_code="0201", description="扶手断了", **IN_GRID_A))
    assert response.status_code == 201


def test_without_a_description_the_service_name_is_the_title(o3):
    number = good_post(o3, description=None, media_url="ftp://example.cn/x.jpg")
    case = Case.objects.get(number=number)
    assert case.title == "健身器材损坏" and case.description == "健身器材损坏"  # only http(s) media is kept


def test_a_long_description_gives_a_title_of_its_first_30_characters(o3):
    case = Case.objects.get(number=good_post(o3, description="扶" * 50))
    assert case.title == "扶" * 30 and case.description == "扶" * 50


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_without_service_code_is_400(o3, fmt):
    assert "service_code" in error_of(o3.api.post(fmt, description="x", **IN_GRID_A), fmt, 400)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_with_a_bad_or_missing_key_is_403(o3, fmt):
    error_of(o3.api.post(fmt, api_key="gz_not-a-real-key", service_code="0201", description="x", **IN_GRID_A), fmt, 403)
    error_of(o3.api.post(fmt, api_key="", service_code="0201", description="x", **IN_GRID_A), fmt, 403)
    ApiToken.objects.update(revoked_at=timezone.now())
    error_of(o3.api.post(fmt, service_code="0201", description="x", **IN_GRID_A), fmt, 403)
    assert not Case.objects.exists()


def test_a_token_of_an_account_that_is_not_an_open311_client_is_403(o3):
    worker_key = create_token(o3.worker_a, name="personal")[1]
    error_of(o3.api.post(api_key=worker_key, service_code="0201", description="x", **IN_GRID_A), "json", 403)
    error_of(o3.api.get("requests", api_key=worker_key), "json", 403)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_for_an_unknown_service_is_404(o3, fmt):
    error_of(o3.api.post(fmt, service_code="0000", description="x", **IN_GRID_A), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_point_outside_every_grid_is_400_and_says_so_in_chinese_or_english(o3, fmt):
    far = {"lat": "39.9", "long": "116.4"}
    assert "不在任何网格内" in error_of(o3.api.post(fmt, service_code="0201", description="x", **far), fmt, 400)
    english = error_of(o3.api.post(fmt, service_code="0201", description="x", headers={"HTTP_ACCEPT_LANGUAGE": "en"}, **far), fmt, 400)
    assert "outside every grid" in english
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_point_outside_the_clients_scope_is_400(o3, fmt):
    small = make_user("grid-a-app", Role.MACHINE_CLIENT, [o3.grid_a])
    key = create_token(small, name="app")[1]
    description = error_of(o3.api.post(fmt, api_key=key, service_code="0201", description="x",
                                       headers={"HTTP_ACCEPT_LANGUAGE": "en"}, **IN_GRID_B), fmt, 400)
    assert "outside your grids" in description
    assert not Case.objects.exists()
    assert good_post(o3, fmt, api_key=key)  # grid A is in its scope


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_description_over_4000_characters_is_400(o3, fmt):
    error_of(o3.api.post(fmt, service_code="0201", description="长" * 4001, **IN_GRID_A), fmt, 400)
    assert good_post(o3, fmt, description="长" * 4000)


def test_a_location_is_required_and_an_address_string_alone_cannot_be_placed(o3):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    assert "address_string" in error_of(o3.api.post(service_code="0201", description="x", address_string="A小区", headers=english), "json", 400)
    error_of(o3.api.post(service_code="0201", description="x"), "json", 400)
    error_of(o3.api.post(service_code="0201", description="x", lat="35.01"), "json", 400)
    error_of(o3.api.post(service_code="0201", description="x", lat="north", long="116.0"), "json", 400)
    assert not Case.objects.exists()


def test_an_address_id_is_a_building_of_the_clients_scope(o3):
    building_a = o3.household_a.building
    number = good_post(o3, lat=None, long=None, address_id=str(building_a.pk))
    case = Case.objects.get(number=number)
    assert case.building == building_a and case.grid == o3.grid_a and case.address == "A小区 1号楼"
    small = make_user("grid-a-app", Role.MACHINE_CLIENT, [o3.grid_a])
    key = create_token(small, name="app")[1]
    error_of(o3.api.post(api_key=key, service_code="0201", description="x", address_id=str(o3.household_b.building.pk)), "json", 400)
    error_of(o3.api.post(service_code="0201", description="x", address_id="999999"), "json", 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_required_attribute_missing_or_a_bad_key_is_400(o3, fmt):
    error_of(o3.api.post(fmt, service_code="0203", description="电梯停了", **IN_GRID_A), fmt, 400)
    error_of(o3.api.post(fmt, service_code="0203", description="电梯停了", **{"attribute[elevator_stopped]": "maybe"}, **IN_GRID_A), fmt, 400)
    assert not Case.objects.exists()
    number = good_post(o3, fmt, service_code="0203", description="电梯停了", **{"attribute[elevator_stopped]": "yes"})
    assert Case.objects.get(number=number).attributes == {"elevator_stopped": "yes"}


def test_number_and_multivaluelist_attributes_are_checked_and_saved(o3):
    error_of(o3.api.post(service_code="0601", description="停水了", **{"attribute[households]": "many"}, **IN_GRID_A), "json", 400)
    number = good_post(o3, service_code="0601", description="停水了", **{"attribute[households]": "12"})
    assert Case.objects.get(number=number).attributes == {"households": 12}
    error_of(o3.api.post(service_code="0101", description="垃圾", **{"attribute[waste_kinds][]": ["bulky", "gold"]}, **IN_GRID_A), "json", 400)
    number = good_post(o3, service_code="0101", description="垃圾", **{"attribute[waste_kinds][]": ["bulky", "household"]})
    assert Case.objects.get(number=number).attributes == {"waste_kinds": ["bulky", "household"]}


# --- reading requests ------------------------------------------------------------------------

def dated(o3, days_ago, **extra):
    return report(o3, now=timezone.now() - datetime.timedelta(days=days_ago), **extra)


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_shows_every_field_with_iso_dates_and_open_or_closed(o3, fmt):
    fresh = dated(o3, 1)
    handled = workflow.perform(dated(o3, 2).pk, "dispatch", o3.worker_a, agency=o3.agencies[0])
    solved = workflow.perform(dated(o3, 3).pk, "solve_on_spot", o3.worker_a, note="当场修好了")
    answer = read(o3.api.get("requests", fmt, api_key=o3.key), fmt, root="service_requests")
    assert [r["service_request_id"] for r in answer] == [fresh.number, handled.number, solved.number]
    by_id = {r["service_request_id"]: r for r in answer}
    for request in answer:
        assert set(request) == REQUEST_FIELDS
        assert request["status"] in ("open", "closed")
        for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
            assert moment(request[field]).utcoffset() == datetime.timedelta(hours=8)
        assert request["zipcode"] == "" and request["media_url"] == ""
    assert by_id[fresh.number]["status"] == "open" and by_id[fresh.number]["agency_responsible"] == "A网格"
    assert by_id[fresh.number]["status_notes"] == ""
    assert by_id[handled.number]["status"] == "open" and by_id[handled.number]["agency_responsible"] == "住建局"
    assert by_id[solved.number]["status"] == "closed" and by_id[solved.number]["status_notes"] == "当场修好了"
    assert moment(by_id[solved.number]["updated_datetime"]) > moment(by_id[solved.number]["requested_datetime"])


def test_get_requests_filters_by_service_code_and_status(o3):
    lift = Category.objects.get(code="0203")
    fitness, lift_case = dated(o3, 1), dated(o3, 2, category=lift)
    closed = workflow.perform(dated(o3, 3).pk, "solve_on_spot", o3.worker_a, note="修好了")

    def ids(**params):
        return [r["service_request_id"] for r in o3.api.get("requests", api_key=o3.key, **params).json()]

    assert ids(service_code="0203") == [lift_case.number]
    assert ids(service_code="0203,0201") == [fitness.number, lift_case.number, closed.number]
    assert ids(status="closed") == [closed.number]
    assert ids(status="open") == [fitness.number, lift_case.number]
    assert ids(status="open,closed") == [fitness.number, lift_case.number, closed.number]
    error_of(o3.api.get("requests", status="pending"), "json", 400)


def test_get_requests_covers_90_days_by_default_and_honours_dates(o3):
    recent, old = dated(o3, 10), dated(o3, 100)

    def ids(**params):
        response = o3.api.get("requests", api_key=o3.key, **params)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in response.json()]

    assert ids() == [recent.number]
    start = timezone.localtime(timezone.now() - datetime.timedelta(days=120)).isoformat(timespec="seconds")
    end = timezone.localtime(timezone.now() - datetime.timedelta(days=50)).isoformat(timespec="seconds")
    assert ids(start_date=start, end_date=end) == [old.number]
    assert ids(end_date=end) == [old.number]  # 90 days back from end_date
    utc = (timezone.now() - datetime.timedelta(days=20)).astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=utc) == [recent.number]
    error_of(o3.api.get("requests", start_date="2026-01-01T00:00:00"), "json", 400)  # no time zone
    error_of(o3.api.get("requests", start_date="yesterday"), "json", 400)
    error_of(o3.api.get("requests", start_date=start), "json", 400)  # more than 90 days up to now
    error_of(o3.api.get("requests", start_date=end, end_date=start), "json", 400)


def test_service_request_ids_override_the_other_filters(o3):
    recent, old = dated(o3, 10), dated(o3, 100)
    answer = o3.api.get("requests", api_key=o3.key, service_request_id=f"{old.number},{recent.number}", status="closed").json()
    assert {r["service_request_id"] for r in answer} == {old.number, recent.number}


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_pages_with_page_and_page_size(o3, fmt):
    cases = [dated(o3, day) for day in range(1, 6)]
    newest_first = [c.number for c in cases]
    pages = [[r["service_request_id"] for r in read(o3.api.get("requests", fmt, api_key=o3.key, page_size="2", page=str(p)), fmt)]
             for p in (1, 2, 3, 4)]
    assert pages == [newest_first[:2], newest_first[2:4], newest_first[4:], []]
    error_of(o3.api.get("requests", fmt, page_size="1001"), fmt, 400)
    error_of(o3.api.get("requests", fmt, page="0"), fmt, 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_public_get_never_shows_phone_email_or_address(o3, fmt):
    number = good_post(o3, fmt, address_string="A小区3号楼2单元", email="zhang@example.cn", first_name="三", last_name="张")
    for response in (o3.api.get("requests", fmt), o3.api.get(f"requests/{number}", fmt)):
        assert response.status_code == 200
        text = response.content.decode("utf-8")
        for secret in ("13812345678", "zhang@example.cn", "3号楼", "张"):
            assert secret not in text
        (request,) = read(response, fmt, root="service_requests")
        assert request["address"] == "" and is_null(request["address_id"], fmt)
        assert request["description"] == "" and float(request["lat"]) == 35.01  # free text only for api_key holders


def test_a_client_reads_only_its_scope_while_the_public_reads_every_case(o3):
    in_a, in_b = report(o3), report(o3, lat=35.01, lng=116.03)
    small = make_user("grid-a-app", Role.MACHINE_CLIENT, [o3.grid_a])
    key = create_token(small, name="app")[1]
    assert [r["service_request_id"] for r in o3.api.get("requests", api_key=key).json()] == [in_a.number]
    error_of(o3.api.get(f"requests/{in_b.number}", api_key=key), "json", 404)
    assert {r["service_request_id"] for r in o3.api.get("requests").json()} == {in_a.number, in_b.number}
    error_of(o3.api.get("requests", api_key="gz_wrong"), "json", 403)  # a bad key never falls back to public


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_request_id_is_404(o3, fmt):
    error_of(o3.api.get("requests/2026-999999", fmt), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_tokens_are_never_needed_and_answer_404(o3, fmt):
    assert "service_request_id" in error_of(o3.api.get("tokens/abc123", fmt, headers={"HTTP_ACCEPT_LANGUAGE": "en"}), fmt, 404)


def test_other_methods_are_refused_in_the_error_format(o3):
    response = Client().put(f"{BASE}/services.json")
    error_of(response, "json", 405)
    assert response["Allow"] == "GET, HEAD"


def test_reading_requests_costs_the_same_number_of_queries_for_more_cases(o3):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert o3.api.get("requests", api_key=o3.key).status_code == 200
        return len(queries)

    report(o3)
    few = count()
    for i in range(6):
        case = report(o3)
        if i % 2:
            workflow.perform(case.pk, "dispatch", o3.worker_a, agency=o3.agencies[0])
            workflow.perform(case.pk, "accept", o3.clerks[0])
        else:
            workflow.perform(case.pk, "whistle", o3.worker_a, agencies=o3.agencies[: 1 + i % 3], note="吹哨")
    ApiToken.objects.update(last_used_at=timezone.now())  # the key's touch is once a minute, not per request
    many = count()
    assert len(o3.api.get("requests", api_key=o3.key).json()) == 7
    assert many <= few


# --- the demo's client key ---------------------------------------------------------------------------

def test_the_demo_key_file_is_written_0600_and_rewritten_when_missing_or_stale(world, settings, tmp_path):
    from gongzhi.demo.management.commands.demo import ensure_open311_key, open311_key_file

    settings.VAR_DIR = tmp_path
    key = ensure_open311_key()
    path = open311_key_file()
    assert path.read_text() == key + "\n"
    assert os.stat(path).st_mode & 0o777 == 0o600
    client = user_for_token(key)
    assert client.username == "open311-client" and client.has_role(Role.MACHINE_CLIENT)
    assert client.scope_codes({Role.MACHINE_CLIENT}) == {world.district.code}
    assert ensure_open311_key() == key  # read back, not replaced
    path.unlink()
    fresh = ensure_open311_key()
    assert fresh != key and user_for_token(fresh) == client and path.read_text().strip() == fresh
    path.write_text("gz_from-another-database\n")
    assert user_for_token(ensure_open311_key()) == client


def test_the_public_view_hides_free_text_and_blurs_the_place(client, cw):
    from gongzhi.cases import workflow

    case = report(cw)
    workflow.perform(case.pk, "urge", cw.secretary, note="已联系张三 13812345678")
    public = client.get("/open311/v2/requests.json").json()
    row = next(r for r in public if r["service_request_id"] == case.number)
    assert row["status_notes"] == "" and row["description"] == ""
    assert "13812345678" not in json.dumps(public, ensure_ascii=False)
    assert row["lat"] == round(case.lat, 3)


# --- the public window ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_the_public_cannot_read_a_year_old_case_by_its_number(o3, fmt):
    old = dated(o3, 365)
    error_of(o3.api.get(f"requests/{old.number}", fmt), fmt, 404)
    assert read(o3.api.get("requests", fmt, service_request_id=old.number), fmt, root="service_requests") in ([], "")
    (row,) = read(o3.api.get(f"requests/{old.number}", fmt, api_key=o3.key), fmt, root="service_requests")
    assert row["service_request_id"] == old.number  # a client reads its scope whatever the age


def test_the_public_cannot_reach_past_the_window_with_dates(o3):
    recent, old = dated(o3, 10), dated(o3, 100)
    start = timezone.localtime(timezone.now() - datetime.timedelta(days=120)).isoformat(timespec="seconds")
    end = timezone.localtime(timezone.now() - datetime.timedelta(days=50)).isoformat(timespec="seconds")
    assert o3.api.get("requests", start_date=start, end_date=end).json() == []
    assert [r["service_request_id"] for r in o3.api.get("requests", end_date=end).json()] == []
    assert [r["service_request_id"] for r in o3.api.get("requests").json()] == [recent.number]
    assert [r["service_request_id"] for r in o3.api.get("requests", api_key=o3.key, start_date=start, end_date=end).json()] == [old.number]


def test_public_is_the_last_90_days_of_every_status(cw):
    now = timezone.now()
    inside = report(cw, now=now - datetime.timedelta(days=89, hours=23))
    outside = report(cw, now=now - datetime.timedelta(days=90, seconds=1))
    merged = workflow.perform(report(cw, now=now - datetime.timedelta(days=1)).pk, "merge", cw.worker_a, main_case=inside)
    assert set(Case.objects.public(now=now)) == {inside, merged}
    assert outside in Case.objects.public(now=now - datetime.timedelta(days=2))


def test_the_public_view_names_only_what_anyone_may_see(cw):
    from gongzhi.cases.models import public_view

    case = workflow.perform(report(cw, lat=35.012345, lng=116.005678, address="A小区3号楼", contact_phone="13812345678").pk,
                            "dispatch", cw.worker_a, agency=cw.agencies[0], note="联系张三")
    view = public_view(case)
    assert set(view) == {"number", "status", "status_label", "category", "grid", "created_at", "resolve_by",
                         "closed_at", "agencies", "lat", "lng"}
    assert (view["lat"], view["lng"]) == (35.012, 116.006) and view["agencies"] == ["住建局"]


# --- anonymous reads are rate-limited ---------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_anonymous_reads_are_limited_per_address_with_retry_after(o3, settings, fmt):
    settings.PUBLIC_READ_RATE = "3/minute"
    number = report(o3).number
    paths = ["requests", f"requests/{number}", "requests/2026-999999"]
    assert [o3.api.get(p, fmt).status_code for p in paths] == [200, 200, 404]
    response = o3.api.get(f"requests/{number}", fmt, headers={"HTTP_ACCEPT_LANGUAGE": "en"})
    assert "Too many requests" in error_of(response, fmt, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    error_of(o3.api.get("services", fmt), fmt, 429)
    assert "请求过于频繁" in error_of(o3.api.get("requests", fmt), fmt, 429)
    assert o3.api.get("requests", fmt, headers={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200  # another address
    assert o3.api.get(f"requests/{number}", fmt, api_key=o3.key).status_code == 200  # a client is not the public


# --- the one building rule ------------------------------------------------------------------------

def v1_post(client, key, **fields):
    body = dict(category_code="0201", title="扶手断了", description="小区健身器材的扶手断了", **fields)
    return client.post("/api/v1/cases", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}",
                       HTTP_ACCEPT_LANGUAGE="en")


def test_a_machine_client_reports_at_a_building_of_its_scope_through_both_apis(o3, client):
    small = make_user("grid-a-app", Role.MACHINE_CLIENT, [o3.grid_a])
    key = create_token(small, name="app")[1]
    building_a, building_b = o3.household_a.building, o3.household_b.building
    # In scope: both create a case at the building, placed in its grid.
    created = v1_post(client, key, building_id=building_a.pk)
    assert created.status_code == 201, created.content
    number = good_post(o3, lat=None, long=None, api_key=key, address_id=str(building_a.pk))
    assert {c.building for c in Case.objects.all()} == {building_a} and Case.objects.get(number=number).grid == o3.grid_a
    # Out of scope, or missing: both refuse with the same reason, and write nothing.
    for building_id in (building_b.pk, 999999):
        refused_v1 = v1_post(client, key, building_id=building_id)
        assert refused_v1.status_code == 400
        error = refused_v1.json()["error"]
        assert error["code"] == "building" and list(error["fields"]) == ["building_id"]
        refused_o3 = error_of(o3.api.post(api_key=key, service_code="0201", description="x", address_id=str(building_id),
                                          headers={"HTTP_ACCEPT_LANGUAGE": "en"}), "json", 400)
        assert refused_o3 == error["message"] == "No such building in your scope."
    assert Case.objects.count() == 2


def test_a_grid_worker_reports_at_a_building_of_its_grid_only(o3, client):
    key = create_token(o3.worker_a, name="app")[1]
    assert v1_post(client, key, building_id=o3.household_a.building.pk).status_code == 201
    assert v1_post(client, key, building_id=o3.household_b.building.pk).json()["error"]["code"] == "building"


@pytest.mark.parametrize("address_id", ["²", "١", "12a", "-1", "99999999999999999999999", " "])
def test_an_address_id_that_is_not_a_plain_number_is_no_building(o3, address_id):
    response = o3.api.post(service_code="0201", description="x", address_id=address_id)
    assert response.status_code == 400 and not Case.objects.exists()


# --- lists are flat in the number of cases ----------------------------------------------------------

def test_a_list_has_100_requests_unless_page_size_asks_for_more(o3):
    for _ in range(101):
        report(o3)
    assert len(o3.api.get("requests").json()) == 100
    assert len(o3.api.get("requests", api_key=o3.key).json()) == 100
    assert len(o3.api.get("requests", page_size="101").json()) == 101
    assert len(o3.api.get("requests", page="2").json()) == 1


def test_pages_reach_the_first_10000_requests_and_no_deeper(o3):
    assert o3.api.get("requests", page="10", page_size="1000").status_code == 200
    assert "end_date" in error_of(o3.api.get("requests", page="11", page_size="1000",
                                             headers={"HTTP_ACCEPT_LANGUAGE": "en"}), "json", 400)
    error_of(o3.api.get("requests", page="101"), "json", 400)
    assert "1000" in error_of(o3.api.get("requests", service_request_id=",".join(["2026-000001"] * 1001)), "json", 400)


def queries_of(o3, **params):
    with CaptureQueriesContext(connection) as queries:
        response = o3.api.get("requests", **params)
        assert response.status_code == 200
    return response.json(), [q["sql"] for q in queries]


def busy_cases(o3, n):
    """``n`` cases, some dispatched to one agency, some whistled to several, some closed."""
    for i in range(n):
        case = report(o3)
        if i % 3 == 0:
            workflow.perform(case.pk, "dispatch", o3.worker_a, agency=o3.agencies[i % 2])
        elif i % 3 == 1:
            workflow.perform(case.pk, "whistle", o3.worker_a, agencies=o3.agencies[: 1 + i % 3], note="吹哨")
        else:
            workflow.perform(case.pk, "solve_on_spot", o3.worker_a, note="修好了")


@pytest.mark.parametrize("who", ["public", "client"])
def test_a_list_of_50_costs_the_queries_of_a_list_of_5_and_counts_nothing(o3, who):
    params = {"api_key": o3.key} if who == "client" else {}
    busy_cases(o3, 5)
    ApiToken.objects.update(last_used_at=timezone.now())  # the key's touch is once a minute, not per request
    rows, few = queries_of(o3, **params)
    assert len(rows) == 5
    busy_cases(o3, 45)
    rows, many = queries_of(o3, **params)
    assert len(rows) == 50
    assert len(many) == len(few), many
    assert not any("COUNT(" in sql.upper() for sql in many)


def a_year_of_cases(o3, n):
    """``n`` cases spread over the last year, written in bulk (only their rows matter here)."""
    template = report(o3)
    now = timezone.now()
    rows = []
    for i in range(n):
        at = now - datetime.timedelta(minutes=i * 365 * 24 * 60 // n)
        rows.append(Case(number=f"2025-{i + 1:06d}", title="t", description="d", category=template.category,
                         channel=Channel.RESIDENT, grid=template.grid, grid_code=template.grid_code, lat=35.01, lng=116.005,
                         created_at=at, respond_by=at, resolve_by=at))
    Case.objects.bulk_create(rows, batch_size=500)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " | ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return " | ".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("who", ["public", "client"])
def test_a_list_reads_the_created_at_index_newest_first_and_never_sorts_the_window(o3, who):
    """The database reads one page's rows from the index and stops: the cost does not grow with the cases."""
    from gongzhi.cases.open311 import cases_for, with_details

    a_year_of_cases(o3, 3000)
    client = None if who == "public" else o3.hotline
    rows = with_details(cases_for(client).filter(created_at__gte=timezone.now() - datetime.timedelta(days=90))
                        .order_by("-created_at", "-id"), public=client is None)[:100]
    plan = plan_of(rows)
    assert "cases_case_created_at" in plan, plan
    if connection.vendor == "sqlite":
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    else:
        assert "Seq Scan on cases_case" not in plan, plan
        # Only an incremental sort of ties on the id is allowed, over rows the index gives in created_at order.
        assert "Sort Key: cases_case.created_at" not in plan or "Presorted Key: cases_case.created_at" in plan, plan


# --- unreadable and over-long input -----------------------------------------------------------------

NUL = "a\x00b"


@pytest.mark.parametrize("field", ["description", "address_string", "service_code", "phone", "email", "first_name",
                                   "attribute[elevator_stopped]", "lat", "address_id", "media_url", "api_key"])
def test_a_nul_in_any_posted_field_is_a_400_in_both_languages(o3, field):
    fields = dict(service_code="0203", description="电梯停了", **{"attribute[elevator_stopped]": "yes"}, **IN_GRID_A)
    fields[field] = NUL
    english = error_of(o3.api.post(headers={"HTTP_ACCEPT_LANGUAGE": "en"}, **fields), "json", 400)
    assert english == f"{field} must not contain a NUL character (\\0)."
    chinese = error_of(o3.api.post("xml", **fields), "xml", 400)
    assert field in chinese and "空字符" in chinese
    assert not Case.objects.exists()


@pytest.mark.parametrize("path, params", [
    ("requests", {"service_code": NUL}), ("requests", {"status": NUL}), ("requests", {"service_request_id": NUL}),
    ("requests", {"start_date": NUL}), ("requests", {"api_key": NUL}), ("requests", {"page": NUL}),
    ("requests", {NUL: "x"}), ("requests/2026-0%00001", {}), ("services/02%0001", {}), ("services", {"jurisdiction_id": NUL}),
])
def test_a_nul_in_any_query_parameter_or_path_is_a_400(o3, path, params):
    description = error_of(o3.api.get(path, headers={"HTTP_ACCEPT_LANGUAGE": "en"}, **params), "json", 400)
    assert "NUL" in description


def test_an_address_over_200_characters_is_refused_and_200_are_kept(o3):
    english = error_of(o3.api.post(service_code="0201", description="x", address_string="长" * 201,
                                   headers={"HTTP_ACCEPT_LANGUAGE": "en"}, **IN_GRID_A), "json", 400)
    assert english == "address_string is limited to 200 characters."
    assert "200" in error_of(o3.api.post(service_code="0201", description="x", address_string="长" * 201, **IN_GRID_A), "json", 400)
    assert not Case.objects.exists()
    assert Case.objects.get(number=good_post(o3, address_string="长" * 200)).address == "长" * 200


@pytest.mark.parametrize("field, size", [("description", 4001), ("email", 255), ("first_name", 101), ("device_id", 101),
                                         ("jurisdiction_id", 4001)])
def test_any_over_long_value_is_refused_before_the_database(o3, field, size):
    fields = dict(service_code="0201", description="扶手断了", **IN_GRID_A)
    fields[field] = "x" * size
    assert f"{field} is limited to" in error_of(o3.api.post(headers={"HTTP_ACCEPT_LANGUAGE": "en"}, **fields), "json", 400)
    assert not Case.objects.exists()
