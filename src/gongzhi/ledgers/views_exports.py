"""Excel exports (/ledgers/export/<key>.xlsx) and the ledgers' home (/ledgers/): the exports one
may run, one's recent exports and imports. Views parse and answer; ``ledgers.exports`` does the
work. Reads may come from the replica (decision 63); the ExportLog row is written to the primary."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core import plugins
from gongzhi.core.replica import reads_replica

from . import exports as machinery
from .models import ExportLog, ImportRun

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def offered(user):
    """The exports this person may run, in menu order."""
    return sorted((e for e in plugins.exports().values() if e.may_run(user)), key=lambda e: (e.order, e.key))


def _export(user, key):
    export = plugins.exports().get(key)
    if export is None or not export.may_run(user):
        raise Http404
    return export


@login_required
@require_http_methods(["GET", "POST"])
@reads_replica
def export(request, key):
    """GET: the ledger with the list's filters (the query string), personal data masked.
    POST with ``full=1`` and ``confirm=1``: the same with personal data in full, for the roles
    that may see it; logged as a full export."""
    user = request.user
    ledger = _export(user, key)
    full = False
    if request.method == "POST":
        if not (ledger.personal and request.POST.get("full") == "1"):
            return HttpResponseBadRequest(_("Nothing to confirm: a full export is asked for with full=1."))
        if not ledger.may_export_full(user):
            raise PermissionDenied
        if request.POST.get("confirm") != "1":
            return HttpResponseBadRequest(_("Confirm that you need the personal data in full."))
        full = True
    try:
        out, _rows = machinery.run(ledger, request.GET, user, full=full)
    except machinery.FilterError as error:
        problems = "; ".join(f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in error.errors.items())
        return HttpResponseBadRequest(_("The filters are not valid: %(problems)s") % {"problems": problems})
    response = FileResponse(out, as_attachment=True, filename=machinery.file_name(ledger), content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def index(request):
    user = request.user
    exports = offered(user)
    labels = {e.key: e.label for e in plugins.exports().values()}
    return render(request, "ledgers/index.html", {
        "exports": [(e, e.personal and e.may_export_full(user)) for e in exports],
        "logs": [(log, labels.get(log.ledger, log.ledger)) for log in ExportLog.objects.visible_to(user).order_by("-created_at")[:20]],
        "runs": ImportRun.objects.visible_to(user).order_by("-started_at")[:10],
        "may_import": user.may_edit_master_data(),
    })
