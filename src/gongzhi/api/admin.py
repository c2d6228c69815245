"""The API's models have no back-office pages; their secrets are declared all the same."""
from gongzhi.core.admin import mark_personal

from .models import ApiToken, IdempotencyRecord

mark_personal(ApiToken, "key_hash")
# The stored first answer of a case creation holds the case's text and contact phone.
mark_personal(IdempotencyRecord, "body")
