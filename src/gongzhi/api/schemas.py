"""Typed shapes of the JSON API (they make the OpenAPI spec at /api/v1/openapi.json)."""
from typing import Optional

from ninja import Schema


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class Error(Schema):
    error: ErrorBody


class Page(Schema):
    next: Optional[str] = None
