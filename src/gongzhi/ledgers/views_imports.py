"""The import page (/ledgers/imports/): templates to download, an upload, and each run's progress
and report. For staff who may edit the master data of their scope (EDITOR_ROLES)."""
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core import plugins

from . import runner
from .models import ImportRun, ImportStatus

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kinds(user):
    """The importers this person may run: those whose roles they hold (master data: EDITOR_ROLES;
    the round trips of decisions and needs: the roles that may report on them)."""
    return {kind: importer for kind, importer in plugins.importers().items()
            if user.is_active and user.holds(importer.roles)}


def _editor(request):
    if not _kinds(request.user):
        raise PermissionDenied
    return request.user


def _importer(user, kind):
    importer = _kinds(user).get(kind)
    if importer is None:
        raise Http404
    return importer


@login_required
@require_http_methods(["GET", "POST"])
def imports(request):
    user = _editor(request)
    kinds = _kinds(user)
    error = ""
    if request.method == "POST":
        kind, upload = request.POST.get("kind", ""), request.FILES.get("file")
        if kind not in kinds:
            error = _("Choose what the file holds.")
        elif upload is None:
            error = _("Choose an .xlsx file to upload.")
        elif upload.size > MAX_UPLOAD_BYTES:
            error = _("The file is larger than 50 MB: split it.")
        else:
            name = upload.name.rsplit("/", 1)[-1][:200].replace("\x00", "")
            run = ImportRun.objects.create(user=user, kind=kind, file_name=name)
            runner.start(run, upload)
            return redirect("ledgers:import_run", pk=run.pk)
    runs = ImportRun.objects.visible_to(user).order_by("-started_at")[:20]
    return render(request, "ledgers/imports.html", {
        "kinds": [(kind, importer.title) for kind, importer in kinds.items()],
        "runs": runs, "error": error,
    }, status=400 if error else 200)


@login_required
@require_GET
def import_template(request, kind):
    importer = _importer(_editor(request), kind)
    buffer = io.BytesIO()
    importer.template(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="template-{kind}.xlsx"'
    return response


def _run(request, pk):
    return get_object_or_404(ImportRun.objects.visible_to(_editor(request)), pk=pk)


@login_required
@require_GET
def import_run(request, pk):
    run = _run(request, pk)
    english = (get_language() or "").startswith("en")
    problems = [{"row": p.get("row"), "column": p.get("column_en" if english else "column", ""), "value": p.get("value", ""),
                 "reason": p.get("reason_en" if english else "reason", "")} for p in run.report]
    finished = run.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)
    importer = plugins.importers().get(run.kind)
    return render(request, "ledgers/import_run.html", {
        "run": run, "problems": problems, "finished": finished, "title": importer.title if importer else run.kind,
        "percent": int(100 * run.rows_done / run.rows_total) if run.rows_total else 0,
    })


@login_required
@require_GET
def import_run_status(request, pk):
    run = _run(request, pk)
    return JsonResponse({"status": run.status, "rows_total": run.rows_total, "rows_done": run.rows_done,
                         "finished": run.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)})
