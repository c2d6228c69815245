"""Requests no view should see."""
from django.http import Http404

from .errors import DomainError
from .text import refuse_unstorable


class UnstorablePathMiddleware:
    """A path with a NUL or broken Unicode names nothing: 404 before a view looks it up.

    Views pass path parts (a case number, a unit code) to the database, and
    PostgreSQL cannot compare text that holds a NUL (a 500 until this check).
    The API's own guard (api.middleware, earlier in MIDDLEWARE) answers its
    paths with a 400 in the API's error shape first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refuse_unstorable(request.path, field="path")
        except DomainError:
            raise Http404  # Django answers with the 404 page
        return self.get_response(request)
