"""The enterprise liaison's page (/industry/mine/): our needs and offers, posting with a form,
suggested matches, our cooperation; a liaison sees only their own enterprise's private data."""
from gongzhi.industry.models import Need, NeedKind, Offer
from gongzhi.industry.services import market as rules
from tests.test_industry_needs_board import market  # noqa: F401 - the fixture


def test_the_liaison_sees_our_needs_matches_and_agreements_only(client, market):  # noqa: F811
    rules.record_agreement(by=market.staff, title="木浆长期供货协议", parties=[market.e["恒安纸业"], market.e["浆料公司"]])
    rules.record_agreement(by=market.staff, title="别人的协议", parties=[market.e["浆料公司"], market.e["远方电气"]])
    client.force_login(market.liaison)
    body = client.get("/industry/mine/").content.decode()
    assert "流动资金五百万元" in body and "供应链金融" in body          # our need and its suggested match
    assert "木浆长期供货协议" in body
    assert "别人的协议" not in body and "远方电气的保密人才需求" not in body
    assert 'data-testid="menu-industry-mine"' in body


def test_the_liaison_posts_a_need_and_an_offer(client, market):  # noqa: F811
    client.force_login(market.liaison)
    response = client.post("/industry/mine/needs/", {"kind": NeedKind.FUNDING, "text": "采购木浆需要资金",
                                                     "quantity": "300万元", "deadline": "2099-01-31"})
    assert response.status_code == 302
    need = Need.objects.get(text="采购木浆需要资金")
    assert need.enterprise == market.e["恒安纸业"] and need.created_by == market.liaison
    assert need.matches.exists()                                   # suggested at once
    client.post("/industry/mine/offers/", {"kind": NeedKind.LOGISTICS, "text": "返程空车可承运"})
    assert Offer.objects.get(text="返程空车可承运").enterprise == market.e["恒安纸业"]


def test_bad_input_is_refused_with_the_reason(client, market):  # noqa: F811
    client.force_login(market.liaison)
    for data in ({"kind": "gold", "text": "金子"}, {"kind": NeedKind.FUNDING, "text": ""},
                 {"kind": NeedKind.FUNDING, "text": "资金", "deadline": "tomorrow"},
                 {"kind": NeedKind.FUNDING, "text": "资金", "deadline": "2000-01-01"},
                 {"kind": NeedKind.FUNDING, "text": "资金", "quantity": "x" * 51},
                 {"kind": NeedKind.FUNDING, "text": "资金", "enterprise": market.e["远方电气"].pk}):
        response = client.post("/industry/mine/needs/", data, follow=True)
        assert "alert" in response.content.decode(), data
    assert not Need.objects.filter(created_by=market.liaison).exclude(pk=market.need.pk).exists()


def test_someone_without_an_enterprise_gets_an_empty_page_and_cannot_post(client, market):  # noqa: F811
    client.force_login(market.jining_admin)
    assert client.get("/industry/mine/").status_code == 200
    assert client.post("/industry/mine/needs/", {"kind": NeedKind.FUNDING, "text": "资金"}).status_code == 404


def test_what_was_typed_comes_back_once_after_a_refusal(client, market):  # noqa: F811
    # A past deadline on a phone: the message, and the kind, text and quantity still in the form.
    client.force_login(market.liaison)
    body = client.post("/industry/mine/needs/", {"kind": NeedKind.TALENT, "text": "招聘化验员三名，需持证",
                                                 "quantity": "3人", "deadline": "2000-01-01"}, follow=True).content.decode()
    assert "alert-danger" in body and "招聘化验员三名，需持证</textarea>" in body
    assert 'value="talent" selected' in body and 'value="3人"' in body and 'value="2000-01-01"' in body
    assert "招聘化验员三名" not in client.get("/industry/mine/").content.decode()     # once
    body = client.post("/industry/mine/offers/", {"kind": "gold", "text": "闲置叉车出租"}, follow=True).content.decode()
    assert "闲置叉车出租</textarea>" in body and 'data-testid="offer-form"' in body


def test_a_long_need_is_cut_on_the_list_with_a_link_to_all_of_it(client, market):  # noqa: F811
    long = rules.post_need(market.e["恒安纸业"], by=market.liaison, kind=NeedKind.TECHNOLOGY, text="工艺说明" * 500)
    client.force_login(market.liaison)
    body = client.get("/industry/mine/").content.decode()
    assert "工艺说明" * 100 not in body and f'href="/industry/needs/{long.pk}/"' in body
    assert "工艺说明" * 500 in client.get(f"/industry/needs/{long.pk}/").content.decode()
