"""The industry rules on a hand-computed fixture: the 统一社会信用代码 check, 两个覆盖 and 三有
(per zone, per part, per chain, over time), the gap list, and a chain's local supply."""
import datetime

import pytest

from gongzhi.industry.models import Chain, ChainLink, Enterprise, PartyStatus, Scale
from gongzhi.industry.services import chains, coverage
from gongzhi.industry.services.enterprises import create_enterprise, update_enterprise
from gongzhi.industry.services.uscc import check_char, clean_uscc, make_uscc
from gongzhi.party.models import OrganizationKind, PartyOrganization
from gongzhi.people.models import Role
from tests.conftest import make_user, refused

# Codes of real enterprises, as printed on their business licences (public records).
REAL_CODES = ["91350100M000100Y43", "914403001922038216", "91110108551385082Q"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_a_real_code_passes_and_its_check_character_is_the_one_computed(code):
    assert clean_uscc(code) == code
    assert check_char(code[:17]) == code[17]


def test_a_code_is_read_in_capitals_without_spaces_around():
    assert clean_uscc(" 91110108551385082q ") == "91110108551385082Q"


def test_made_codes_are_valid_and_differ():
    codes = {make_uscc("652301", n) for n in range(500)}
    assert len(codes) == 500
    assert all(clean_uscc(c) == c for c in codes)


@pytest.mark.parametrize("code, reason", [
    ("91350100M000100Y44", "ends in 3, not 4"),       # one character off at the end
    ("914403001922038215", "ends in 6, not 5"),
    ("91110108551385028Q", "check character"),          # two digits swapped
    ("91350100M000100Y4", "18 characters; this one has 17"),
    ("91350100M000100Y433", "18 characters; this one has 19"),
    ("91350100M0001O0Y43", "no character “O”"),          # the letter O, never used
    ("91350100M000I00Y43", "no character “I”"),
    ("91A50100M000100Y43", "administrative division"),
])
def test_a_wrong_code_is_refused_with_the_reason(code, reason):
    with refused(reason):
        clean_uscc(code)


def test_a_wrong_code_is_refused_in_chinese_too():
    with refused("校验码"):
        clean_uscc("91350100M000100Y44")


# --- the fixture -------------------------------------------------------------------------------
#
#  enterprise  unit    status      full prob  operating  non-public  instructor  organized_on  reached_on
#  E1          grid A  own          5    0    yes        yes         yes         2026-01-10    2026-02-01
#  E2          grid A  joint        2    1    yes        yes         no          2026-03-05    -
#  E3          grid A  federation   4    0    yes        yes         yes         (2026-02-20)  2026-03-01
#  E4          grid B  none         3    2    yes        yes         no          -             -
#  E5          grid B  none         0    0    yes        yes         yes         -             2026-03-15
#  E6          grid B  own          6    0    no         yes         no          2025-01-01    -
#  E7          grid B  none         4    0    yes        no          no          -             -
#
#  base (operating, non-public): E1–E5 = 5; organized (own/joint): E1, E2 = 2 → 40.0 %;
#  reached: E1, E3, E5 = 3 → 60.0 %; 三有 due (≥3 full): E1, E3, E4 = 3, met (own): E1 → 33.3 %.
#  grid A: 3, 2 organized (66.7 %), 2 reached; grid B: 2, 0 organized, 1 reached.
#  gap list: E3 (4 full), E4 (3), E5 (0).


@pytest.fixture
def park(world):
    w = world
    w.staff = make_user("park-staff", Role.PARK_STAFF, [w.district])
    w.instructor = make_user("instructor-1", Role.INSTRUCTOR, [w.community])
    own = PartyOrganization.objects.create(name="E1党支部", kind=OrganizationKind.ENTERPRISE_BRANCH, unit=w.grid_a)
    joint = PartyOrganization.objects.create(name="联合党支部", kind=OrganizationKind.BRANCH, unit=w.grid_a)
    e6_org = PartyOrganization.objects.create(name="E6党支部", kind=OrganizationKind.ENTERPRISE_BRANCH, unit=w.grid_b)
    rows = [
        ("E1", w.grid_a, PartyStatus.OWN, 5, 0, True, True, w.instructor, own, "2026-01-10", "2026-02-01"),
        ("E2", w.grid_a, PartyStatus.JOINT, 2, 1, True, True, None, joint, "2026-03-05", None),
        ("E3", w.grid_a, PartyStatus.FEDERATION, 4, 0, True, True, w.instructor, None, "2026-02-20", "2026-03-01"),
        ("E4", w.grid_b, PartyStatus.NONE, 3, 2, True, True, None, None, None, None),
        ("E5", w.grid_b, PartyStatus.NONE, 0, 0, True, True, w.instructor, None, None, "2026-03-15"),
        ("E6", w.grid_b, PartyStatus.OWN, 6, 0, False, True, None, e6_org, "2025-01-01", None),
        ("E7", w.grid_b, PartyStatus.NONE, 4, 0, True, False, None, None, None, None),
    ]
    w.e = {}
    for n, (name, unit, status, full, prob, operating, non_public, instructor, org, organized, reached) in enumerate(rows):
        w.e[name] = create_enterprise(
            name=name, uscc=make_uscc("370871", n + 1), unit=unit, party_status=status, members_full=full,
            members_probationary=prob, staff=50, operating=operating, non_public=non_public, instructor=instructor,
            party_org=org, organized_on=organized and datetime.date.fromisoformat(organized),
            reached_on=reached and datetime.date.fromisoformat(reached), by=w.staff)
    return w


def test_coverage_of_the_zone_is_the_hand_computed_one(park):
    report = coverage.coverage(coverage.in_unit(park.district))
    assert (report["enterprises"], report["organized"], report["reached"]) == (5, 2, 3)
    assert (report["organization_rate"], report["work_rate"]) == (40.0, 60.0)
    assert (report["sanyou_due"], report["sanyou_met"], report["sanyou_rate"]) == (3, 1, 33.3)


def test_coverage_by_part_of_the_park(park):
    parts = dict((unit.name, report) for unit, report in coverage.by_part(Enterprise.objects.all(), park.community))
    assert (parts["A网格"]["enterprises"], parts["A网格"]["organized"], parts["A网格"]["organization_rate"]) == (3, 2, 66.7)
    assert (parts["B网格"]["enterprises"], parts["B网格"]["reached"], parts["B网格"]["organization_rate"]) == (2, 1, 0.0)


def test_coverage_of_a_chain_counts_its_member_enterprises(park):
    chain = Chain.objects.create(zone=park.district, name="造纸", leader=park.e["E1"])
    chain.members.set([park.e["E1"], park.e["E3"], park.e["E4"], park.e["E6"]])
    Chain.objects.create(zone=park.district, name="空链")
    reports = {c.name: r for c, r in coverage.by_chain(Chain.objects.all())}
    assert (reports["造纸"]["enterprises"], reports["造纸"]["organized"], reports["造纸"]["organization_rate"]) == (3, 1, 33.3)
    assert (reports["造纸"]["sanyou_due"], reports["造纸"]["sanyou_met"]) == (3, 1)
    assert reports["空链"]["organization_rate"] is None


def test_the_gap_list_names_the_enterprises_to_act_on_most_members_first(park):
    gaps = list(coverage.gap_list(Enterprise.objects.all()))
    assert [e.name for e in gaps] == ["E3", "E4", "E5"]
    assert [e.sanyou_gap for e in gaps] == [True, True, False]


def test_coverage_over_time_counts_from_the_dates_on_the_records(park):
    months = coverage.over_time(Enterprise.objects.all(), months=3, today=datetime.date(2026, 3, 31))
    assert [m["month"] for m in months] == ["2026-01", "2026-02", "2026-03"]
    assert [m["organized"] for m in months] == [1, 1, 2]
    assert [m["reached"] for m in months] == [0, 1, 3]
    assert [m["organization_rate"] for m in months] == [20.0, 20.0, 40.0]


def test_an_enterprise_registered_later_is_not_in_earlier_months(park):
    update_enterprise(park.e["E5"], registered_on=datetime.date(2026, 2, 10), by=park.staff)
    months = coverage.over_time(Enterprise.objects.all(), months=3, today=datetime.date(2026, 3, 31))
    assert [m["enterprises"] for m in months] == [4, 5, 5]


def test_a_chains_local_supply_share_and_logistics_saving(park):
    chain = Chain.objects.create(zone=park.district, name="造纸", leader=park.e["E1"])
    buyer = park.e["E1"]
    ChainLink.objects.create(chain=chain, supplier=park.e["E3"], buyer=buyer, product="纸浆", yearly_value_yuan=600,
                             logistics_before_yuan=100, logistics_after_yuan=80)
    ChainLink.objects.create(chain=chain, supplier=park.e["E4"], buyer=buyer, product="包装", yearly_value_yuan=200,
                             logistics_before_yuan=50, logistics_after_yuan=45)
    ChainLink.objects.create(chain=chain, outside_supplier="外省某厂", buyer=buyer, product="化工", yearly_value_yuan=200,
                             logistics_before_yuan=30, logistics_after_yuan=30)
    report = chains.chain_supply(chain)
    assert (report["links"], report["local_links"]) == (3, 2)
    assert report["local_share"] == 80.0          # 800 of 1,000 yuan
    assert report["saving_rate"] == 16.7          # (150 − 125) / 150
    assert report["saving_yuan"] == 25
    graph = chains.graph(chain)
    assert {n["name"] for n in graph["nodes"]} == {"E1", "E3", "E4", "外省某厂"}
    assert [n["name"] for n in graph["nodes"] if n["leader"]] == ["E1"]
    assert sum(1 for edge in graph["links"] if edge["local"]) == 2


# --- the writes ------------------------------------------------------------------------------


def test_an_enterprise_with_a_wrong_code_is_not_created(park):
    with refused("check character"):
        create_enterprise(name="错码", uscc="91350100M000100Y44", unit=park.grid_a, by=park.staff)
    assert not Enterprise.objects.filter(name="错码").exists()


def test_the_same_code_cannot_be_registered_twice(park):
    with refused("already registered"):
        create_enterprise(name="重复", uscc=park.e["E1"].uscc, unit=park.grid_a, by=park.staff)


def test_own_or_joint_status_needs_its_organization(park):
    with refused("Name the party organization"):
        create_enterprise(name="无组织", uscc=make_uscc("370871", 900), unit=park.grid_a, party_status=PartyStatus.OWN,
                          by=park.staff)


def test_a_unit_outside_ones_scope_is_like_a_missing_one(park):
    worker = make_user("worker-only-a", Role.GRID_WORKER, [park.grid_a])
    with refused("No such unit"):
        create_enterprise(name="越界", uscc=make_uscc("370871", 901), unit=park.grid_b, by=worker)


def test_going_back_to_no_organization_clears_the_organization_and_its_date(park):
    e = update_enterprise(park.e["E2"], party_status=PartyStatus.NONE, by=park.staff)
    assert (e.party_org, e.organized_on) == (None, None)
    assert e.scale == Scale.SMALL


def test_a_five_good_evaluation_scores_the_points_of_the_items_met(park):
    from gongzhi.industry.models import EvaluationItem
    from gongzhi.industry.services.evaluations import record_evaluation

    items = [EvaluationItem.objects.create(zone=park.district, position=i, text=t, points=p)
             for i, (t, p) in enumerate([("领导班子好", 30), ("党员队伍好", 20), ("工作机制好", 50)])]
    org = park.e["E1"].party_org
    evaluation = record_evaluation(org, 2025, items[:2], by=park.staff)
    assert evaluation.score == 50
    assert [r.met for r in evaluation.results.order_by("item__position")] == [True, True, False]
    again = record_evaluation(org, 2025, [items[2]], by=park.staff)
    assert (again.pk, again.score, again.results.filter(met=True).count()) == (evaluation.pk, 50, 1)
    other_zone_item = EvaluationItem.objects.create(zone=park.grid_a, position=9, text="别处", points=10)
    with refused("not on this zone's checklist"):
        record_evaluation(org, 2025, [other_zone_item], by=park.staff)


def test_only_park_staff_evaluate_and_only_an_enterprise_s_organization(park):
    from gongzhi.core.errors import NotFound
    from gongzhi.industry.models import EvaluationItem
    from gongzhi.industry.services.evaluations import record_evaluation

    EvaluationItem.objects.create(zone=park.district, position=1, text="领导班子好", points=30)
    org = park.e["E1"].party_org
    # An enterprise's liaison (in the zone, but not park staff) evaluates nothing.
    liaison = make_user("liaison-e1", Role.ENTERPRISE_LIAISON, [park.grid_a])
    with pytest.raises(NotFound):
        record_evaluation(org, 2025, [], by=liaison)
    grid_branch = PartyOrganization.objects.create(name="网格党支部", kind=OrganizationKind.BRANCH, unit=park.grid_a)
    with refused("enterprises"):
        record_evaluation(grid_branch, 2025, [], by=park.staff)
    assert not org.evaluations.exists() and not grid_branch.evaluations.exists()
