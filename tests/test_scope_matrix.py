"""Every identity × every endpoint × an object in scope, out of scope and missing.

The endpoints are discovered when the tests are collected, never listed by hand: the URL conf
(walked recursively), the OpenAPI spec of each API found in it, the Open311 routes (in the URL
conf) and the back office's registry (changelist, add, change, delete, history and the
object's own address, for each model). ``ROUTES``, ``API`` and ``ADMIN_OBJECTS`` only say how
to fill each endpoint's parameters; an endpoint they do not cover fails, by name, so a new one
cannot be added without being checked here.

The identities: an account for each role of ``people.Role`` in district A (the machine client
with its token, on the API and Open311), a district admin of district B (a second territory tree
with its own code prefix), anonymous, and a superuser as a sanity row.

What must hold, for each endpoint, method and identity:
- nothing answers 5xx;
- an object of the other district answers exactly like a missing one: the same status, for a
  JSON (or Open311 XML) answer the same error code, for a redirect the same place;
- and (so that the test cannot pass by fetching nothing) some identity sees the in-scope
  object differently from a missing one.

The world is built once for the module inside a transaction rolled back at the end; each
request runs in a savepoint rolled back after it, so a move or a delete made in scope leaves
nothing behind for the next identity.
"""
import datetime
import importlib
import io
import json
import logging
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Callable
from http.cookies import SimpleCookie
from urllib.parse import unquote, urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from PIL import Image

from gongzhi.api.models import ApiToken
from gongzhi.api.services import create_token
from gongzhi.cases import services as case_services
from gongzhi.cases.defaults import install
from gongzhi.cases.models import Case, CaseContactView, Category, CategoryTimeLimit, Channel
from gongzhi.core.models import Notice
from gongzhi.deliberation.services import proposals as proposal_services
from gongzhi.party.models import (
    DualReport, InstructorAssignment, OrganizationActivity, OrganizationKind, PartyMember, PartyOrganization, PioneerPost,
)
from gongzhi.people.models import Agency, AgencyKind, LegalKind, Role, RoleAssignment, User
from gongzhi.territory import services as territory
from gongzhi.territory.identity import id_check_char
from gongzhi.territory.models import Building, Estate, Household, Level, PersonalDataView, Resident

# Each test runs in pytest-django's own transaction too (a savepoint inside the world's), and the
# mark is how pytest-django knows this module needs the test database at all.
pytestmark = pytest.mark.django_db

# --- how to fill each endpoint's parameters ---------------------------------------------------

GET, POST = "GET", "POST"


@dataclass
class Spec:
    """How to call one endpoint.

    ``kind`` names the object it takes (None: it takes none); ``fill(o)`` gives the URL's
    parameters from that object (or from nothing), ``query(o)`` and ``body(o)`` what goes with
    the request. ``scoped`` is False for objects every signed-in user may read (the agency
    directory, the category tree); a function of the identity when that depends on who asks.
    """

    kind: str | None = None
    fill: Callable = lambda o: {}
    methods: tuple = (GET, POST)
    query: Callable = lambda o: {}
    body: Callable | None = None
    json_body: bool = False
    scoped: bool | Callable = True
    why_never_found: str = ""  # set when no identity can ever see the object here (explained)
    same_for_everyone: bool = False  # public and static: one identity is enough


def page(methods=(GET, POST), query=None, body=None, fill=None, json_body=False, same_for_everyone=False):
    return Spec(methods=methods, query=query or (lambda o: {}), body=body, fill=fill or (lambda o: {}), json_body=json_body,
                same_for_everyone=same_for_everyone)


def on(kind, fill, methods=(GET, POST), **options):
    return Spec(kind=kind, fill=fill, methods=methods, **options)


by_pk = (lambda o: {"pk": o.pk})
# On the pages one view takes every move by name; these differ in what they read from the form.
PAGE_MOVES = ["accept", "dispatch", "whistle", "merge", "rate", "no_such_move"]

# Pages, JSON views and Open311, by URL name (or route, when the pattern has no name).
ROUTES = {
    "home": page(),
    "figures": page(),
    "figures-json": page(),
    "login": page(),
    "logout": page(),
    "set_language": page(body=lambda o: {"language": "en", "next": "/"}),
    "territory:unit": on("unit", lambda o: {"code": o.code}),
    "territory:unit-map": on("unit", lambda o: {"code": o.code}),
    "territory:residents": page(query=lambda o: {"q": "居民", "unit": "370871"}),
    "territory:resident": on("resident", by_pk),
    "territory:resident-reveal": on("resident", by_pk, body=lambda o: {"field": "phone"}),
    # Coordinates, not an object: where grids lie is public (cases:report-map draws them all).
    "territory:locate": page(query=lambda o: {"lat": "35.01", "lng": "116.005"}),
    "party:branches": page(query=lambda o: {"working": "yes"}),
    "party:organization": on("organization", by_pk),
    "cases:report": page(),
    "cases:reported": page(),
    "cases:record": page(),
    "cases:mine": page(),
    # The search box finds a case by number anywhere in one's scope.
    "cases:inbox": on("case", lambda o: {}, methods=(GET,), query=lambda o: {"q": o.number}),
    "cases:rates": page(query=lambda o: {"by": "agency"}),
    # The ledger lists within the viewer's scope only (tests/test_case_ledger.py checks the rows).
    "cases:ledger": page(query=lambda o: {"status": "open"}),
    "notices:list": page(),
    "deliberation:party_meetings": page(),
    "notices:open": on("notification", by_pk),
    # Following a case without an account: a number and a phone's last four digits; the same
    # refusal for a wrong number and a wrong phone, whoever asks.
    "cases:follow": page(body=lambda o: {"number": "2099-000001", "last_four": "0000"}),
    "cases:reveal-contact": on("case", lambda o: {"number": o.number}, methods=(POST,)),
    "cases:report-map": page(),
    "cases:detail": on("case", lambda o: {"number": o.number}),
    "cases:photo": on("photo", lambda o: {"number": o.number, "token": o.token, "size": "thumb"}),
    **{f"cases:move/{name}": on("case", lambda o, name=name: {"number": o.number, "name": name}, methods=(POST,),
                                body=lambda o: {"note": "矩阵", "main_case": o.number, "agency": o.agency, "agencies": o.agency})
       for name in PAGE_MOVES},
    # A case number in the body: merging into a case one cannot see is merging into none.
    "cases:move/merge#main_case": on("case", lambda o: {"number": o.second_case, "name": "merge"}, methods=(POST,),
                                     body=lambda o: {"main_case": o.number, "note": "重复"}),
    "api-tokens": page(body=lambda o: {"name": "矩阵"}),
    # Revoking a token is by its id in the body: another person's token is no token.
    "api-tokens#revoke": on("token", lambda o: {}, methods=(POST,), body=lambda o: {"revoke": o.pk}),
    # The spec and its viewer are the same for everyone (and the spec costs half a second to build).
    "api-docs": page(methods=(GET,), same_for_everyone=True),
    "api-v1:openapi-json": page(methods=(GET,), same_for_everyone=True),
    "api-v1:api-root": page(),
    "open311-discovery": page(methods=(GET,), fill=lambda o: {"fmt": "json"}),
    "open311-services": page(methods=(GET,), fill=lambda o: {"fmt": "xml"}),
    "open311-service": on("category", lambda o: {"service_code": o.code, "fmt": "json"}, methods=(GET,), scoped=False),
    "open311-requests": page(fill=lambda o: {"fmt": "json"}, body=lambda o: {"service_code": "0201", "lat": "35.01", "long": "116.005"}),
    # A building of the client's scope places a problem; another district's is no building.
    "open311-requests#address_id": on("building", lambda o: {"fmt": "json"}, methods=(POST,),
                                      body=lambda o: {"service_code": "0201", "address_id": str(o.pk), "description": "矩阵"}),
    # Without an api_key the last 90 days are public, in every district; with one, only the client's scope.
    "open311-request": on("case", lambda o: {"request_id": o.number, "fmt": "json"}, methods=(GET,),
                          scoped=lambda identity: identity.api_key),
    "open311-request#xml": on("case", lambda o: {"request_id": o.number, "fmt": "xml"}, methods=(GET,),
                              scoped=lambda identity: identity.api_key),
    "open311-token": page(methods=(GET,), fill=lambda o: {"token": "abc", "fmt": "json"}),
    # The back office's own pages (its models' pages come from the registry, see ADMIN_OBJECTS).
    "admin:index": page(),
    "admin:login": page(),
    "admin:logout": page(),
    "admin:password_change": page(),
    "admin:password_change_done": page(),
    "admin:jsi18n": page(methods=(GET,), same_for_everyone=True),
    "admin:autocomplete": page(methods=(GET,), query=lambda o: {
        "app_label": "party", "model_name": "partyorganization", "field_name": "secretary", "term": "党员"}),
    "admin:app_list": page(methods=(GET,), fill=lambda o: {"app_label": "territory"}),
    "admin/(?P<url>.*)$": page(fill=lambda o: {"url": "no/such/page/"}),
    # No model has get_absolute_url: "view on site" answers 404 whatever the object.
    "admin:view_on_site": on("resident", lambda o: {"content_type_id": o.content_type_id, "object_id": o.pk},
                             why_never_found="no model has a page of its own to send the visitor to"),
    "admin:auth_user_password_change": on("user", lambda o: {"id": o.pk}),
    # Deliberation: proposals (a grid's proposal is seen by its participants and staff).
    "deliberation:home": page(),
    "deliberation:proposals": page(query=lambda o: {"status": "open", "unit": "370872"}),
    "deliberation:proposal_new": page(),
    # The unit in the form: a grid one may not propose for is no choice, like a missing one.
    "deliberation:proposal_new#unit": on("unit", lambda o: {}, methods=(POST,),
                                         body=lambda o: {"unit": o.code, "title": "矩阵", "body": "矩阵"}),
    "deliberation:proposal_similar": on("unit", lambda o: {}, methods=(GET,),
                                        query=lambda o: {"unit": o.code, "title": "矩阵的议题"}),
    "deliberation:proposal_queue": page(methods=(GET,)),
    "deliberation:proposal": on("proposal", by_pk, methods=(GET,)),
    "deliberation:proposal_answer": on("proposal", by_pk, body=lambda o: {"outcome": "answered", "reason": "矩阵"}),
    "deliberation:proposal_photo": on("proposal_photo", lambda o: {"pk": o.pk, "token": o.token, "size": "thumb"},
                                      methods=(GET,)),
    **{f"deliberation:proposal_{name}": on("proposal", by_pk, methods=(POST,))
       for name in ("support", "unsupport", "follow", "unfollow")},
    # Deliberation: votes in the room (an OPEN meeting of the grid with one item) and decisions.
    "deliberation:vote": on("vote_meeting", by_pk, body=lambda o: {"item": o.item, "choice": "for"}),
    "deliberation:vote_console": on("vote_meeting", by_pk, body=lambda o: {"item": o.item, "action": "open"}),
    "deliberation:vote_screen": on("vote_meeting", by_pk, methods=(GET,)),
    "deliberation:vote_counts": on("vote_meeting", by_pk, methods=(GET,)),
    "deliberation:decision_new": on("vote_meeting", by_pk, body=lambda o: {
        "item": o.item, "what": "矩阵", "owner_kind": "volunteer_team", "owner_name": "矩阵队", "due_on": "2099-01-01"}),
    "deliberation:decisions": page(methods=(GET,), query=lambda o: {"unit": "370871", "overdue": "1"}),
    "deliberation:decision": on("decision", by_pk, methods=(GET,)),
    "deliberation:decision_progress": on("decision", by_pk, methods=(POST,), body=lambda o: {"percent": "10", "note": "矩阵"}),
    "deliberation:decision_verify": on("decision", by_pk, methods=(POST,)),
    "deliberation:decision_open_case": on("decision", by_pk, methods=(POST,), body=lambda o: {"category": "0201"}),
    "deliberation:decision_photo": on("decision_photo", lambda o: {"pk": o.pk, "token": o.token, "size": "thumb"},
                                      methods=(GET,)),
    # The public notice (公示) is readable by anyone, signed in or not, for every grid and community.
    "deliberation:public_notice": on("unit", lambda o: {"code": o.code}, methods=(GET,), scoped=False),
    # Party organizational life (三会一课): deliberation/views/party_life.py.
    "deliberation:party_meetings": page(),
    "deliberation:party_behind": page(),
    "deliberation:party_organization": on("organization", by_pk,
                                          body=lambda o: {"format": "0", "starts_at": "2026-03-02T09:00"}),
    "deliberation:party_meeting": on("party_meeting", by_pk, body=lambda o: {"action": "minutes", "minutes": "矩阵"}),
    "deliberation:party_member_hours": on("member", by_pk, methods=(GET,)),
}
ROUTES["cases:move/no_such_move"].why_never_found = "there is no such move, for any case"

# Deliberation: meetings (the meeting concern's pages).
def _resident_of(code):
    """An account with a resident role in the unit ``code`` (0 when there is none)."""
    return User.objects.filter(role_assignments__role=Role.RESIDENT, role_assignments__units__code=code).values_list(
        "pk", flat=True).first() or 0


def _format_pk(code="shuo-qi-shuo-ba"):
    from gongzhi.deliberation.models import MeetingFormat
    return MeetingFormat.objects.get(code=code).pk


MEETING_ACTIONS = {"notice": {}, "open": {}, "close": {}, "move": {"starts_at": "2027-01-07T19:00"},
                   "cancel": {"reason": "矩阵"}, "minutes": {"minutes": "矩阵"}}
ROUTES.update({
    "deliberation:meetings": page(query=lambda o: {"when": "past"}),
    # A unit in the body: another district's unit is no unit.
    "deliberation:meeting_schedule": on("unit", lambda o: {}, methods=(POST,), body=lambda o: {
        "format": _format_pk(), "unit": o.pk, "starts_at": "2027-01-07T19:00", "title": "矩阵"}),
    "deliberation:series_create": on("unit", lambda o: {}, methods=(POST,), body=lambda o: {
        "format": _format_pk(), "unit": o.pk, "starts_on": "2027-01-01", "title": "矩阵"}),
    "deliberation:meeting": on("meeting", by_pk),
    **{f"deliberation:meeting_action/{name}": on("meeting", lambda o, name=name: {"pk": o.pk, "action": name},
                                                 methods=(POST,), body=lambda o, body=body: body)
       for name, body in MEETING_ACTIONS.items()},
    "deliberation:meeting_item_add": on("meeting", by_pk, methods=(POST,), body=lambda o: {"title": "矩阵"}),
    **{f"deliberation:meeting_item_action/{name}": on("agenda_item", lambda o, name=name: {"pk": o.pk, "action": name},
                                                      methods=(POST,), body=lambda o: {"position": "1", "minutes": "矩阵",
                                                                                       "time_box_minutes": "20"})
       for name in ("move", "minutes", "time_box")},
    "deliberation:signin_screen": on("meeting", by_pk, methods=(GET,)),
    "deliberation:signin": on("meeting", by_pk, body=lambda o: {"code": "000000"}),
    # The person signed in on their behalf: a resident of the meeting's own district.
    "deliberation:signin_behalf": on("meeting", by_pk, methods=(POST,), body=lambda o: {"user": getattr(o, "person", 0)}),
    "deliberation:council": on("unit", lambda o: {"code": o.code}, methods=(GET,)),
    "deliberation:council_member_add": on("unit", lambda o: {"code": o.code}, methods=(POST,), body=lambda o: {
        "seat": "representative", "user": _resident_of(o.code), "starts_on": "2026-01-01"}),
    "deliberation:council_member_end": on("council_member", by_pk, methods=(POST,), body=lambda o: {"ends_on": "2026-12-31"}),
})

# Other apps' parts of the matrix: one module per app concern in tests/matrix/ (so that people
# working on different parts never edit the same lines). Each module may define ROUTES (as
# above), build(d) (adds its objects to a district while it is built), objects(d) -> {kind:
# object} and MISSING {kind: object}.
MATRIX_PARTS = [importlib.import_module(f"tests.matrix.{info.name}")
                for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent / "matrix")]), key=lambda i: i.name)]
for _part in MATRIX_PARTS:
    ROUTES.update(getattr(_part, "ROUTES", {}))


def move_body(o):
    return {"note": "矩阵", "version": None, "agency_id": o.agency, "agency_ids": [o.agency], "main_case": o.number}

API = {
    "GET /units": page(methods=(GET,), query=lambda o: {"prefix": "370871", "level": 4}),
    "GET /units/{code}": on("unit", lambda o: {"code": o.code}, methods=(GET,)),
    "GET /estates": page(methods=(GET,), query=lambda o: {"unit": "370872"}),
    "GET /estates/{estate_id}": on("estate", lambda o: {"estate_id": o.pk}, methods=(GET,)),
    # Lists narrowed by an object: another district's lists nothing, like a missing one.
    "GET /buildings#estate_id": on("estate", lambda o: {}, methods=(GET,), query=lambda o: {"estate_id": o.pk}),
    "GET /households#building_id": on("building", lambda o: {}, methods=(GET,), query=lambda o: {"building_id": o.pk}),
    "GET /residents#household_id": on("household", lambda o: {}, methods=(GET,), query=lambda o: {"household_id": o.pk}),
    "GET /party/members#organization_id": on("organization", lambda o: {}, methods=(GET,),
                                             query=lambda o: {"organization_id": o.pk}),
    "GET /cases#unit": on("unit", lambda o: {}, methods=(GET,), query=lambda o: {"unit": o.code}),
    "GET /buildings": page(methods=(GET,)),
    "GET /buildings/{building_id}": on("building", lambda o: {"building_id": o.pk}, methods=(GET,)),
    "GET /households": page(methods=(GET,)),
    "GET /households/{household_id}": on("household", lambda o: {"household_id": o.pk}, methods=(GET,)),
    "GET /residents": page(methods=(GET,), query=lambda o: {"unit": "370872"}),
    "GET /residents/{resident_id}": on("resident", lambda o: {"resident_id": o.pk}, methods=(GET,)),
    "POST /residents/{resident_id}/reveal": on("resident", lambda o: {"resident_id": o.pk}, methods=(POST,),
                                               body=lambda o: {"field": "id_number"}, json_body=True),
    "GET /party/organizations": page(methods=(GET,)),
    "GET /party/organizations/{org_id}": on("organization", lambda o: {"org_id": o.pk}, methods=(GET,)),
    "GET /party/members": page(methods=(GET,)),
    "GET /party/members/{member_id}": on("member", lambda o: {"member_id": o.pk}, methods=(GET,)),
    "GET /agencies": page(methods=(GET,)),
    "GET /agencies/{agency_id}": on("agency", lambda o: {"agency_id": o.pk}, methods=(GET,), scoped=False),
    "GET /categories": page(methods=(GET,)),
    "GET /categories/{code}": on("category", lambda o: {"code": o.code}, methods=(GET,), scoped=False),
    "GET /cases": page(methods=(GET,), query=lambda o: {"unit": "370872", "overdue": "true"}),
    "POST /cases": page(methods=(POST,), json_body=True, body=lambda o: {
        "title": "矩阵", "description": "矩阵", "category_code": "0201", "lat": 35.01, "lng": 116.005}),
    # A building of one's scope places a case; another district's is no building.
    "POST /cases#building_id": on("building", lambda o: {}, methods=(POST,), json_body=True, body=lambda o: {
        "title": "矩阵", "description": "矩阵", "category_code": "0201", "building_id": o.pk}),
    "GET /cases/{number}": on("case", lambda o: {"number": o.number}, methods=(GET,)),
    "POST /cases/{number}/merge#main_case": on("case", lambda o: {"number": o.second_case}, methods=(POST,),
                                               json_body=True, body=lambda o: {"main_case": o.number, "note": "重复"}),
    "GET /ratings": page(methods=(GET,)),
    "GET /rates": page(methods=(GET,), query=lambda o: {"dimension": "agency"}),
    "GET /figures": page(methods=(GET,)),
    # Deliberation: meetings.
    "GET /deliberation/meetings": page(methods=(GET,), query=lambda o: {"unit": "370871", "status": "scheduled"}),
    "GET /deliberation/meetings/{meeting_id}": on("meeting", lambda o: {"meeting_id": o.pk}, methods=(GET,)),
    "POST /deliberation/meetings": on("unit", lambda o: {}, methods=(POST,), json_body=True, body=lambda o: {
        "format_code": "shuo-qi-shuo-ba", "unit_code": o.code, "starts_at": "2027-01-07T19:00:00+08:00"}),
    **{f"POST /deliberation/meetings/{{meeting_id}}/{name}": on("meeting", lambda o: {"meeting_id": o.pk}, methods=(POST,),
                                                               json_body=True, body=lambda o, body=body: body)
       for name, body in {"move": {"starts_at": "2027-01-08T19:00:00+08:00"}, "cancel": {"reason": "矩阵"}, "open": {},
                          "close": {}, "notice": {}, "minutes": {"text": "矩阵"}, "items": {"title": "矩阵"}}.items()},
    "POST /deliberation/meetings/{meeting_id}/signin": on("meeting", lambda o: {"meeting_id": o.pk}, methods=(POST,),
                                                          json_body=True, body=lambda o: {"code": "000000"}),
    "POST /deliberation/meetings/{meeting_id}/signin#user_id": on(
        "meeting", lambda o: {"meeting_id": o.pk}, methods=(POST,), json_body=True,
        body=lambda o: {"user_id": getattr(o, "person", 999999)}),
    "GET /deliberation/meetings/{meeting_id}/items": on("meeting", lambda o: {"meeting_id": o.pk}, methods=(GET,)),
    "POST /deliberation/items/{item_id}/move": on("agenda_item", lambda o: {"item_id": o.pk}, methods=(POST,),
                                                 json_body=True, body=lambda o: {"position": 1}),
    "POST /deliberation/items/{item_id}/minutes": on("agenda_item", lambda o: {"item_id": o.pk}, methods=(POST,),
                                                    json_body=True, body=lambda o: {"text": "矩阵"}),
    "GET /deliberation/series": page(methods=(GET,)),
    "POST /deliberation/series": on("unit", lambda o: {}, methods=(POST,), json_body=True, body=lambda o: {
        "format_code": "shuo-qi-shuo-ba", "unit_code": o.code, "starts_on": "2027-01-01", "title": "矩阵"}),
    "GET /deliberation/proposals": page(methods=(GET,), query=lambda o: {"status": "open"}),
    "GET /deliberation/proposals#unit": on("unit", lambda o: {}, methods=(GET,), query=lambda o: {"unit": o.code}),
    # Similar proposals of a unit one may propose for; another is a 404 like a missing one.
    "GET /deliberation/proposals/similar": on("unit", lambda o: {}, methods=(GET,),
                                              query=lambda o: {"unit": o.code, "text": "矩阵的议题"}),
    "GET /deliberation/proposals/{proposal_id}": on("proposal", lambda o: {"proposal_id": o.pk}, methods=(GET,)),
    "POST /deliberation/proposals": page(methods=(POST,), json_body=True,
                                         body=lambda o: {"unit_code": "370871", "title": "矩阵", "body": "矩阵"}),
    "POST /deliberation/proposals#unit_code": on("unit", lambda o: {}, methods=(POST,), json_body=True,
                                                 body=lambda o: {"unit_code": o.code, "title": "矩阵", "body": "矩阵"}),
    # Deliberation: votes per agenda item, decisions.
    "GET /deliberation/items/{item_id}/vote": on("vote_item", lambda o: {"item_id": o.pk}, methods=(GET,)),
    "POST /deliberation/items/{item_id}/vote": on("vote_item", lambda o: {"item_id": o.pk}, methods=(POST,), json_body=True,
                                                  body=lambda o: {"choice": "for"}),
    "POST /deliberation/items/{item_id}/vote/on-behalf": on("vote_item", lambda o: {"item_id": o.pk}, methods=(POST,),
                                                            json_body=True, body=lambda o: {"voter_id": o.voter, "choice": "for"}),
    "POST /deliberation/items/{item_id}/vote/open": on("vote_item", lambda o: {"item_id": o.pk}, methods=(POST,), json_body=True,
                                                       body=lambda o: {}),
    "POST /deliberation/items/{item_id}/vote/close": on("vote_item", lambda o: {"item_id": o.pk}, methods=(POST,), json_body=True,
                                                        body=lambda o: {}),
    "GET /deliberation/items/{item_id}/tally": on("vote_item", lambda o: {"item_id": o.pk}, methods=(GET,)),
    "GET /deliberation/decisions": page(methods=(GET,), query=lambda o: {"unit": "370871", "overdue": "true"}),
    "GET /deliberation/decisions/{decision_id}": on("decision", lambda o: {"decision_id": o.pk}, methods=(GET,)),
    "POST /deliberation/decisions": page(methods=(POST,), json_body=True, body=lambda o: {
        "meeting_id": 999999, "what": "矩阵", "owner_kind": "volunteer_team", "owner_name": "矩阵队", "due_on": "2099-01-01"}),
    # A meeting one cannot see takes no decision: the same answer as a missing one.
    "POST /deliberation/decisions#meeting_id": on("vote_meeting", lambda o: {}, methods=(POST,), json_body=True, body=lambda o: {
        "meeting_id": o.pk, "what": "矩阵", "owner_kind": "volunteer_team", "owner_name": "矩阵队", "due_on": "2099-01-01"}),
    "POST /deliberation/decisions/{decision_id}/progress": on("decision", lambda o: {"decision_id": o.pk}, methods=(POST,),
                                                             json_body=True, body=lambda o: {"percent": 10, "note": "矩阵"}),
    "POST /deliberation/decisions/{decision_id}/verify": on("decision", lambda o: {"decision_id": o.pk}, methods=(POST,),
                                                           json_body=True, body=lambda o: {}),
    "POST /deliberation/decisions/{decision_id}/case": on("decision", lambda o: {"decision_id": o.pk}, methods=(POST,),
                                                         json_body=True, body=lambda o: {"category_code": "0201"}),
    # Party organizational life (三会一课): deliberation/api/party_life.py.
    "GET /deliberation/party/meetings": page(methods=(GET,)),
    "GET /deliberation/party/meetings/{meeting_id}": on("party_meeting", lambda o: {"meeting_id": o.pk}, methods=(GET,)),
    "POST /deliberation/party/meetings/{meeting_id}/attendance": on(
        "party_meeting", lambda o: {"meeting_id": o.pk}, methods=(POST,), json_body=True,
        body=lambda o: {"member_id": o.member, "present": False, "absence_reason": "矩阵"}),
    "GET /deliberation/party/behind": page(methods=(GET,)),
    "GET /deliberation/party/members/{member_id}/study-hours": on("member", lambda o: {"member_id": o.pk}, methods=(GET,)),
}
# Families of operations called alike, for those without an entry of their own above.
API_FAMILIES = [
    # One POST per workflow move, each taking the case by number.
    (r"POST /cases/\{number\}/\w+", on("case", lambda o: {"number": o.number}, methods=(POST,), json_body=True, body=move_body)),
    # A proposal's support, unsupport, follow, unfollow and answer, each by the proposal's id.
    (r"POST /deliberation/proposals/\{proposal_id\}/\w+", on("proposal", lambda o: {"proposal_id": o.pk}, methods=(POST,),
                                                             json_body=True, body=lambda o: {"outcome": "answered", "reason": "矩阵"})),
]

# Other apps' parts (tests/matrix/) may add API operations (API, API_FAMILIES, keyed like the
# entries above) and back-office models (ADMIN_OBJECTS, below).
for _part in MATRIX_PARTS:
    API.update(getattr(_part, "API", {}))
    API_FAMILIES.extend(getattr(_part, "API_FAMILIES", []))

# The object each back-office model's pages are called with.
ADMIN_OBJECTS = {
    "territory.Unit": "unit",
    "territory.Estate": "estate",
    "territory.Building": "building",
    "territory.Household": "household",
    "territory.Resident": "resident",
    "territory.PersonalDataView": "personal_data_view",
    "party.PartyOrganization": "organization",
    "party.PartyMember": "member",
    "party.DualReport": "dual_report",
    "party.InstructorAssignment": "instructor_assignment",
    "party.OrganizationActivity": "activity",
    "party.PioneerPost": "pioneer_post",
    "people.User": "user",
    "people.RoleAssignment": "role_assignment",
    "people.Agency": "agency",
    "cases.Category": "category",
    "cases.CaseContactView": "contact_view",
    "cases.CategoryTimeLimit": "time_limit",
    "deliberation.MeetingFormat": "meeting_format",
    "deliberation.PartyCadence": "party_cadence",
    "deliberation.MeetingSeries": "series",
    "deliberation.Council": "council",
    "deliberation.Meeting": "meeting",
}
# Objects every signed-in user (or every back-office user) may read, whatever their district.
OPEN_KINDS = {"agency": "the agency directory is open, for dispatch (decision 18)",
              "category": "the category tree is shared by every district",
              "meeting_format": "meeting formats are reference data, open to the back office",
              "party_cadence": "三会一课 cadences are reference data, open to the back office"}
# The parts' back-office models (tests/matrix/: ADMIN_OBJECTS {label: kind}).
for _part in MATRIX_PARTS:
    ADMIN_OBJECTS.update(getattr(_part, "ADMIN_OBJECTS", {}))
ADMIN_MODEL_VIEWS = ("changelist", "add", "history", "delete", "change")


# --- discovery ----------------------------------------------------------------------------------

def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        else:
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


def url_conf():
    """(route, name) of every URL pattern the project answers."""
    return list(_walk(get_resolver().url_patterns))


def openapi_operations(routes):
    """("METHOD /path", api prefix) for every operation of every OpenAPI spec in the URL conf."""
    found = []
    for route, name in routes:
        if name and name.endswith(":openapi-json"):
            url = "/" + route
            match = resolve(url)
            spec = json.loads(match.func(RequestFactory().get(url), *match.args, **match.kwargs).content)
            prefix = url.rsplit("/", 1)[0]
            for path, operations in spec["paths"].items():
                for method in operations:
                    found.append((f"{method.upper()} {path.removeprefix(prefix)}", prefix))
    return found


def admin_pages():
    """(key, model label, view, object kind) for every model page of the back office's registry."""
    pages = []
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for view in ADMIN_MODEL_VIEWS:
            pages.append((f"{info}_{view}", model._meta.label, view))
        # The object's bare address, which redirects to its change page.
        pages.append((f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/", model._meta.label, "object"))
    return pages


@dataclass
class Endpoint:
    key: str
    source: str  # "url", "openapi" or "admin"
    make_url: Callable
    spec: Spec | None
    problem: str = ""


def _admin_spec(label, view):
    kind = ADMIN_OBJECTS.get(label)
    if kind is None:
        return None
    if view in ("changelist", "add"):
        return page(methods=(GET,))  # a POST without an action or a form is the same page again
    if view == "delete":
        spec = on(kind, lambda o: {"object_id": o.pk}, body=lambda o: {"post": "yes"})
        if not admin.site._registry[apps.get_model(label)].has_delete_permission(_ROOT_REQUEST):
            spec.why_never_found = "nobody may delete these, so every delete is refused alike"
        return spec
    if view == "change":
        return on(kind, lambda o: {"object_id": o.pk}, body=lambda o: {})
    if view == "object":
        return on(kind, lambda o: {"object_id": o.pk}, methods=(GET,),
                  why_never_found="it sends any address on to the change page without looking the object up")
    return on(kind, lambda o: {"object_id": o.pk}, methods=(GET,))


class _Root:
    """Enough of a superuser to ask an admin what it ever allows, without a database: every
    question about the account's rights (has_role, holds, may_…) answers yes."""

    is_superuser = is_authenticated = is_active = True
    pk = 0

    def __getattr__(self, name):
        return lambda *args, **kwargs: True


_ROOT_REQUEST = SimpleNamespace(user=_Root())


def _route_url(route, name):
    if name:
        return lambda kwargs: reverse(name, kwargs=kwargs)
    # Unnamed patterns: fill the path converters in by hand.
    if "(?P<url>" in route:
        return lambda kwargs: "/" + route.split("(?P<url>")[0] + kwargs["url"]
    return lambda kwargs: "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)


def discover():
    routes = url_conf()
    api = openapi_operations(routes)
    api_prefixes = {prefix for _key, prefix in api}
    api_paths = {key.split(" ", 1)[1] for key, _prefix in api}
    model_pages = admin_pages()
    admin_keys = {key for key, _label, _view in model_pages}
    endpoints = []
    for route, name in routes:
        path = "/" + route
        api_prefix = next((p for p in api_prefixes if path.startswith(p + "/")), None)
        if api_prefix and name not in ("api-v1:openapi-json", "api-v1:api-root"):
            # Answered through the OpenAPI section below; it must be in the spec.
            if re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path.removeprefix(api_prefix)) not in api_paths:
                endpoints.append(Endpoint(route, "url", None, None, problem=f"{path} is not in the OpenAPI spec"))
            continue
        if (name or route) in admin_keys:
            continue  # a model page of the back office: from the registry below
        keys = [k for k in ROUTES if k == (name or route) or k.startswith(f"{name or route}#")
                or k.startswith(f"{name or route}/")]
        if not keys:
            endpoints.append(Endpoint(name or route, "url", None, None, problem="no entry in ROUTES"))
        for key in keys:
            endpoints.append(Endpoint(key, "url", _route_url(route, name), ROUTES[key]))
    for key, prefix in api:
        method, path = key.split(" ", 1)
        make_url = (lambda kw, p=prefix + path: re.sub(r"{(\w+)}", lambda m: str(kw[m.group(1)]), p))
        # Its own entry or its family's, and any variants ("key#what") with another object in the body.
        spec = API.get(key) or next((spec for pattern, spec in API_FAMILIES if re.fullmatch(pattern, key)), None)
        if spec is None:
            endpoints.append(Endpoint(key, "openapi", None, None, problem="no entry in API"))
        else:
            endpoints.append(Endpoint(key, "openapi", make_url, spec))
        endpoints.extend(Endpoint(k, "openapi", make_url, API[k]) for k in API if k.startswith(key + "#"))
    named = {name or route: route for route, name in routes}
    for key, label, view in model_pages:
        spec = _admin_spec(label, view)
        if key not in named:
            endpoints.append(Endpoint(key, "admin", None, None, problem="registered but not in the URL conf"))
        elif spec is None:
            endpoints.append(Endpoint(key, "admin", None, None, problem=f"no entry for {label} in ADMIN_OBJECTS"))
        else:
            route = named[key]
            endpoints.append(Endpoint(key, "admin", _route_url(route, None if key.startswith("admin/") else key), spec))
    return endpoints


ENDPOINTS = discover()


def test_every_endpoint_discovered_is_covered_and_every_entry_is_used():
    uncovered = [f"{e.key}: {e.problem}" for e in ENDPOINTS if e.problem]
    assert not uncovered, "endpoints without a way to call them here:\n" + "\n".join(uncovered)
    used = {e.key for e in ENDPOINTS}
    stale = [k for k in [*ROUTES, *API] if k not in used]
    assert not stale, f"entries for endpoints that no longer exist: {stale}"
    assert len(ENDPOINTS) > 150  # the discovery itself found the project


# --- the world: district A, and district B as a second tree -------------------------------------

ROLE_UNITS = {  # where each role's account sits in district A (default: the grid)
    Role.DISTRICT_ADMIN: "district", Role.STREET_ADMIN: "street", Role.COMMUNITY_SECRETARY: "community",
    Role.LEGAL_OFFICER: "community", Role.INSTRUCTOR: "community", Role.ENTERPRISE_LIAISON: "street",
    Role.PARK_STAFF: "district", Role.MACHINE_CLIENT: "district",
}


def square(west, south, size):
    return {"type": "Polygon", "coordinates": [[[west, south], [west + size, south], [west + size, south + size],
                                                [west, south + size], [west, south]]]}


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def account(username, role=None, units=(), **extra):
    user = User.objects.create_user(username=username, password=None, display_name=username)  # no hashing: fast
    if role:
        RoleAssignment.objects.create(user=user, role=role, **extra).units.set(units)
    return user


def build_district(key, code, west):
    d = SimpleNamespace()
    d.district = territory.create_unit(name=f"{key}区", level=Level.DISTRICT, code=code)
    d.street = territory.create_unit(name=f"{key}街道", level=Level.STREET, parent=d.district)
    d.community = territory.create_unit(name=f"{key}社区", level=Level.COMMUNITY, parent=d.street)
    d.grid = territory.create_unit(name=f"{key}网格", level=Level.GRID, parent=d.community, boundary=square(west, 35.0, 0.02))
    d.micro = territory.create_unit(name=f"{key}1", level=Level.MICRO_GRID, parent=d.grid, boundary=square(west, 35.0, 0.02))
    d.estate = Estate.objects.create(name=f"{key}小区", grid=d.grid)
    d.building = Building.objects.create(estate=d.estate, number="1号楼", micro_grid=d.micro)
    d.household = Household.objects.create(building=d.building, room="1-101")
    first17 = f"{code}19800101{ord(key) % 1000:03d}"
    d.resident = territory.create_resident(household=d.household, name=f"{key}居民", gender="",
                                           id_number=first17 + id_check_char(first17), phone="13812345678")
    d.agency = Agency.objects.create(name=f"{key}住建局", kind=AgencyKind.DEPARTMENT, district=d.district)
    d.branch = PartyOrganization.objects.create(name=f"{key}网格党支部", kind=OrganizationKind.BRANCH, unit=d.grid)
    d.worker = account(f"{key}-grid-worker", Role.GRID_WORKER, [d.grid])
    d.secretary = account(f"{key}-secretary", Role.COMMUNITY_SECRETARY, [d.community])
    d.instructor = account(f"{key}-instructor", Role.INSTRUCTOR, [d.community])
    d.reporter = account(f"{key}-reporter", Role.RESIDENT, [d.grid])
    d.member = PartyMember.objects.create(name=f"{key}党员", gender="F", phone="13655556666", organization=d.branch,
                                          employment="in_service", work_unit="某公司")
    d.dual_report = DualReport.objects.create(member=d.member, community=d.community, grid=d.grid,
                                              registered_on=datetime.date(2026, 1, 5))
    d.instructor_assignment = InstructorAssignment.objects.create(instructor=d.instructor, branch=d.branch,
                                                                  since=datetime.date(2026, 1, 5))
    d.activity = OrganizationActivity.objects.create(organization=d.branch, kind="party_lesson", title="党课",
                                                     held_on=datetime.date(2026, 3, 2))
    d.pioneer_post = PioneerPost.objects.create(organization=d.branch, name="先锋岗", holder=d.member)
    d.party_meeting = _held_party_meeting(d.branch)
    d.personal_data_view = PersonalDataView.objects.create(user=d.secretary, resident=d.resident, field="phone")
    d.case = case_services.create_case(title=f"{key}的问题", description="路灯不亮", category=Category.objects.get(code="0201"),
                                       channel=Channel.RESIDENT, reporter=d.reporter, building=d.building, photos=[jpeg()])
    d.photo = d.case.photos.get()
    d.contact_view = CaseContactView.objects.create(user=d.secretary, case=d.case)
    d.time_limit = CategoryTimeLimit.objects.create(district=d.district, category=d.case.category, response_hours=12, resolve_hours=72)
    d.proposal = proposal_services.propose(unit=d.grid, author=d.reporter, title=f"{key}的议题", body="健身器材坏了",
                                           photos=[jpeg()])
    d.proposal_photo = d.proposal.photos.get()
    d.second_case = case_services.create_case(title=f"{key}的另一个问题", description="路灯不亮", category=d.case.category,
                                              channel=Channel.RESIDENT, reporter=d.reporter, building=d.building)
    # Deliberation: a meeting of the grid with one agenda item, a series, the grid's council.
    from gongzhi.deliberation.models import AgendaItem, Council, CouncilMember, Meeting, MeetingFormat, MeetingSeries
    talk = MeetingFormat.objects.get(code="shuo-qi-shuo-ba")
    starts = timezone.now() + datetime.timedelta(days=3)
    d.meeting = Meeting.objects.create(format=talk, unit=d.grid, title=f"{key}说七说八", starts_at=starts,
                                       ends_at=starts + datetime.timedelta(minutes=90))
    d.agenda_item = AgendaItem.objects.create(meeting=d.meeting, position=1, title="健身器材")
    d.series = MeetingSeries.objects.create(format=talk, unit=d.grid, title=f"{key}说七说八", starts_on=datetime.date(2026, 1, 1),
                                            recurrence="FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19;BYMINUTE=0")
    d.council = Council.objects.create(unit=d.grid, name=f"{key}网格协商议事会")
    d.council_member = CouncilMember.objects.create(council=d.council, seat="grid_worker", user=d.worker,
                                                    starts_on=datetime.date(2026, 1, 1))
    build_deliberation(d)
    for part in MATRIX_PARTS:
        if hasattr(part, "build"):
            part.build(d)
    return d


def build_deliberation(d):
    """An OPEN deliberation meeting of the grid with one item, a signed-in resident, and a
    decision with one progress photo (votes and decisions: services.votes, services.decisions)."""
    from gongzhi.deliberation.models import AgendaItem, Attendance, Meeting, MeetingFormat, MeetingStatus, OwnerKind, Voters
    from gongzhi.deliberation.services import decisions as decision_rules

    fmt, _created = MeetingFormat.objects.get_or_create(code="matrix-deliberation", defaults={
        "name": "矩阵议事", "voters": Voters.ATTENDEES})
    start = timezone.now() - datetime.timedelta(minutes=30)
    d.vote_meeting = Meeting.objects.create(format=fmt, unit=d.grid, title="矩阵议事会", starts_at=start,
                                            ends_at=start + datetime.timedelta(hours=3), status=MeetingStatus.OPEN)
    d.vote_item = AgendaItem.objects.create(meeting=d.vote_meeting, position=1, title="矩阵议题")
    Attendance.objects.create(meeting=d.vote_meeting, user=d.reporter, present=True)
    d.decision = decision_rules.record_decision(meeting=d.vote_meeting, item=d.vote_item, what="矩阵决定",
                                                owner_kind=OwnerKind.VOLUNTEER_TEAM, owner_name="矩阵队",
                                                due_on=timezone.localdate() + datetime.timedelta(days=7), by=d.worker)
    decision_rules.report_progress(d.decision, percent=20, note="矩阵", by=d.worker, photos=[jpeg()])
    d.decision_photo = d.decision.updates.get().photos.get()
def _held_party_meeting(branch):
    from gongzhi.deliberation.models import Meeting, MeetingFormat, MeetingStatus

    starts = timezone.make_aware(datetime.datetime(2026, 3, 10, 9))
    return Meeting.objects.create(format=MeetingFormat.objects.get(code="dangyuan-dahui"), unit=branch.unit,
                                  organization=branch, title="党员大会", starts_at=starts,
                                  ends_at=starts + datetime.timedelta(hours=2), status=MeetingStatus.HELD)


@dataclass
class Identity:
    name: str
    user: User | None
    home: str  # "A" or "B": the district whose objects are in its scope
    token: str = ""
    api_key: bool = False  # sends its token as Open311's api_key
    client: Client = None
    cookies: dict = None
    notification: object = None
    api_token: object = None
    enters_back_office: bool = False


def build_world():
    # A transactional test before this module may have flushed the tables; on PostgreSQL the
    # content types then come back with new ids, and the cached ones would point at nothing.
    ContentType.objects.clear_cache()
    install(Category)  # the default tree (a transactional test elsewhere may have flushed it)
    # The default meeting formats, for the same reason (a data migration loads them).
    import importlib
    from django.apps import apps as global_apps
    importlib.import_module("gongzhi.deliberation.migrations.0002_default_formats").load(global_apps, None)
    a, b = build_district("A", "370871", 116.00), build_district("B", "370872", 117.00)
    identities = []
    units = {"district": a.district, "street": a.street, "community": a.community, "grid": a.grid}
    for role in Role:
        extra = {}
        if role == Role.PROFESSIONAL_GRID_WORKER:
            extra["agency"] = a.agency
        if role == Role.LEGAL_OFFICER:
            extra["legal_kind"] = LegalKind.POLICE
        user = account(f"role-{role.value}", role, [units[ROLE_UNITS.get(role, "grid")]], **extra)
        identities.append(Identity(role.value, user, "A", api_key=role == Role.MACHINE_CLIENT))
    identities.append(Identity("other_district", account("B-district-admin", Role.DISTRICT_ADMIN, [b.district]), "B"))
    identities.append(Identity("anonymous", None, "A"))
    superuser = User.objects.create_superuser(username="root", password=None, email="")
    identities.append(Identity("superuser", superuser, "A"))
    # The A resident's account reported A's case; the A instructor instructs A's branch.
    for identity in identities:
        identity.client = Client()
        if identity.user is None:
            identity.cookies = {}
            continue
        identity.api_token, identity.token = create_token(identity.user, name="matrix")
        case = a.case if identity.home == "A" else b.case
        identity.notification = Notice.objects.create(user=identity.user, target=case, event="cases.register", event_key="matrix",
                                                      params={"number": case.number, "title": case.title})
        identity.client.force_login(identity.user)
        identity.cookies = {name: morsel.value for name, morsel in identity.client.cookies.items()}
        identity.enters_back_office = admin.site.has_permission(SimpleNamespace(user=identity.user))
    # As if every token had just been used: each request's savepoint would roll the touch back,
    # and the API would then write last_used_at again on every one of its requests.
    ApiToken.objects.update(last_used_at=timezone.now() + datetime.timedelta(days=1))
    objects = {}
    from gongzhi.deliberation.models import MeetingFormat, PartyCadence
    for key, d in (("A", a), ("B", b)):
        resident_type = ContentType.objects.get_for_model(Resident).pk
        objects[key] = {
            "unit": SimpleNamespace(code=d.grid.code, pk=d.grid.pk),
            "estate": d.estate, "building": d.building, "household": d.household,
            "resident": SimpleNamespace(pk=d.resident.pk, content_type_id=resident_type),
            "personal_data_view": d.personal_data_view, "organization": d.branch, "member": d.member,
            "dual_report": d.dual_report, "instructor_assignment": d.instructor_assignment, "activity": d.activity,
            "pioneer_post": d.pioneer_post, "user": d.worker, "role_assignment": d.worker.role_assignments.get(),
            "agency": d.agency,
            "category": SimpleNamespace(pk=Category.objects.get(code="0201").pk, code="0201"),
            "case": SimpleNamespace(number=d.case.number, second=d.second_case.number),
            "photo": SimpleNamespace(number=d.case.number, token=d.photo.token),
            "contact_view": d.contact_view, "time_limit": d.time_limit,
            "meeting": SimpleNamespace(pk=d.meeting.pk, person=d.reporter.pk), "agenda_item": d.agenda_item,
            "series": d.series, "council": d.council, "council_member": d.council_member,
            "meeting_format": MeetingFormat.objects.get(code="shuo-qi-shuo-ba" if key == "A" else "louzhang-yehua"),
            "party_cadence": PartyCadence.objects.order_by("pk")[0 if key == "A" else 1],
            "proposal": SimpleNamespace(pk=d.proposal.pk),
            "proposal_photo": SimpleNamespace(pk=d.proposal.pk, token=d.proposal_photo.token),
            "vote_meeting": SimpleNamespace(pk=d.vote_meeting.pk, item=d.vote_item.pk),
            "vote_item": SimpleNamespace(pk=d.vote_item.pk, voter=d.reporter.pk),
            "decision": SimpleNamespace(pk=d.decision.pk),
            "decision_photo": SimpleNamespace(pk=d.decision.pk, token=d.decision_photo.token),
            "party_meeting": SimpleNamespace(pk=d.party_meeting.pk, member=d.member.pk),
        }
        for part in MATRIX_PARTS:
            if hasattr(part, "objects"):
                objects[key].update(part.objects(d))
    return SimpleNamespace(a=a, b=b, identities=identities, objects=objects)


MISSING = {
    "unit": SimpleNamespace(code="370899999999999", pk=999999),
    "resident": SimpleNamespace(pk=999999, content_type_id=None),
    "category": SimpleNamespace(pk=999999, code="9999"),
    "photo": SimpleNamespace(number="2099-999999", token="0" * 32),
    "proposal_photo": SimpleNamespace(pk=999999, token="0" * 32),
    "vote_meeting": SimpleNamespace(pk=999999, item=999999),
    "vote_item": SimpleNamespace(pk=999999, voter=999999),
    "decision_photo": SimpleNamespace(pk=999999, token="0" * 32),
    "party_meeting": SimpleNamespace(pk=999999, member=999999),
}
for _part in MATRIX_PARTS:
    MISSING.update(getattr(_part, "MISSING", {}))


def objects_for(world, identity, kind):
    """(in scope, out of scope, missing) for ``identity``: its district's, the other's, none."""
    home, away = identity.home, "B" if identity.home == "A" else "A"
    if kind == "notification":  # one's own notice, another person's, none
        other = next(i for i in world.identities if i.user and i.home != identity.home)
        mine = identity.notification or other.notification
        return mine, other.notification, SimpleNamespace(pk=999999)
    if kind == "token":
        other = next(i for i in world.identities if i.user and i.home != identity.home)
        mine = identity.api_token or other.api_token
        return mine, other.api_token, SimpleNamespace(pk=999999)
    inside, outside = world.objects[home][kind], world.objects[away][kind]
    missing = MISSING.get(kind) or SimpleNamespace(pk=999999, code="370899999999999", number="2099-999999")
    if kind == "resident":
        missing = SimpleNamespace(pk=999999, content_type_id=inside.content_type_id)
    if kind == "case":
        # second_case: another case of the asker's district, for a move whose body names a
        # case; agency: an agency of the asker's district, for the moves that name one.
        second, agency = world.objects[home]["case"].second, world.objects[home]["agency"].pk
        inside, outside, missing = (SimpleNamespace(number=o.number, second_case=second, agency=agency)
                                    for o in (inside, outside, SimpleNamespace(number="2099-999999")))
    return inside, outside, missing


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    fast = {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Sessions in signed cookies: one query less on each of ten thousand requests; who is
        # signed in, and what they may see, does not depend on where the session is kept.
        "SESSION_ENGINE": "django.contrib.sessions.backends.signed_cookies",
    }
    # Thousands of expected 403/404 answers: Django's warning for each is noise (and time).
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, **fast):
            with transaction.atomic():
                built = build_world()
                yield built
                transaction.set_rollback(True)
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


# --- calling and comparing ----------------------------------------------------------------------

def call(identity, endpoint, method, obj):
    spec = endpoint.spec
    url = endpoint.make_url(spec.fill(obj))
    query = spec.query(obj)
    headers = {}
    if identity.token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {identity.token}"
    if endpoint.source == "url" and endpoint.key.startswith("open311"):
        headers.pop("HTTP_AUTHORIZATION", None)
        if identity.api_key:
            query = {**query, "api_key": identity.token}
    client = identity.client
    client.cookies = SimpleCookie(identity.cookies)  # a logout or a language switch must not stick
    cache.clear()  # rate limits count per test, not across the matrix
    body = spec.body(obj) if spec.body else {}
    with transaction.atomic():
        try:
            if method == GET:
                response = client.get(url, query, **headers)
            elif spec.json_body:
                response = client.post(url + _query_string(query), json.dumps(body), content_type="application/json", **headers)
            else:
                # Open311 reads a POST's api_key from the form, so the query goes in there too.
                response = client.post(url + _query_string(query), {**query, **body}, **headers)
        except Exception as error:  # the test client re-raises what the view raised: a 500
            response = SimpleNamespace(status_code=500, error=f"{type(error).__name__}: {error}")
        transaction.set_rollback(True)
    return url, response


def _query_string(query):
    return ("?" + urlencode(query)) if query else ""


def signature(response, url, obj):
    """What a visitor can tell from an answer: status, error code, where a redirect goes."""
    status = response.status_code
    if status >= 500:
        return (status, getattr(response, "error", ""))
    content_type = response.get("Content-Type", "") if hasattr(response, "get") else ""
    detail = ""
    if 300 <= status < 400:
        # Where it goes, with the object's own values (and the address asked) taken out.
        detail = unquote(response.get("Location", "")).replace(unquote(url), "<here>")
        values = {str(v) for v in vars(obj).values() if isinstance(v, (str, int)) and len(str(v)) > 1}
        for value in sorted(values, key=len, reverse=True):
            detail = detail.replace(value, "<obj>")
        detail = re.sub(r"/\d+/", "/<id>/", detail)
    elif "json" in content_type:
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
        if isinstance(data, dict) and "error" in data:
            detail = ("error", data["error"].get("code"))
        elif isinstance(data, dict) and isinstance(data.get("items"), list):
            detail = ("items", len(data["items"]))  # a list tells how much it found
        elif isinstance(data, list) and data and isinstance(data[0], dict) and "description" in data[0] and status >= 400:
            detail = ("open311-error", data[0].get("code"))
        else:
            detail = "json"
    elif "xml" in content_type and status >= 400:
        detail = ("open311-error", re.findall(rb"<code>(\d+)</code>", response.content))
    return (status, detail, notices(response, obj))


def notices(response, obj):
    """The messages a page queued for its visitor ("No case numbered … in your scope"), values taken out."""
    request = getattr(response, "wsgi_request", None)
    if request is None or not hasattr(request, "_messages"):
        return ()
    values = sorted({str(v) for v in vars(obj).values() if isinstance(v, (str, int)) and len(str(v)) > 1}, key=len, reverse=True)
    found = []
    for message in get_messages(request):
        text = str(message)
        for value in values:
            text = text.replace(value, "<obj>")
        found.append((message.level, text))
    return tuple(found)


def _scoped(spec, identity):
    if spec.kind in OPEN_KINDS:
        return False
    return spec.scoped(identity) if callable(spec.scoped) else spec.scoped


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if not e.problem], ids=lambda e: e.key)
def test_out_of_scope_answers_exactly_like_missing(world, endpoint):
    spec = endpoint.spec
    failures, seen = [], False
    for identity in world.identities[-1:] if spec.same_for_everyone else world.identities:
        for method in spec.methods:
            if spec.kind is None:
                url, response = call(identity, endpoint, method, SimpleNamespace())
                if response.status_code >= 500:
                    failures.append(f"{identity.name} {method} {url}: {signature(response, url, SimpleNamespace())}")
                continue
            inside, outside, missing = objects_for(world, identity, spec.kind)
            answers = {}
            asked = (("in", inside), ("out", outside), ("missing", missing))
            if spec.why_never_found or (endpoint.source == "admin" and not identity.enters_back_office):
                # The object is never looked up (or the back office turns this identity away at
                # its door, before any of its views runs): out and missing still must agree.
                asked, answers["in"] = asked[1:], (None, None)
            for which, obj in asked:
                url, response = call(identity, endpoint, method, obj)
                answers[which] = (url, signature(response, url, obj))
                if response.status_code >= 500:
                    failures.append(f"{identity.name} {method} {url} ({which}): {answers[which][1]}")
            if answers["in"][1] != answers["missing"][1]:
                seen = True
            if identity.name != "superuser" and _scoped(spec, identity) and answers["out"][1] != answers["missing"][1]:
                failures.append(f"{identity.name} {method}: out of scope {answers['out']} but missing {answers['missing']}")
    if spec.kind is not None and not seen and not spec.why_never_found:
        failures.append("no identity sees the in-scope object differently from a missing one: the test would prove nothing")
    assert not failures, f"{endpoint.key}:\n" + "\n".join(failures)


def test_the_superuser_sees_both_districts(world):
    """The sanity row: the objects exist where the matrix looks for them."""
    root = next(i for i in world.identities if i.name == "superuser")
    detail = next(e for e in ENDPOINTS if e.key == "GET /cases/{number}")
    for district in ("A", "B"):
        _url, response = call(root, detail, GET, world.objects[district]["case"])
        assert response.status_code == 200


def test_the_public_open311_view_answers_an_old_case_like_a_missing_one(world):
    old = world.a.case
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=365))
    anonymous = next(i for i in world.identities if i.name == "anonymous")
    endpoint = next(e for e in ENDPOINTS if e.key == "open311-request")
    try:
        url, response = call(anonymous, endpoint, GET, SimpleNamespace(number=old.number))
        missing_url, missing = call(anonymous, endpoint, GET, SimpleNamespace(number="2099-999999"))
    finally:
        Case.objects.filter(pk=old.pk).update(created_at=old.created_at)
    assert signature(response, url, SimpleNamespace()) == signature(missing, missing_url, SimpleNamespace())
