"""Anonymous reporters follow their case by its number and the last four digits of the phone
they left. There is no SMS gateway to send a code, so the check is the four digits, and it is
rate-limited twice: per address (someone trying many cases) and per case number (someone
trying all 10,000 endings of one case)."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.ratelimit import client_address, hit

from .models import Case

# What a follower sees of the timeline: the moves, their dates, and the answers addressed to them.
ANSWERING_MOVES = ("solve_on_spot", "verify", "close_with_main")


class TooManyTries(DomainError):
    def __init__(self, retry_after):
        super().__init__(_("Too many tries; please try again in %(s)d seconds."), params={"s": retry_after}, code="rate_limited")
        self.retry_after = retry_after


def find_followed_case(request, number, last_four):
    """The case whose number and phone ending match, or a DomainError (the same one for every miss)."""
    number, last_four = (number or "").strip()[:20], (last_four or "").strip()
    for scope, ident in (("follow-addr", client_address(request)), ("follow-case", number)):
        verdict = hit(scope, ident, settings.CASE_FOLLOW_RATE)
        if not verdict.allowed:
            raise TooManyTries(verdict.retry_after)
    if not (len(last_four) == 4 and last_four.isdigit()):
        raise DomainError(_("Enter the last four digits of the phone number you left."), code="invalid", field="last_four")
    case = Case.objects.filter(number=number, reporter__isnull=True).exclude(contact_phone="").select_related("category").first()
    # One answer for a wrong number and a wrong phone: the form must not confirm that a number exists.
    if case is None or not case.contact_phone.endswith(last_four):
        raise DomainError(_("No case matches this number and phone."), code="no_match")
    return case


def public_timeline(case):
    """(move, at, note) rows a follower may see: every step, with the notes that answer them."""
    return [(e.move, e.at, e.note if e.move in ANSWERING_MOVES else "")
            for e in case.timeline.only("move", "at", "note").order_by("at", "id")]
