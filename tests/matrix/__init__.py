"""Parts of the persona × endpoint matrix (tests/test_scope_matrix.py), one module per app concern."""
