"""The cockpit's deliberation figures each open a list with as many records as the figure says:
meetings held, hot issues raised and settled, for the unit and the month shown (decision 74)."""
import datetime

from django.utils import timezone

from gongzhi.dashboard import cockpit, tallies
from gongzhi.deliberation.models import Meeting, MeetingFormat, MeetingStatus, Proposal, ProposalStatus


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_each_deliberation_figure_links_to_that_many_records(client, world):
    today = timezone.localdate()
    first = today.replace(day=1)
    last_month = (first - datetime.timedelta(days=1)).replace(day=1)
    fmt = MeetingFormat.objects.filter(purpose="deliberation").first()
    for day, unit, status in ((first, world.grid_a, MeetingStatus.HELD), (first, world.grid_b, MeetingStatus.HELD),
                              (first, world.grid_a, MeetingStatus.CANCELLED), (last_month, world.grid_a, MeetingStatus.HELD)):
        Meeting.objects.create(format=fmt, unit=unit, title="议事会", starts_at=at(day, 0), ends_at=at(day, 2), status=status)
    for day, status in ((first, ProposalStatus.OPEN), (first, ProposalStatus.ANSWERED), (first, ProposalStatus.DECIDED),
                        (last_month, ProposalStatus.DECIDED)):
        Proposal.objects.create(unit=world.grid_a, title="加装电梯", body="大家商量", author=world.outsider, status=status,
                                created_at=at(day, 0))
    tallies.refresh_month(first)
    tallies.refresh_month(last_month)
    figures = {f["key"]: f for f in cockpit.build(world.community, first)["figures"]}
    client.force_login(world.secretary)

    held = figures["deliberation.meetings_held"]
    assert held["value"] == 2
    assert client.get(held["link"]).context["page"].paginator.count == 2
    raised, settled = figures["deliberation.issues_raised"], figures["deliberation.issues_settled"]
    assert (raised["value"], settled["value"]) == (3, 2)
    assert len(client.get(raised["link"]).context["proposals"]) == 3
    assert len(client.get(settled["link"]).context["proposals"]) == 2
