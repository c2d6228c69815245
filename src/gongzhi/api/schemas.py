"""Typed shapes of the JSON API (they make the OpenAPI spec at /api/v1/openapi.json).

The input types below put each field's limit in the schema, so a request that
does not fit is refused with 400 before any code runs, and the spec (and the
schemathesis fuzzing) knows the limits. The services check again (core.text):
they are the one place every channel passes.
"""
from typing import Annotated, Optional

from ninja import Schema
from pydantic import Field

# Ids are 64-bit signed integers in both databases; a larger number is refused, not sent to SQLite (an OverflowError).
MAX_ID = 2**63 - 1
# A body field's id: strict, so that true or "7" is not taken for 1 or 7.
Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
Version = Annotated[int, Field(strict=True, ge=0, le=MAX_ID)]
# Strict numbers: a JSON number (integer or not), never true/false or a string.
Latitude = Annotated[float, Field(strict=True, ge=-90, le=90)]
Longitude = Annotated[float, Field(strict=True, ge=-180, le=180)]


def Text(max_length):
    """A string of at most ``max_length`` characters (the column's limit)."""
    return Annotated[str, Field(max_length=max_length)]


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class Error(Schema):
    error: ErrorBody


class Page(Schema):
    next: Optional[str] = None
