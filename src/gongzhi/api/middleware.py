"""Gives the API's own 4xx answers from outside django-ninja (an unknown path, a
method the path does not take) the API's one error shape."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/v1/"
MESSAGES = {
    404: ("not_found", lambda: _("Not found.")),
    405: ("method_not_allowed", lambda: _("This method is not allowed here.")),
}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code in MESSAGES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = MESSAGES[response.status_code]
            shaped = JsonResponse({"error": {"code": code, "message": message(), "fields": {}}},
                                  status=response.status_code, json_dumps_params={"ensure_ascii": False})
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
