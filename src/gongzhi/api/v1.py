"""The JSON API at /api/v1/ (django-ninja; docs at /api/docs).

Thin on purpose: every read goes through the models' ``visible_to(user)``,
every write through the apps' services and ``cases.workflow.perform``, the
same functions the pages call. Out-of-scope objects answer 404 like missing
ones, and every 4xx has one shape: {"error": {"code", "message", "fields"}}.
"""
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from gongzhi.core import plugins
from gongzhi.core.errors import Conflict, DomainError, NotFound

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


api = GongzhiNinjaAPI(
    title="共治 Gongzhi API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs_url=None,  # served at /api/docs (see docs_page)
    description="Personal API tokens (Authorization: Bearer gz_…) or the browser session. "
                "Every list pages with a cursor (`next`); objects outside your scope answer 404.",
)


def error(request, status, code, message, fields=None):
    return api.create_response(request, {"error": {"code": code, "message": str(message), "fields": fields or {}}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc):
    if isinstance(exc, NotFound):
        return error(request, 404, "not_found", _("Not found."))
    status = 409 if isinstance(exc, Conflict) else 400
    fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
    return error(request, status, exc.domain_code, " ".join(str(m) for m in exc.messages), fields)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    fields = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", [])]
        while loc and loc[0] in ("body", "query", "path", "header", "payload"):
            loc = loc[1:]  # where it came from is not part of the field's name
        name = ".".join(loc) or "body"
        fields.setdefault(name, []).append(item.get("msg", "invalid"))
    return error(request, 400, "invalid", _("Some fields are not valid."), fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error(request, 401, "not_authenticated", _("Sign in or send a valid API token."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    response = error(request, exc.status_code, getattr(exc, "code", "error"), exc.message)
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response



for _prefix, _router in plugins.api_routers():
    api.add_router(_prefix, _router)


def docs_page(request):
    """Interactive docs (Swagger UI from the django-ninja package: no outside CDN)."""
    return Swagger().render_page(request, api)
