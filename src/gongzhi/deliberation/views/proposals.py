"""Pages: proposals (residents' phone pages) and the deliberation home."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..models import Meeting, MeetingStatus, Proposal, Purpose


@login_required
@require_GET
def home(request):
    """What a participant or staff member of deliberation sees first: the next meetings and
    the open proposals of their units."""
    meetings = (Meeting.objects.visible_to(request.user).filter(format__purpose=Purpose.DELIBERATION,
                                                               status__in=[MeetingStatus.SCHEDULED, MeetingStatus.OPEN],
                                                               starts_at__gte=timezone.now() - timezone.timedelta(hours=6))
                .select_related("format", "unit").order_by("starts_at")[:10])
    proposals = Proposal.objects.visible_to(request.user).select_related("unit").order_by("-created_at")[:20]
    return render(request, "deliberation/home.html", {"meetings": meetings, "proposals": proposals})


urlpatterns = [
    path("", home, name="home"),
]
