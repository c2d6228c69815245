"""The reader's notices (about cases today, meetings or needs tomorrow): list, mark read, open."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from .models import Notice
from .paging import cursor_page


@login_required
@require_http_methods(["GET", "POST"])
def notice_list(request):
    mine = Notice.objects.visible_to(request.user)
    if request.method == "POST":
        mine.unread().update(read_at=timezone.now())
        return redirect("notices:list")
    rows, next_cursor = cursor_page(mine, request.GET.get("after"))
    return render(request, "core/notices.html", {"notices": rows, "next_cursor": next_cursor})


@login_required
@require_POST
def open_notice(request, pk):
    """Opening a notice marks it read and goes to its object, if the reader may still see it."""
    notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    model = notice.content_type.model_class()
    manager = model._default_manager
    target = manager.visible_to(request.user).filter(pk=notice.object_id).first() if hasattr(manager, "visible_to") else None
    if target is None or not hasattr(target, "get_absolute_url"):
        raise Http404
    return redirect(target.get_absolute_url())


def page_context(request):
    """Every page's unread-notice badge: one indexed count on (user, read_at)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"UNREAD_NOTICES": Notice.objects.filter(user=user, read_at__isnull=True).count()}
