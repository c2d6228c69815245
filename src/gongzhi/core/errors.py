"""Domain errors: every broken rule raises one, with a message in Chinese and English.

Services raise these; views, the admin, importers and commands turn them into
a message for the person. The message is a lazy translation so it follows the
active language (zh-hans first, English second).
"""
from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A rule of the domain was broken; nothing was written.

    It is a ValidationError so that Django forms and the admin show it beside
    the field (``field``) or at the top of the form.
    """

    def __init__(self, message, *, code="invalid", field=None, params=None):
        self.field = field
        self.domain_code = code
        if field:
            super().__init__({field: [ValidationError(message, code=code, params=params)]})
        else:
            super().__init__(message, code=code, params=params)

    @property
    def text(self):
        return "; ".join(str(m) for m in self.messages)


class NotFound(DomainError):
    """The object does not exist or is outside the person's scope: both answer 404 alike."""


class Conflict(DomainError):
    """Someone else changed the object first (a stale version): answer 409, reload and retry."""
