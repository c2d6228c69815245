"""The industry app's pages, one module of views per concern (their ``urlpatterns`` joined here)."""
from .views import chains, coverage, enterprises, leads, market, partners

app_name = "industry"
urlpatterns = [
    *enterprises.urlpatterns,
    *coverage.urlpatterns,
    *chains.urlpatterns,
    *partners.urlpatterns,
    *market.urlpatterns,
    *leads.urlpatterns,
]
