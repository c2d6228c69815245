from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongzhi.core.errors import DomainError

from . import services
from .models import ApiToken


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """The person's own API tokens: create (shown once), revoke."""
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                services.revoke_token(request.user, request.POST["revoke"])
                messages.success(request, _("The token is revoked."))
            else:
                days = request.POST.get("expires_in_days") or None
                _token, plaintext = services.create_token(request.user, name=request.POST.get("name", ""),
                                                          expires_in_days=int(days) if days and days.isdigit() else days)
                # Shown once, on the next page only; never stored in clear.
                request.session["new_token"] = plaintext
        except (DomainError, ValueError) as error:
            messages.error(request, " ".join(str(m) for m in getattr(error, "messages", [_("Not valid.")])))
        return redirect("api-tokens")
    return render(request, "api/tokens.html", {
        "tokens": ApiToken.objects.visible_to(request.user),
        "new_token": request.session.pop("new_token", None),
    })
