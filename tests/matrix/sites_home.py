"""The services home in the scope matrix."""
from tests.test_scope_matrix import page

ROUTES = {
    "sites:home": page(),
}
