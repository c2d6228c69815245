"""The site's URLs: sign-in, language, the back office, and every app's own pages.

Apps mount themselves (GongzhiAppConfig.url_prefix, see gongzhi.core.plugins):
nothing here names a domain app.
"""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gongzhi.core import plugins

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("notices/", include("gongzhi.core.urls")),
] + [path(prefix, include(module)) for prefix, module in plugins.url_mounts()]
