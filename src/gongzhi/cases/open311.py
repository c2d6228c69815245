"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2), in XML and JSON.

Endpoints, each as ``<name>.xml`` or ``<name>.json``:

- ``GET discovery``: the service discovery document.
- ``GET services``: one service per active 小类; ``GET services/<code>``: its attributes.
- ``POST requests``: report a problem (form-encoded); ``GET requests``, ``GET requests/<id>``.
- ``GET tokens/<token>``: always 404, see below.

Choices made here:

- **api_key** is a personal API token (gongzhi.api.services) of an account holding
  Role.MACHINE_CLIENT (or a superuser). The units of its machine-client role are where it
  may report and what it reads. POST needs one (missing or bad: 403); GET works without
  one, and a bad one on GET is 403 too, never a silent fall back to the public view.
- **Public GET** (no api_key): ``Case.objects.public()``, the cases of the last 90 days,
  for the list, the single request, ``service_request_id`` and the dates alike (an older
  case is not found, whatever is asked), each shown through ``cases.models.public_view``:
  number, status, service, dates, agency and lat/long rounded to about 100 m. The
  description, status notes and ``address`` are empty and ``address_id`` null (free text
  may name people); no phone, name or email is ever part of a request's answer.
  With an api_key: the cases of the client's scope, with address and address_id.
- **Public rate limit**: GETs without an api_key (every endpoint) count per client address
  against GONGZHI_PUBLIC_READ_RATE (default 600/hour): case numbers are sequential, and
  nobody should walk them all. Over it: 429 with Retry-After.
- **Location**: ``lat`` + ``long``, or ``address_id`` (the pk of a Building in the
  client's scope, by ``cases.services.building_for_report``, the rule /api/v1/ applies to
  ``building_id`` too; the case is placed by the building's estate). We have no geocoder, so
  an ``address_string`` alone is refused with 400; sent with lat/long (or an address_id)
  it is kept as the case's address.
- **Contact**: ``phone`` becomes the case's contact phone. ``email``, ``first_name``,
  ``last_name``, ``device_id`` and ``account_id`` are accepted and not stored (a case
  has no field for them; we keep no personal data we do not need). ``account_id`` in the
  answer is therefore always null.
- **media_url**: an http(s) URL is appended to the description as "媒体: <url>"; it is
  never fetched. Other schemes are ignored. The description with it must fit 4,000
  characters.
- **Attributes** are validated against the 小类's CategoryAttribute rows and saved on
  ``Case.attributes``; multivaluelist keys come as ``attribute[code][]`` (repeated).
  Unknown attribute codes are ignored.
- **Tokens**: cases are created at once, so POST answers with the service_request_id
  and ``tokens/<token>`` answers 404 in the error format.
- **GET requests**: ``service_request_id`` (comma list) overrides every other filter.
  Otherwise the window is ``start_date`` .. ``end_date`` (ISO 8601 with a time zone;
  default: the 90 days up to now; a wider span is refused), ``service_code`` and
  ``status`` (open, closed) are comma lists. Newest first, **100 requests per answer by
  default** (the spec lets a server cap the number it returns). The ``page`` /
  ``page_size`` extension pages through them: page_size 1 to 1,000, and pages reach the
  first 10,000 requests of a query (page × page_size); further back, move ``end_date``.
  Anything outside these is a 400, never a silent cut. A list reads one page from the
  ``created_at`` index and counts nothing, in a fixed number of queries.
- **Status**: open for registered, dispatched, handling, whistled and fed back; closed
  for closed, rated and merged. ``service_notice`` carries our finer status label.
- **Input**: a NUL character in any parameter (name or value, query, form or path) is a
  400, as is a value longer than its limit (``LIMITS``: ``address_string`` 200,
  ``description`` 4,000, any other 4,000), before the database sees it.
- **Errors**: ``[{"code": 400, "description": "..."}]`` or
  ``<errors><error><code>400</code><description>…</description></error></errors>``,
  with the same HTTP status (400, 403, 404, 405, 429). Descriptions follow the request's
  language (Chinese by default, English with ``Accept-Language: en``).
- POST success answers 201 Created. POSTs count against the intake rate limit
  (GONGZHI_INTAKE_RATE_TOKEN) like /api/v1/.
"""
import datetime
import json
import math
import xml.etree.ElementTree as ET

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.http import HttpResponse
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gongzhi.cases.models import (
    OPEN_STATUSES, PUBLIC_COLUMNS, AttributeType, Case, CaseAgency, Category, Channel, TimelineEntry,
    public_view,
)
from gongzhi.cases.services import building_for_report, create_case
from gongzhi.core.replica import reads_replica, replica_reads
from gongzhi.core.errors import DomainError
from gongzhi.core.text import LONG_TEXT
from gongzhi.core.ratelimit import client_address, hit, intake
from gongzhi.people.models import Role

from gongzhi.api.services import user_for_token

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00+08:00"  # when this API last changed in a way clients see
FORMATS = ["text/xml", "application/json"]
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
PAGE_SIZE = 100  # requests per answer unless page_size asks for more
MAX_RESULTS = 1000  # the largest page_size, and the most ids one service_request_id may list
MAX_DEPTH = 10000  # page × page_size: deeper pages would make the database skip that many rows
WINDOW = datetime.timedelta(days=90)
STRING_MAX, TEXT_MAX = 200, LONG_TEXT
# The longest value of a parameter, by name; any other parameter may have TEXT_MAX characters.
# Checked before anything reads the database, which never sees (or silently cuts) a longer one.
LIMITS = {"address_string": STRING_MAX, "description": TEXT_MAX, "service_code": 10, "phone": 30,
          "email": 254, "first_name": 100, "last_name": 100, "device_id": 100, "account_id": 100,
          "media_url": 1000, "lat": 50, "long": 50, "address_id": 50, "api_key": 200,
          "start_date": 50, "end_date": 50, "status": 50, "page": 20, "page_size": 20,
          "service_request_id": MAX_RESULTS * 21}  # 1,000 case numbers (20 characters) and commas
# The XML name of a list's items, by the list's name.
ITEM_NAMES = {"services": "service", "service_requests": "request", "attributes": "attribute",
              "values": "value", "endpoints": "endpoint", "formats": "format", "errors": "error"}


class Open311Error(Exception):
    def __init__(self, status, description, retry_after=None):
        super().__init__(description)
        self.status = status
        self.description = str(description)
        self.retry_after = retry_after


def too_many(retry_after):
    return Open311Error(429, _("Too many requests; try again in %(s)d seconds.") % {"s": retry_after}, retry_after)


# --- rendering ----------------------------------------------------------------------

def _xml_text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _to_xml(parent, name, value):
    element = ET.SubElement(parent, name) if parent is not None else ET.Element(name)
    if isinstance(value, dict):
        for key, item in value.items():
            _to_xml(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _to_xml(element, ITEM_NAMES.get(name, "item"), item)
    else:
        element.text = _xml_text(value)
    return element


def render(fmt, root, data, status=200):
    """``data`` as JSON, or as XML under ``root`` (a list's items named by ITEM_NAMES)."""
    if fmt == "xml":
        tree = _to_xml(None, root, data)
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode").encode("utf-8")
    else:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_error(fmt, status, description):
    return render(fmt, "errors", [{"code": status, "description": str(description)}], status=status)


def endpoint(*methods, csrf=True):
    """A view for ``methods`` whose refusals (Open311Error, DomainError) come back in the spec's error format."""
    def wrap(view):
        def run(request, fmt, **kwargs):
            if request.method not in methods:
                response = render_error(fmt, 405, _("This method is not allowed here."))
                response["Allow"] = ", ".join(methods)
                return response
            try:
                check_parameters(request, kwargs)
                return view(request, fmt, **kwargs)
            except Open311Error as e:
                response = render_error(fmt, e.status, e.description)
                if e.retry_after:
                    response["Retry-After"] = str(e.retry_after)
                return response
            except DomainError as e:
                return render_error(fmt, 400, e.text)

        run.__name__ = run.__qualname__ = view.__name__
        run.__doc__ = view.__doc__
        # Open311 answers a NUL in its own path in its own error format (check_parameters).
        run.checks_its_input = True
        return run if csrf else csrf_exempt(run)
    return wrap


def check_parameters(request, path_parameters):
    """Refuse, before anything reads the database, a NUL character in any parameter (names
    included) and a value longer than its LIMITS. PostgreSQL can neither store nor compare
    text with a NUL (it would be a 500), and no real answer holds one."""
    given = [(name, [value]) for name, value in path_parameters.items()] + list(request.GET.lists())
    if request.method == "POST":
        given += list(request.POST.lists())
    for name, values in given:
        shown = name.replace("\x00", "\\0")[:50]
        for text in (name, *values):
            if "\x00" in text:
                raise Open311Error(400, _("%(name)s must not contain a NUL character (\\0).") % {"name": shown})
        limit = LIMITS.get(name, TEXT_MAX)
        if any(len(value) > limit for value in values):
            raise Open311Error(400, _("%(name)s is limited to %(max)d characters.") % {"name": shown, "max": limit})


def iso(moment):
    """ISO 8601 with the local time zone's offset, e.g. 2026-03-02T09:00:00+08:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def parse_moment(value, name):
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        moment = None
    if moment is None or timezone.is_naive(moment):
        raise Open311Error(400, _("%(name)s must be an ISO 8601 date and time with a time zone, "
                                  "e.g. 2026-03-02T09:00:00+08:00.") % {"name": name})
    return moment


def comma_list(value):
    return [v.strip() for v in (value or "").split(",") if v.strip()]


# --- the client behind an api_key -------------------------------------------------------

def api_client(request, *, required):
    """The account behind the request's api_key, None without one (if not required); 403 if it is bad."""
    source = request.POST if request.method == "POST" else request.GET
    key = (source.get("api_key") or "").strip()
    if not key:
        scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
        key = token.strip() if scheme.lower() == "bearer" else ""
    if not key:
        if required:
            raise Open311Error(403, _("An api_key is required."))
        return None
    client = user_for_token(key)
    if client is None or not (client.is_superuser or client.has_role(Role.MACHINE_CLIENT)):
        raise Open311Error(403, _("The api_key is not valid: it must be the token of an Open311 client account."))
    return client


def reader(request):
    """The client behind a GET's api_key (403 if the key is bad), or None for the public.

    Public reads are counted per client address (GONGZHI_PUBLIC_READ_RATE): case numbers are
    sequential, so without a limit anyone could walk them all as fast as we answer."""
    client = api_client(request, required=False)
    if client is None:
        verdict = hit("open311-public-read", client_address(request), settings.PUBLIC_READ_RATE)
        if not verdict.allowed:
            raise too_many(verdict.retry_after)
    return client


def cases_for(client):
    """A client reads the cases of its own scope, whatever their age; the public, Case.objects.public()."""
    if client is None:
        return Case.objects.public()
    return Case.objects.visible_to(client)


# --- discovery and services --------------------------------------------------------------

@endpoint("GET", "HEAD")
@reads_replica
def discovery(request, fmt):
    reader(request)
    base = reverse("open311-discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0] + "/"
    return render(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": _("For the API, contact the administrator of this platform; for a problem, call 12345."),
        "key_service": _("The platform administrator creates an Open311 client account and its api_key."),
        "endpoints": [{
            "specification": SPECIFICATION, "url": request.build_absolute_uri(base), "changeset": CHANGESET,
            "type": "production", "formats": FORMATS,
        }],
    })


def minor_categories():
    return Category.objects.filter(parent__isnull=False, active=True).select_related("parent")


def service_out(category):
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.parent.name} / {category.name} · {_('hours to respond')} {category.response_hours}"
                       f" · {_('hours to resolve')} {category.resolve_hours}",
        "metadata": category.n_attributes > 0,
        "type": "realtime",
        "keywords": ",".join([category.name, category.parent.name]),
        "group": category.parent.name,
    }


@endpoint("GET", "HEAD")
@reads_replica
def services(request, fmt):
    reader(request)
    rows = minor_categories().annotate(n_attributes=Count("attributes")).order_by("code")
    return render(fmt, "services", [service_out(c) for c in rows])


def find_service(code):
    category = minor_categories().prefetch_related("attributes").filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("No service has the code %(code)s.") % {"code": code[:20]})
    return category


def datatype_description(datatype):
    return {
        AttributeType.NUMBER: _("A number, e.g. 12 or 3.5."),
        AttributeType.DATETIME: _("ISO 8601 with a time zone, e.g. 2026-03-02T09:00:00+08:00."),
        AttributeType.SINGLE: _("One key of the values."),
        AttributeType.MULTI: _("Keys of the values: send attribute[code][] once for each."),
    }.get(datatype, "")


@endpoint("GET", "HEAD")
@reads_replica
def service_definition(request, fmt, service_code):
    reader(request)
    category = find_service(service_code)
    return render(fmt, "service_definition", {
        "service_code": category.code,
        "attributes": [{
            "variable": True, "code": a.code, "datatype": a.datatype, "required": a.required,
            "datatype_description": datatype_description(a.datatype), "order": a.order, "description": a.description,
            "values": [{"key": str(v["key"]), "name": str(v["name"])} for v in a.values],
        } for a in category.attributes.all()],
    })


# --- posting a request ---------------------------------------------------------------------

def clean_attributes(attributes, data):
    """The submitted answers to ``attributes`` (CategoryAttribute rows), checked; raises DomainError."""
    answers = {}
    for a in attributes:
        name = f"attribute[{a.code}]"
        if a.datatype == AttributeType.MULTI:
            raw = [v.strip() for v in data.getlist(name + "[]") + data.getlist(name) if v.strip()]
        else:
            raw = (data.get(name) or "").strip()
        if not raw:
            if a.required:
                raise DomainError(_("%(question)s (%(name)s) is required.") % {"question": a.description, "name": name},
                                  code="required", field=name)
            continue
        keys = [str(v["key"]) for v in a.values]
        wrong = DomainError(_("%(value)s is not a valid answer to %(question)s (%(name)s).")
                            % {"value": str(raw)[:50], "question": a.description, "name": name}, code="invalid", field=name)
        if a.datatype == AttributeType.SINGLE:
            if raw not in keys:
                raise wrong
            answers[a.code] = raw
        elif a.datatype == AttributeType.MULTI:
            if any(k not in keys for k in raw):
                raise wrong
            answers[a.code] = list(dict.fromkeys(raw))
        elif a.datatype == AttributeType.NUMBER:
            try:
                number = float(raw)
            except ValueError:
                raise wrong
            if not math.isfinite(number):
                raise wrong
            answers[a.code] = int(number) if number.is_integer() else number
        elif a.datatype == AttributeType.DATETIME:
            try:
                answers[a.code] = iso(parse_moment(raw, name))
            except Open311Error:
                raise wrong
        else:
            if len(raw) > (TEXT_MAX if a.datatype == AttributeType.TEXT else STRING_MAX):
                raise wrong
            answers[a.code] = raw
    return answers


def place(data, client):
    """The create_case arguments that place the problem: lat/lng, or a building of the client's scope."""
    lat, lng = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    address_string = (data.get("address_string") or "").strip()
    address_id = (data.get("address_id") or "").strip()
    building = building_for_report(client, address_id, field="address_id") if address_id else None
    # address_string is at most STRING_MAX (check_parameters); a building's name fits the column.
    where = {"building": building, "address": address_string or (str(building)[:STRING_MAX] if building else "")}
    if lat or lng:
        if not (lat and lng):
            raise DomainError(_("Send both lat and long."), code="place_required", field="lat")
        try:
            where.update(lat=float(lat), lng=float(lng))
        except ValueError:
            raise DomainError(_("Latitude and longitude must be numbers."), code="point_invalid", field="lat")
    elif building is None:
        if address_string:
            raise DomainError(_("A location is required: we cannot place an address_string on the map; "
                                "send lat and long, or an address_id, with it."), code="place_required", field="address_string")
        raise DomainError(_("Place the problem on the map or choose a building."), code="place_required", field="lat")
    return where


def describe(data, category):
    description = (data.get("description") or "").strip()  # at most TEXT_MAX (check_parameters)
    media = (data.get("media_url") or "").strip()
    if media.lower().startswith(("http://", "https://")) and " " not in media:
        description = f"{description}\n媒体: {media}" if description else f"媒体: {media}"
    title = (data.get("description") or "").strip()[:30] or category.name
    return title, description or category.name


def post_request(request, fmt):
    client = api_client(request, required=True)
    verdict = intake(request, client)
    if not verdict.allowed:
        raise too_many(verdict.retry_after)
    data = request.POST
    code = (data.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = find_service(code)
    answers = clean_attributes(list(category.attributes.all()), data)
    where = place(data, client)
    title, description = describe(data, category)
    with transaction.atomic():
        case = create_case(
            title=title, description=description, category=category, channel=Channel.MACHINE,
            recorded_by=client, within_scope_of=client, contact_phone=(data.get("phone") or "").strip(),
            source_detail=str(client)[:50], **where,
        )
        if answers:
            Case.objects.filter(pk=case.pk).update(attributes=answers)
    notice = _("Recorded as %(number)s.") % {"number": case.number}
    return render(fmt, "service_requests", [{"service_request_id": case.number, "service_notice": notice, "account_id": None}],
                  status=201)


# --- reading requests ------------------------------------------------------------------------

def with_details(cases, public):
    """What request_out reads, in a flat number of queries (two) whatever the number of cases.
    The latest note (and the building) is read only for a client, who is shown them."""
    entries = TimelineEntry.objects.filter(case=OuterRef("pk")).order_by("-at", "-id")
    active = CaseAgency.objects.filter(returned_at__isnull=True).select_related("agency").order_by("summoned_at", "id")
    cases = cases.select_related("category", "grid").annotate(
        last_entry_at=Subquery(entries.values("at")[:1]),
    ).prefetch_related(Prefetch("agency_links", queryset=active))
    if public:  # the public query does not even load the private columns
        return cases.only(*PUBLIC_COLUMNS)
    return cases.select_related("building__estate").annotate(
        last_note=Subquery(entries.exclude(note="").values("note")[:1]),
    ).defer("attributes", "grid__boundary")


def open_or_closed(status):
    return "open" if status in OPEN_STATUSES else "closed"


def agency_responsible(view):
    if view["agencies"]:
        return "、".join(view["agencies"])
    grid = view["grid"].name
    return grid if grid.endswith("网格") else f"{grid}网格"


def request_out(case, public):
    """One request as GeoReport v2 shows it. The public row is made from public_view() alone
    (and the time of the latest move); a client's row adds, for the cases of its own scope,
    the free text (which may name people or numbers), the address and the exact place."""
    view = public_view(case)
    row = {
        "service_request_id": view["number"],
        "status": open_or_closed(view["status"]),
        "status_notes": "",
        "service_name": view["category"].name,
        "service_code": view["category"].code,
        "description": "",
        "agency_responsible": agency_responsible(view),
        "service_notice": view["status_label"],
        "requested_datetime": iso(view["created_at"]),
        "updated_datetime": iso(case.last_entry_at or view["created_at"]),
        "expected_datetime": iso(view["resolve_by"]),
        "address": "",
        "address_id": None,
        "zipcode": "",
        "lat": view["lat"],
        "long": view["lng"],
        "media_url": "",
    }
    if not public:
        row.update(
            status_notes=case.last_note or "", description=case.description,
            address=case.address or (str(case.building) if case.building_id else ""),
            address_id=case.building_id, lat=case.lat, long=case.lng,
        )
    return row


def positive_int(value, name, default, maximum):
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= maximum:
        raise Open311Error(400, _("%(name)s must be a whole number from 1 to %(max)d.") % {"name": name, "max": maximum})
    return number


def list_requests(request, fmt):
    client = reader(request)
    # The public list may lag a second behind (replica); a client reads its own writes (primary).
    with replica_reads(client is None):
        return _list_requests(request, fmt, client)


def _list_requests(request, fmt, client):
    query = request.GET
    cases = cases_for(client)  # for the public, the window bounds every filter below
    ids = comma_list(query.get("service_request_id"))
    if ids:
        if len(ids) > MAX_RESULTS:
            raise Open311Error(400, _("service_request_id lists at most %(max)d ids.") % {"max": MAX_RESULTS})
        cases = cases.filter(number__in=ids)
    else:
        codes = comma_list(query.get("service_code"))
        if codes:
            cases = cases.filter(category__code__in=codes)
        statuses = set(comma_list(query.get("status")))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status is open, closed, or both separated by a comma."))
        if statuses == {"open"}:
            cases = cases.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            cases = cases.exclude(status__in=OPEN_STATUSES)
        end = parse_moment(query["end_date"], "end_date") if query.get("end_date") else timezone.now()
        start = parse_moment(query["start_date"], "start_date") if query.get("start_date") else end - WINDOW
        if start > end:
            raise Open311Error(400, _("start_date must not be after end_date."))
        if end - start > WINDOW:
            raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
        cases = cases.filter(created_at__gte=start, created_at__lte=end)
    size = positive_int(query.get("page_size"), "page_size", PAGE_SIZE, MAX_RESULTS)
    page = positive_int(query.get("page"), "page", 1, MAX_DEPTH)
    if page * size > MAX_DEPTH:
        raise Open311Error(400, _("Pages reach the first %(max)d requests of a query; for older ones, "
                                  "move end_date back instead.") % {"max": MAX_DEPTH})
    # Newest first on the created_at index: the database reads one page's rows, never the window.
    rows = with_details(cases.order_by("-created_at", "-id"), public=client is None)[(page - 1) * size: page * size]
    return render(fmt, "service_requests", [request_out(c, public=client is None) for c in rows])


@endpoint("GET", "HEAD", "POST", csrf=False)
def service_requests(request, fmt):
    """GET lists requests; POST reports one (its api_key authenticates it, so no CSRF token)."""
    if request.method == "POST":
        return post_request(request, fmt)
    return list_requests(request, fmt)


@endpoint("GET", "HEAD")
def request_detail(request, fmt, request_id):
    client = reader(request)
    with replica_reads(client is None):
        case = with_details(cases_for(client), public=client is None).filter(number=request_id).first()
        if case is None:
            raise Open311Error(404, _("No service request has the id %(id)s.") % {"id": request_id[:30]})
        return render(fmt, "service_requests", [request_out(case, public=client is None)])


@endpoint("GET", "HEAD")
def token_status(request, fmt, token):
    raise Open311Error(404, _("There are no tokens here: POST requests answers with the service_request_id at once."))


FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^discovery" + FMT, discovery, name="open311-discovery"),
    re_path(r"^services" + FMT, services, name="open311-services"),
    re_path(r"^services/(?P<service_code>[^/]+?)" + FMT, service_definition, name="open311-service"),
    re_path(r"^requests" + FMT, service_requests, name="open311-requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FMT, request_detail, name="open311-request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, token_status, name="open311-token"),
]
