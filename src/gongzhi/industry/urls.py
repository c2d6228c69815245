"""The industry app's pages, one module of views per concern (their ``urlpatterns`` joined here)."""
app_name = "industry"
urlpatterns = []
