"""Requests no view should see."""
from django.conf import settings
from django.http import Http404

from .errors import DomainError
from .text import refuse_unstorable


class UnstorablePathMiddleware:
    """A path with a NUL or broken Unicode names nothing: 404 before the view looks it up.

    Views pass path parts (a case number, a unit code) to the database, and
    PostgreSQL cannot compare text that holds a NUL (a 500 until this check).
    A view that checks its own input and answers in its own format (a machine
    interface with a specified error shape) sets ``checks_its_input = True``
    and is left alone. The JSON API's guard (api.middleware) answers its paths
    with a 400 before any view is chosen.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "checks_its_input", False):
            return None
        try:
            refuse_unstorable(request.path, field="path")
        except DomainError:
            raise Http404  # Django answers with the 404 page
        return None


class ContentSecurityPolicyMiddleware:
    """Every answer carries settings.CONTENT_SECURITY_POLICY (scripts from our own files only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
