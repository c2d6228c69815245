"""The vote panel of one agenda item, for the meeting page (templates/deliberation/vote_item_block.html)."""
from django import template

from ..models import ItemStatus, Voters
from ..services import votes

register = template.Library()


@register.inclusion_tag("deliberation/vote_item_panel.html", takes_context=True)
def vote_item_panel(context, item):
    """Counts as computed (live while the vote is open, as stored once closed), the reader's own
    vote with its on-behalf mark, and the links to the phone page, the console and the screen."""
    request = context.get("request")
    user = getattr(request, "user", None)
    meeting = item.meeting
    takes_votes = meeting.format.voters != Voters.NOBODY
    shown = takes_votes and item.status in (ItemStatus.VOTING, ItemStatus.VOTED)
    return {
        "item": item, "meeting": meeting, "takes_votes": takes_votes,
        "tally": votes.tally(item) if shown else None,
        "my_vote": votes.own_vote(item, user) if shown else None,
        "is_staff": bool(user) and votes.is_staff_of(meeting, user),
    }
