"""The JSON API at /api/v1/ (django-ninja; docs at /api/docs).

Thin on purpose: every read goes through the models' ``visible_to(user)``,
every write through the apps' services and ``cases.workflow.perform``, the
same functions the pages call. Out-of-scope objects answer 404 like missing
ones, and every 4xx has one shape: {"error": {"code", "message", "fields"}}.

What comes in is checked before any code runs: the middleware (api.middleware)
refuses a NUL in the path or the query (400) and a body over
DATA_UPLOAD_MAX_MEMORY_SIZE (413); the parser below takes only JSON (415
otherwise) without NUL or broken Unicode in any string; the schemas bound every
field (api.schemas); the services check text once more (core.text).
"""
import json

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.parser import Parser
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from gongzhi.core import plugins
from gongzhi.core.errors import Conflict, DomainError, NotFound
from gongzhi.core.text import refuse_unstorable

from .services import user_for_token


class GongzhiNinjaAPI(NinjaAPI):
    def get_operation_id(self, operation):
        # The function's own name (list_cases, case_dispatch): stable when code moves between modules.
        return operation.view_func.__name__


class TokenAuth(HttpBearer):
    def __call__(self, request):
        # Unlike the parent class, never log the header: it carries the token.
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class CsrfFailed(HttpError):
    code = "csrf_failed"

    def __init__(self):
        super().__init__(403, _("The CSRF check failed: a signed-in browser must send its CSRF token "
                                "(the X-CSRFToken header)."))


class SessionAuth(NinjaSessionAuth):
    """The browser's session. CSRF is checked only when there is a signed-in session:
    a request with neither a session nor a token has nothing a forged request could
    borrow, and is answered 401 like any request without credentials."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return request.COOKIES.get(self.param_name)


class BodyRefused(Exception):
    """The parser's refusal; django-ninja re-raises parser errors as a plain 400, ``from`` this."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")  # Python's json would take NaN and Infinity


def _refuse_unstorable_strings(data):
    """Refuse a NUL or a lone surrogate in any string of the body (keys too), naming where it is."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            refuse_unstorable(value, field=path or "body")
        elif isinstance(value, dict):
            for key, item in value.items():
                # A bad key is reported at its parent: the key itself cannot be written back in an answer.
                refuse_unstorable(key, field=path or "body")
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))


class JsonParser(Parser):
    """Bodies are JSON (application/json or a +json type), and nothing else is guessed at."""

    def parse_body(self, request):
        media_type = (request.content_type or "").lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise BodyRefused(415, "unsupported_media_type",
                              _("Send the body as JSON, with the header Content-Type: application/json."))
        try:
            data = json.loads(request.body, parse_constant=_no_constants)
        except ValueError:  # not JSON, or not UTF-8
            raise BodyRefused(400, "invalid_json", _("The body is not valid JSON (UTF-8)."))
        _refuse_unstorable_strings(data)
        return data


api = GongzhiNinjaAPI(
    title="共治 Gongzhi API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    parser=JsonParser(),
    docs_url=None,  # served at /api/docs (see docs_page)
    description="Personal API tokens (Authorization: Bearer gz_…) or the browser session (which must send "
                "its CSRF token in X-CSRFToken when it writes). Every list pages with a cursor (`next`); "
                "objects outside your scope answer 404. Bodies are JSON (`Content-Type: application/json`, "
                "otherwise 415) of at most 2.5 MB (413); strings may not contain NUL or broken Unicode, and "
                "each field has its limit in the schema. Without credentials: 401. `POST /cases` honours an "
                "`Idempotency-Key` header (at most 100 characters) for GONGZHI_IDEMPOTENCY_HOURS (default 24) "
                "hours: a retry answers with the first case; the same key with another body is refused with 422.",
)


def error(request, status, code, message, fields=None):
    return api.create_response(request, {"error": {"code": code, "message": str(message), "fields": fields or {}}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc):
    if isinstance(exc, NotFound):
        return error(request, 404, "not_found", _("Not found."))
    status = getattr(exc, "http_status", 409 if isinstance(exc, Conflict) else 400)
    fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
    return error(request, status, exc.domain_code, " ".join(str(m) for m in exc.messages), fields)


# pydantic's messages are English only; the common ones in the person's language.
VALIDATION_MESSAGES = {
    "missing": lambda ctx: _("This field is missing."),
    "string_type": lambda ctx: _("Must be text."),
    "string_too_long": lambda ctx: _("At most %(n)s characters.") % {"n": ctx.get("max_length")},
    "too_long": lambda ctx: _("At most %(n)s items.") % {"n": ctx.get("max_length")},
    "int_type": lambda ctx: _("Must be a whole number."),
    "int_parsing": lambda ctx: _("Must be a whole number."),
    "int_from_float": lambda ctx: _("Must be a whole number."),
    "float_type": lambda ctx: _("Must be a number."),
    "float_parsing": lambda ctx: _("Must be a number."),
    "bool_type": lambda ctx: _("Must be true or false."),
    "bool_parsing": lambda ctx: _("Must be true or false."),
    "greater_than_equal": lambda ctx: _("Must be at least %(n)s.") % {"n": ctx.get("ge")},
    "less_than_equal": lambda ctx: _("Must be at most %(n)s.") % {"n": ctx.get("le")},
    "list_type": lambda ctx: _("Must be a list."),
    "model_attributes_type": lambda ctx: _("Must be an object."),
    "dict_type": lambda ctx: _("Must be an object."),
    "datetime_type": lambda ctx: _("Must be a date and time (ISO 8601)."),
    "datetime_parsing": lambda ctx: _("Must be a date and time (ISO 8601)."),
    "datetime_from_date_parsing": lambda ctx: _("Must be a date and time (ISO 8601)."),
}


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    fields = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", [])]
        while loc and loc[0] in ("body", "query", "path", "header", "payload"):
            loc = loc[1:]  # where it came from is not part of the field's name
        name = ".".join(loc) or "body"
        message = VALIDATION_MESSAGES.get(item.get("type"))
        fields.setdefault(name, []).append(message(item.get("ctx") or {}) if message else item.get("msg", "invalid"))
    return error(request, 400, "invalid", _("Some fields are not valid."), fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error(request, 401, "not_authenticated", _("Sign in or send a valid API token."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    # django-ninja turns every parser error into a plain 400 "Cannot parse request body";
    # the parser's own refusal (415, bad JSON, a NUL in a string) is its cause.
    cause = exc.__cause__
    if isinstance(cause, BodyRefused):
        return error(request, cause.status, cause.code, cause.message)
    if isinstance(cause, DomainError):
        return on_domain_error(request, cause)
    response = error(request, exc.status_code, getattr(exc, "code", "error"), exc.message)
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


for _prefix, _router in plugins.api_routers():
    api.add_router(_prefix, _router)


def docs_page(request):
    """Interactive docs (Swagger UI from the django-ninja package: no outside CDN)."""
    return Swagger().render_page(request, api)
