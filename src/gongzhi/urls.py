from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gongzhi.api import v1 as api_v1
from gongzhi.api import views as api_views
from gongzhi.dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("figures/", dashboard_views.figures_page, name="figures"),
    path("figures.json", dashboard_views.figures_json, name="figures-json"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("territory/", include("gongzhi.territory.urls")),
    path("party/", include("gongzhi.party.urls")),
    path("cases/", include("gongzhi.cases.urls")),
    path("api/v1/", api_v1.api.urls),
    path("api/docs", api_v1.docs_page, name="api-docs"),
    path("api/tokens/", api_views.tokens, name="api-tokens"),
    path("open311/v2/", include("gongzhi.api.open311")),
    path("admin/", admin.site.urls),
]
