"""Pages: party organizational life (三会一课) for secretaries and instructors."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from ..models import Meeting, Purpose


@login_required
@require_GET
def party_meetings(request):
    meetings = (Meeting.objects.visible_to(request.user).filter(format__purpose=Purpose.PARTY)
                .select_related("format", "organization").order_by("-starts_at"))
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(request, "deliberation/party_meetings.html", {"page": page})


urlpatterns = [
    path("party/", party_meetings, name="party_meetings"),
]
