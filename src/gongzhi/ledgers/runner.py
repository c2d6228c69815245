"""Running an uploaded import in the background and recording its progress in its ImportRun.

The upload page saves the file under ``VAR_DIR/imports`` (it holds personal data: deleted as soon
as the run ends) and starts a thread of this process; the page polls the run's status. A restart
of the process during a run leaves it "running" with nothing written (decision 73).
"""
import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from gongzhi.core import plugins

from .models import ImportRun, ImportStatus

log = logging.getLogger(__name__)
# Tests set this to run the import in the request's own thread (the test's transaction).
IN_THREAD = True
PROGRESS_EVERY_S = 0.5


def upload_dir():
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start(run, uploaded):
    """Keep ``uploaded`` (a Django UploadedFile) for ``run`` and start importing it."""
    path = upload_dir() / f"run-{run.pk}.xlsx"
    with open(path, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    if IN_THREAD:
        threading.Thread(target=execute, args=(run.pk, path), name=f"import-{run.pk}", daemon=True).start()
    else:
        execute(run.pk, path, close=False)


def execute(run_pk, path, close=True):
    try:
        run = ImportRun.objects.select_related("user").get(pk=run_pk)
        importer = plugins.importers()[run.kind](run.user)
        ImportRun.objects.filter(pk=run_pk).update(status=ImportStatus.RUNNING)
        last = {"at": 0.0}

        def progress(phase, done, total):
            now = time.monotonic()
            if now - last["at"] >= PROGRESS_EVERY_S or done == total:
                last["at"] = now
                ImportRun.objects.filter(pk=run_pk).update(rows_total=total or 0, rows_done=done if phase == "checking" else total or 0)

        result = importer.run(str(path), progress=progress)
        report = result.report
        if result.refused:
            report = [{"row": None, "column": "", "column_en": "", "value": "", "reason": result.refused,
                       "reason_en": result.refused_en}]
        ImportRun.objects.filter(pk=run_pk).update(
            status=ImportStatus.DONE if result.ok else ImportStatus.REFUSED,
            rows_total=result.rows_total, rows_done=result.rows_total,
            created=result.created, updated=result.updated, unchanged=result.unchanged,
            report=report, finished_at=timezone.now(),
        )
    except Exception:
        log.exception("import run %s failed", run_pk)  # the traceback names no cell value
        ImportRun.objects.filter(pk=run_pk).update(status=ImportStatus.FAILED, finished_at=timezone.now())
    finally:
        Path(path).unlink(missing_ok=True)
        if close:
            connection.close()
            close_old_connections()
