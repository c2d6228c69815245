"""Excel exports in the scope matrix (ledgers/views_exports.py): the ledgers' home lists only
one's own log; an export holds only one's scope (tests/test_ledgers_export*.py check the rows).
The full export is a POST with its confirmation."""
from tests.test_scope_matrix import GET, POST, page

ROUTES = {
    "ledgers:index": page(methods=(GET,)),
    "ledgers:export": page(methods=(GET, POST), fill=lambda o: {"key": "residents"},
                           body=lambda o: {"full": "1", "confirm": "1"}),
}
