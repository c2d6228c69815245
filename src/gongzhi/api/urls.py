from django.urls import path

from . import views
from .v1 import api, docs_page

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/docs", docs_page, name="api-docs"),
    path("api/tokens/", views.tokens, name="api-tokens"),
]
