from django.urls import path

from . import views_exports, views_imports

app_name = "ledgers"

urlpatterns = [
    path("", views_exports.index, name="index"),
    path("export/<slug:key>.xlsx", views_exports.export, name="export"),
]

# Imports (views_imports.py)
urlpatterns += [
    path("imports/", views_imports.imports, name="imports"),
    path("imports/templates/<slug:kind>.xlsx", views_imports.import_template, name="import_template"),
    path("imports/<int:pk>/", views_imports.import_run, name="import_run"),
    path("imports/<int:pk>/status.json", views_imports.import_run_status, name="import_run_status"),
]
