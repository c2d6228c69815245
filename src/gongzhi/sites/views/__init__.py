"""Pages, one module per concern; each module keeps its own ``urlpatterns`` (see ../urls.py)."""
