"""Excel imports in the scope matrix (ledgers/views_imports.py): a run is its importer's own;
anyone else's, in the same district or not, is missing. The templates are the same for every
editor; the upload page refuses an upload without a file alike for everyone."""
from types import SimpleNamespace

from gongzhi.ledgers.models import ImportRun, ImportStatus
from tests.test_scope_matrix import GET, POST, by_pk, on, page

ROUTES = {
    "ledgers:imports": page(methods=(GET, POST), body=lambda o: {"kind": "residents"}),
    "ledgers:import_template": page(methods=(GET,), fill=lambda o: {"kind": "residents"}),
    "ledgers:import_run": on("import_run", by_pk, methods=(GET,)),
    "ledgers:import_run_status": on("import_run", by_pk, methods=(GET,)),
}


def build(d):
    d.import_run = ImportRun.objects.create(user=d.secretary, kind="residents", file_name="矩阵.xlsx",
                                            status=ImportStatus.DONE, rows_total=1, rows_done=1, created=1)


def objects(d):
    return {"import_run": SimpleNamespace(pk=d.import_run.pk)}
