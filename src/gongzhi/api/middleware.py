"""The API's answers from outside django-ninja, in the API's one error shape.

Before the view: a NUL (or broken Unicode) in the path or any query parameter
is refused with 400 (PostgreSQL cannot compare text with a NUL, and no filter
needs one), and a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE with 413
(Django would answer its HTML 400 page). After the view: Django's own 4xx pages
for API paths (an unknown path, a method the path does not take) get the shape.
"""
from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from gongzhi.core.errors import DomainError
from gongzhi.core.text import refuse_unstorable

API_PREFIX = "/api/v1/"
MESSAGES = {
    400: ("bad_request", lambda: _("The request is not valid.")),
    404: ("not_found", lambda: _("Not found.")),
    405: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    413: ("too_large", lambda: _("The request body is too large.")),
}


def shaped(status, code, message, fields=None):
    return JsonResponse({"error": {"code": code, "message": str(message), "fields": fields or {}}},
                        status=status, json_dumps_params={"ensure_ascii": False})


def refuse_input(request):
    """The 400 or 413 answer for a request no view should see, or None."""
    try:
        refuse_unstorable(request.path, field="path")
        for name, values in request.GET.lists():
            refuse_unstorable(name, field="query")  # a bad name is not written back in the answer
            for value in values:
                refuse_unstorable(value, field=name)
    except DomainError as error:
        return shaped(400, error.domain_code, error.text, {error.field: [error.text]})
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    length = request.META.get("CONTENT_LENGTH") or "0"
    # The same test Django makes when the body is read (RequestDataTooBig), made before anything reads it.
    if limit is not None and length.isdigit() and int(length) > limit:
        return shaped(413, "too_large", _("The request body is larger than %(limit)s bytes.") % {"limit": f"{limit:,}"})
    return None


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        refused = refuse_input(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if response.status_code in MESSAGES and not response.get("Content-Type", "").startswith("application/json"):
            code, message = MESSAGES[response.status_code]
            answer = shaped(response.status_code, code, message())
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response
