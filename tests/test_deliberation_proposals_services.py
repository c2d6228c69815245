"""Proposals: who may propose, supports (one each, a monthly limit), the threshold that puts a
proposal on the next meeting's agenda, following, answers with reasons, similar proposals."""
import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from gongzhi.core.models import Notice
from gongzhi.deliberation.models import AgendaItem, Proposal, ProposalFollow, ProposalPhoto, ProposalStatus, Support
from gongzhi.deliberation.services import proposals as svc
from gongzhi.people.models import Role
from tests.conftest import make_user, refused
from tests.deliberation_helpers import jpeg, meeting, residents


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def propose(world, author=None, unit=None, **kw):
    kw.setdefault("title", "小区健身器材坏了该谁修?")
    kw.setdefault("body", "东门健身区的单杠松了,孩子玩很危险。")
    return svc.propose(unit=unit or world.grid_a, author=author or world.outsider, **kw)


def test_a_resident_proposes_for_their_grid_and_follows_it(world):
    p = propose(world)
    assert p.status == ProposalStatus.OPEN and p.recorded_by is None
    assert ProposalFollow.objects.filter(proposal=p, user=world.outsider).exists()


def test_a_resident_proposes_for_their_community_too_but_not_for_another_grid(world):
    assert propose(world, unit=world.community).unit == world.community
    with refused("take part in"):
        propose(world, unit=world.grid_b)
    assert Proposal.objects.count() == 1


def test_proposals_are_for_grids_and_communities_only(world):
    with refused("grid or a community"):
        propose(world, author=world.secretary, unit=world.street)


def test_staff_propose_for_their_scope_only(world):
    assert propose(world, author=world.worker_a).author == world.worker_a
    with refused("take part in"):
        propose(world, author=world.worker_a, unit=world.grid_b)


def test_text_is_checked_before_the_database(world):
    with refused("limited to 100 characters"):
        propose(world, title="长" * 101)
    with refused("control character"):
        propose(world, body="坏了\x00")
    with refused("required"):
        propose(world, title="   ")
    assert not Proposal.objects.exists()


def test_a_grid_worker_proposes_on_behalf_of_a_resident_of_their_grid(world):
    p = propose(world, by=world.worker_a)
    assert p.author == world.outsider and p.recorded_by == world.worker_a
    with refused("on a resident's behalf"):
        propose(world, by=world.worker_b)  # not staff of grid A
    other = make_user("res-b", Role.RESIDENT, [world.grid_b])
    with refused("does not take part"):
        propose(world, author=other, by=world.worker_a)


def test_photos_are_stored_as_rows_and_files(world, media):
    p = propose(world, photos=[jpeg(), jpeg()])
    photos = list(p.photos.all())
    assert len(photos) == 2
    assert all(default_storage.exists(ph.image.name) and default_storage.exists(ph.thumbnail.name) for ph in photos)


def test_a_failed_proposal_leaves_no_file_behind(world, media, monkeypatch):
    real = svc.write_photo
    calls = []

    def second_fails(photo, prepared, written):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(photo, prepared, written)

    monkeypatch.setattr(svc, "write_photo", second_fails)
    with pytest.raises(RuntimeError):
        propose(world, photos=[jpeg(), jpeg()])
    assert len(calls) == 2  # the first photo's files were written, then removed again
    assert not Proposal.objects.exists() and not ProposalPhoto.objects.exists()
    assert not [f for f in media.rglob("*") if f.is_file()]


def test_a_photo_that_is_not_an_image_is_refused(world, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with refused("JPEG, PNG or WebP"):
        propose(world, photos=[SimpleUploadedFile("x.jpg", b"not an image")])
    assert not Proposal.objects.exists()


def test_one_support_per_person_with_a_clear_message_and_it_follows(world):
    p = propose(world)
    (r,) = residents(world, 1)
    svc.support(p, user=r)
    assert Proposal.objects.get(pk=p.pk).support_count == 1
    assert ProposalFollow.objects.filter(proposal=p, user=r).exists()
    with refused("already support"):
        svc.support(p, user=r)
    assert Support.objects.filter(proposal=p).count() == 1


def test_the_author_cannot_support_their_own_proposal(world):
    p = propose(world)
    with refused("your own proposal"):
        svc.support(p, user=world.outsider)


def test_a_resident_of_another_grid_cannot_support(world):
    p = propose(world)
    (b,) = residents(world, 1, grid=world.grid_b)
    with refused("take part"):
        svc.support(p, user=b)


def test_the_monthly_limit_counts_per_calendar_month(world, settings):
    settings.DELIBERATION_SUPPORTS_PER_MONTH = 2
    (r,) = residents(world, 1)
    authors = residents(world, 3, prefix="author")
    ps = [propose(world, author=a, title=f"议题{i}") for i, a in enumerate(authors)]
    now = timezone.make_aware(datetime.datetime(2026, 11, 30, 23, 0))
    svc.support(ps[0], user=r, now=now)
    svc.support(ps[1], user=r, now=now)
    with refused("2 supports of this month"):
        svc.support(ps[2], user=r, now=now)
    # The next calendar month (local time) gives new supports.
    svc.support(ps[2], user=r, now=now + datetime.timedelta(hours=2))
    assert Support.objects.filter(user=r).count() == 3


def test_the_limit_setting_is_read_from_the_environment():
    from django.conf import settings

    assert settings.DELIBERATION_SUPPORTS_PER_MONTH == 10


def test_unsupport_only_while_open(world):
    p = propose(world)
    r1, r2 = residents(world, 2)
    svc.support(p, user=r1)
    svc.support(p, user=r2)
    svc.unsupport(p, user=r2)
    assert Proposal.objects.get(pk=p.pk).support_count == 1
    with refused("do not support"):
        svc.unsupport(p, user=r2)
    svc.answer(p, outcome="answered", reason="物业已修好", by=world.worker_a)
    with refused("no longer open"):
        svc.unsupport(p, user=r1)


def test_the_threshold_puts_the_proposal_on_the_next_meeting_and_tells_author_and_followers(world, django_capture_on_commit_callbacks):
    m = meeting(world.grid_a, threshold=3)
    p = propose(world)
    follower = make_user("follower", Role.RESIDENT, [world.grid_a])
    svc.follow(p, user=follower)
    rs = residents(world, 3)
    with django_capture_on_commit_callbacks(execute=True):
        for r in rs[:2]:
            svc.support(p, user=r)
    p.refresh_from_db()
    assert p.status == ProposalStatus.OPEN and p.threshold_reached_at is None
    with django_capture_on_commit_callbacks(execute=True):
        svc.support(p, user=rs[2])
    p.refresh_from_db()
    assert p.status == ProposalStatus.ON_AGENDA and p.threshold_reached_at is not None and p.support_count == 3
    item = AgendaItem.objects.get(proposal=p)
    assert item.meeting == m and item.added_automatically
    told = set(Notice.objects.filter(event="deliberation.proposal_on_agenda").values_list("user_id", flat=True))
    assert told == {world.outsider.pk, follower.pk, *(r.pk for r in rs)}
    # Closed for supports now.
    (late,) = residents(world, 1, prefix="late")
    with refused("no longer takes supports"):
        svc.support(p, user=late)


def test_a_grid_proposal_goes_to_the_community_meeting_when_the_grid_has_none(world):
    m = meeting(world.community, threshold=1)
    p = propose(world)
    svc.support(p, user=residents(world, 1)[0])
    assert AgendaItem.objects.get(proposal=p).meeting == m


def test_with_no_meeting_scheduled_it_waits_and_goes_on_the_first_meeting_that_appears(world):
    from gongzhi.deliberation.models import MeetingFormat

    MeetingFormat.objects.filter(code="shuo-qi-shuo-ba").update(support_threshold=2)
    p = propose(world)
    for r in residents(world, 2):
        svc.support(p, user=r)
    p.refresh_from_db()
    # The default threshold (5) applies while no meeting or series says otherwise: not reached.
    assert p.threshold_reached_at is None
    for r in residents(world, 3, prefix="more"):
        svc.support(p, user=r)
    p.refresh_from_db()
    assert p.status == ProposalStatus.OPEN and p.threshold_reached_at is not None
    with refused("no longer open"):  # the supports that reached the threshold stay
        svc.unsupport(p, user=Support.objects.filter(proposal=p).first().user)
    assert svc.place_waiting_step(timezone.now()) == {"placed": 0}
    m = meeting(world.grid_a)
    assert svc.place_waiting_step(timezone.now()) == {"placed": 1}
    p.refresh_from_db()
    assert p.status == ProposalStatus.ON_AGENDA and AgendaItem.objects.get(proposal=p).meeting == m
    assert svc.place_waiting_step(timezone.now()) == {"placed": 0}


def test_a_waiting_proposal_stays_if_the_new_meetings_threshold_is_higher(world):
    p = propose(world)
    for r in residents(world, 5):
        svc.support(p, user=r)
    meeting(world.grid_a, code="minsheng-qidianban")  # threshold 10
    assert svc.place_waiting_step(timezone.now()) == {"placed": 0}
    assert Proposal.objects.get(pk=p.pk).status == ProposalStatus.OPEN


def test_a_threshold_of_zero_never_puts_a_proposal_on_by_itself(world):
    meeting(world.grid_a, threshold=0)
    p = propose(world)
    svc.support(p, user=residents(world, 1)[0])
    assert Proposal.objects.get(pk=p.pk).status == ProposalStatus.OPEN


def test_staff_answer_with_a_reason_and_author_and_followers_hear(world, django_capture_on_commit_callbacks):
    p = propose(world)
    (r,) = residents(world, 1)
    svc.support(p, user=r)
    with refused("required"):
        svc.answer(p, outcome="answered", reason="", by=world.worker_a)
    with refused("Only staff"):
        svc.answer(p, outcome="answered", reason="已修", by=world.worker_b)
    with refused("Choose an answer"):
        svc.answer(p, outcome="decided", reason="已修", by=world.worker_a)
    with django_capture_on_commit_callbacks(execute=True):
        done = svc.answer(p, outcome="out_of_scope", reason="属于市政,已转12345", by=world.worker_a)
    assert done.status == ProposalStatus.OUT_OF_SCOPE and done.answer == "属于市政,已转12345"
    assert set(Notice.objects.filter(event="deliberation.proposal_out_of_scope").values_list("user_id", flat=True)) == {
        world.outsider.pk, r.pk}
    with refused("answered already"):
        svc.answer(p, outcome="answered", reason="x", by=world.secretary)


def test_staff_put_a_proposal_on_the_next_or_a_chosen_meeting(world):
    with refused("No meeting is scheduled"):
        svc.answer(propose(world), outcome="on_agenda", reason="", by=world.worker_a)
    first, later = meeting(world.grid_a, days=3), meeting(world.community, days=10, title="社区议事")
    p1 = svc.answer(propose(world, title="甲"), outcome="on_agenda", reason="", by=world.worker_a)
    p2 = svc.answer(propose(world, title="乙"), outcome="on_agenda", reason="下次社区会上议", by=world.secretary, meeting=later)
    assert AgendaItem.objects.get(proposal=p1).meeting == first
    assert AgendaItem.objects.get(proposal=p2).meeting == later and not AgendaItem.objects.get(proposal=p2).added_automatically
    other = meeting(world.grid_b, title="B网格")
    with refused("Choose a coming meeting"):
        svc.answer(propose(world, title="丙"), outcome="on_agenda", reason="", by=world.secretary, meeting=other)


def test_the_author_is_masked_to_other_residents_and_shown_to_staff(world):
    world.outsider.display_name = "张三"
    world.outsider.save()
    p = propose(world)
    (r,) = residents(world, 1)
    assert svc.author_label(p, r) == "张*"
    assert svc.author_label(p, world.worker_a) == "张三"
    assert svc.author_label(p, world.outsider) == "张三"


def test_similar_proposals_are_worded_alike_visible_and_of_the_unit_or_above(world):
    fitness = propose(world, title="健身器材坏了", body="小区健身器材的单杠坏了,需要维修")
    charger = propose(world, title="充电桩放哪儿", body="电动车充电桩安装位置")
    above = propose(world, unit=world.community, title="社区健身器材老化", body="各小区健身器材需要检修")
    (b,) = residents(world, 1, grid=world.grid_b)
    other_grid = svc.propose(unit=world.grid_b, author=b, title="健身器材坏了", body="B网格健身器材坏了需要维修")
    (r,) = residents(world, 1)
    found = svc.similar_proposals(world.grid_a, "健身器材坏了谁来修", user=r)
    assert fitness in found and above in found
    assert charger not in found and other_grid not in found
    assert found[0] == fitness
    assert svc.similar_proposals(world.grid_a, "小区里的路灯不亮", user=r) == []  # only 小区 in common
    assert svc.similar_proposals(world.grid_a, "充电桩", user=r) == [charger]
    assert svc.similar_proposals(world.grid_a, "健", user=r) == []
    assert svc.similar_proposals(world.grid_a, "!!!", user=r) == []


def test_the_residents_a_worker_acts_for_hold_the_resident_role_in_the_workers_grid(world):
    from gongzhi.people.models import RoleAssignment

    (r,) = residents(world, 1)
    # A resident of grid B who is also a volunteer in grid A is not a resident of grid A.
    mixed = make_user("mixed", Role.RESIDENT, [world.grid_b])
    RoleAssignment.objects.create(user=mixed, role=Role.VOLUNTEER).units.set([world.grid_a])
    found = set(svc.residents_for(world.worker_a))
    assert r in found and world.outsider in found and mixed not in found
