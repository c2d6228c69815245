"""The proposal pages: home, list with filters, propose (with similar suggestions and on
behalf), detail with support / withdraw / follow, the staff queue and the answer form; scoped
(another grid's proposal is a 404 like a missing one) and the author masked to residents."""
import pytest
from django.urls import reverse

from gongzhi.deliberation.models import Decision, OwnerKind, Proposal, ProposalStatus, Support
from gongzhi.deliberation.services import meetings as meeting_services
from gongzhi.deliberation.services import proposals as svc
from tests.deliberation_helpers import jpeg, meeting, residents


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fitness(world):
    world.outsider.display_name = "张三"
    world.outsider.save()
    return svc.propose(unit=world.grid_a, author=world.outsider, title="小区健身器材坏了该谁修?", body="单杠松了")


def page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(f"deliberation:{name}", args=args), query)


def test_home_shows_next_meetings_my_units_proposals_and_what_i_follow(client, world, fitness):
    meeting(world.grid_a, title="十二月说七说八")
    (r,) = residents(world, 1)
    html = page(client, r, "home").content.decode()
    assert "十二月说七说八" in html and "小区健身器材坏了该谁修?" in html
    assert "You can support 10 more proposals this month." in html or "本月还可以支持" in html
    svc.support(fitness, user=r)
    response = page(client, r, "home")
    followed = response.context["followed"]
    assert list(followed) == [fitness] and list(response.context["unit_proposals"]) == []


def test_home_lists_decisions_on_followed_proposals(client, world, fitness):
    m = meeting(world.grid_a)
    item = meeting_services.add_item(m, title=fitness.title, by=world.worker_a, proposal=fitness)
    Decision.objects.create(meeting=m, item=item, what="物业三天内修好单杠", owner_kind=OwnerKind.PROPERTY,
                            owner_name="龙城物业", due_on="2026-12-10")
    html = page(client, world.outsider, "home").content.decode()
    assert "物业三天内修好单杠" in html and "龙城物业" in html


def test_a_resident_of_another_grid_gets_404_like_a_missing_proposal(client, world, fitness):
    (b,) = residents(world, 1, grid=world.grid_b)
    assert page(client, b, "proposal", fitness.pk).status_code == 404
    assert page(client, b, "proposal", 999999).status_code == 404
    client.force_login(b)
    assert client.post(reverse("deliberation:proposal_support", args=[fitness.pk])).status_code == 404
    assert fitness.title not in page(client, b, "proposals").content.decode()


def test_the_author_is_masked_to_residents_and_full_to_staff(client, world, fitness):
    (r,) = residents(world, 1)
    assert page(client, r, "proposal", fitness.pk).context["author"] == "张*"
    assert "张三" not in page(client, r, "proposal", fitness.pk).content.decode()
    assert page(client, world.worker_a, "proposal", fitness.pk).context["author"] == "张三"


def test_the_list_filters_by_status_and_unit(client, world, fitness):
    other = svc.propose(unit=world.community, author=world.outsider, title="社区议题", body="社区")
    svc.answer(other, outcome="answered", reason="已办", by=world.secretary)
    rows = lambda **q: list(page(client, world.secretary, "proposals", **q).context["proposals"])  # noqa: E731
    assert set(rows()) == {fitness, other}
    assert rows(status="answered") == [other]
    assert rows(unit=world.grid_a.code) == [fitness]


def test_a_resident_proposes_from_the_form_with_a_photo(client, world, media):
    client.force_login(world.outsider)
    form = client.get(reverse("deliberation:proposal_new"))
    assert form.status_code == 200 and "author" not in form.context["form"].fields
    response = client.post(reverse("deliberation:proposal_new"), {
        "unit": world.grid_a.code, "title": "公共充电桩放哪儿更合理?", "body": "楼道里充电很危险", "photos": [jpeg()]})
    p = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("deliberation:proposal", args=[p.pk])
    assert p.photos.count() == 1
    ph = p.photos.get()
    assert client.get(reverse("deliberation:proposal_photo", args=[p.pk, ph.token, "thumb"])).status_code == 200
    (b,) = residents(world, 1, grid=world.grid_b)
    client.force_login(b)
    assert client.get(reverse("deliberation:proposal_photo", args=[p.pk, ph.token, "thumb"])).status_code == 404


def test_the_form_shows_every_error_and_writes_nothing(client, world):
    client.force_login(world.outsider)
    response = client.post(reverse("deliberation:proposal_new"), {"unit": world.grid_b.code, "title": "", "body": "x"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"unit", "title"}
    assert not Proposal.objects.exists()


def test_a_grid_worker_proposes_on_behalf_of_a_resident_of_their_grid(client, world):
    (b,) = residents(world, 1, grid=world.grid_b)
    client.force_login(world.worker_a)
    form = client.get(reverse("deliberation:proposal_new")).context["form"]
    choices = dict(form.fields["author"].choices)
    assert world.outsider.pk in choices and b.pk not in choices
    client.post(reverse("deliberation:proposal_new"), {"unit": world.grid_a.code, "author": world.outsider.pk,
                                                       "title": "楼道灯坏了", "body": "王奶奶托我提的"})
    p = Proposal.objects.get()
    assert p.author == world.outsider and p.recorded_by == world.worker_a


def test_similar_proposals_are_suggested_while_typing(client, world, fitness):
    (r,) = residents(world, 1)
    html = page(client, r, "proposal_similar", unit=world.grid_a.code, title="健身器材坏了", body="").content.decode()
    assert 'data-testid="similar-proposals"' in html and fitness.title in html
    (b,) = residents(world, 1, grid=world.grid_b)
    assert page(client, b, "proposal_similar", unit=world.grid_a.code, title="健身器材坏了").status_code == 404


def test_support_withdraw_and_follow_buttons(client, world, fitness):
    (r,) = residents(world, 1)
    html = page(client, r, "proposal", fitness.pk).content.decode()
    assert 'data-testid="support"' in html and 'data-testid="follow"' in html
    client.post(reverse("deliberation:proposal_support", args=[fitness.pk]))
    detail = client.get(reverse("deliberation:proposal", args=[fitness.pk]))
    html = detail.content.decode()
    assert 'data-testid="unsupport"' in html and 'data-testid="unfollow"' in html
    assert detail.context["proposal"].support_count == 1
    again = client.post(reverse("deliberation:proposal_support", args=[fitness.pk]), follow=True)
    assert "already support" in again.content.decode() or "已经支持" in again.content.decode()
    client.post(reverse("deliberation:proposal_unsupport", args=[fitness.pk]))
    assert not Support.objects.exists()
    client.post(reverse("deliberation:proposal_unfollow", args=[fitness.pk]))
    assert 'data-testid="follow"' in client.get(reverse("deliberation:proposal", args=[fitness.pk])).content.decode()


def test_the_staff_queue_and_the_answer_form(client, world, fitness):
    (r,) = residents(world, 1)
    assert page(client, r, "proposal_queue").status_code == 404
    assert page(client, r, "proposal_answer", fitness.pk).status_code == 404
    assert page(client, world.worker_b, "proposal_answer", fitness.pk).status_code == 404
    assert list(page(client, world.worker_a, "proposal_queue").context["page"]) == [fitness]
    bad = client.post(reverse("deliberation:proposal_answer", args=[fitness.pk]), {"outcome": "answered", "reason": ""})
    assert bad.status_code == 400 and "reason" in bad.context["form"].errors
    m = meeting(world.grid_a, title="十二月说七说八")
    done = client.post(reverse("deliberation:proposal_answer", args=[fitness.pk]), {"outcome": "on_agenda", "meeting": m.pk})
    assert done.status_code == 302
    fitness.refresh_from_db()
    assert fitness.status == ProposalStatus.ON_AGENDA
    assert list(page(client, world.worker_a, "proposal_queue").context["page"]) == []
    html = page(client, r, "proposal", fitness.pk).content.decode()
    assert 'data-testid="agenda-item"' in html and "十二月说七说八" in html


def test_the_reason_of_an_answer_is_shown_to_supporters(client, world, fitness):
    (r,) = residents(world, 1)
    svc.support(fitness, user=r)
    svc.answer(fitness, outcome="out_of_scope", reason="属于市政设施,已转12345", by=world.worker_a)
    html = page(client, r, "proposal", fitness.pk).content.decode()
    assert "属于市政设施,已转12345" in html


def test_a_grid_worker_records_the_support_of_a_resident_without_a_phone(client, world, fitness):
    (r,) = residents(world, 1)
    (b,) = residents(world, 1, grid=world.grid_b)
    response = page(client, world.worker_a, "proposal", fitness.pk)
    assert 'data-testid="support-on-behalf"' in response.content.decode()
    assert r in response.context["residents"] and world.outsider not in response.context["residents"]  # not the author
    client.post(reverse("deliberation:proposal_support", args=[fitness.pk]), {"user": b.pk})
    assert not Support.objects.exists()
    client.post(reverse("deliberation:proposal_support", args=[fitness.pk]), {"user": r.pk})
    support = Support.objects.get()
    assert support.user == r and support.recorded_by == world.worker_a
    assert 'data-testid="support-on-behalf"' not in page(client, r, "proposal", fitness.pk).content.decode()


def test_the_page_says_how_many_supports_put_it_on_the_agenda_and_when_it_waits(client, world, fitness):
    meeting(world.grid_a, threshold=3)
    (r,) = residents(world, 1)
    response = page(client, r, "proposal", fitness.pk)
    assert response.context["threshold"] == 3 and 'data-testid="threshold"' in response.content.decode()
    Proposal.objects.filter(pk=fitness.pk).update(threshold_reached_at="2026-11-20T10:00:00Z")
    assert 'data-testid="waiting"' in page(client, r, "proposal", fitness.pk).content.decode()
