"""Quorum and majority on hand-computed examples (services.votes.compute, a pure function)."""
import pytest

from gongzhi.deliberation.models import Majority
from gongzhi.deliberation.services.votes import compute


def result(f, a, ab, *, eligible, counted=None, quorum=50, majority=Majority.SIMPLE):
    counted = f + a + ab if counted is None else counted
    return compute(votes_for=f, against=a, abstain=ab, eligible=eligible, counted=counted, quorum_percent=quorum,
                   majority=majority)


def test_a_tie_fails_under_every_majority():
    for majority in Majority.values:
        tally = result(3, 3, 0, eligible=6, majority=majority)
        assert tally.quorum_met and not tally.passed, majority


def test_zero_votes_never_pass_and_meet_no_quorum():
    for majority in Majority.values:
        tally = result(0, 0, 0, eligible=10, majority=majority)
        assert (tally.quorum_met, tally.passed) == (False, False), majority


def test_a_quorum_of_zero_percent_with_no_votes_still_passes_nothing():
    tally = result(0, 0, 0, eligible=10, quorum=0, majority=Majority.TWO_THIRDS)
    assert tally.quorum_met and not tally.passed


def test_nobody_eligible_meets_no_quorum():
    assert not result(0, 0, 0, eligible=0, quorum=0).quorum_met


def test_exactly_the_quorum_meets_it_and_one_less_does_not():
    # 50 % of 9 is 4.5: five meet it, four do not.
    assert result(5, 0, 0, eligible=9).quorum_met
    assert not result(4, 0, 0, eligible=9).quorum_met
    assert result(5, 0, 0, eligible=9).quorum_needed == 5
    # 60 % of 10 is exactly 6.
    assert result(4, 1, 1, eligible=10, quorum=60).quorum_met
    assert not result(4, 1, 0, eligible=10, quorum=60).quorum_met


def test_simple_majority_ignores_abstentions():
    # 2 for, 1 against, 5 abstain: passes by simple majority, not by half of the votes cast.
    assert result(2, 1, 5, eligible=8).passed
    assert not result(2, 1, 5, eligible=8, majority=Majority.HALF_OF_CAST).passed


def test_half_of_cast_needs_more_than_half():
    assert not result(4, 2, 2, eligible=8, majority=Majority.HALF_OF_CAST).passed  # 4 of 8 is exactly half
    assert result(5, 2, 1, eligible=8, majority=Majority.HALF_OF_CAST).passed


def test_exactly_two_thirds_passes_and_just_under_does_not():
    assert result(6, 3, 0, eligible=9, majority=Majority.TWO_THIRDS).passed  # 6 of 9
    assert result(2, 1, 0, eligible=3, majority=Majority.TWO_THIRDS).passed  # 2 of 3
    assert not result(5, 3, 0, eligible=8, majority=Majority.TWO_THIRDS).passed  # 5 of 8 = 62.5 %
    assert result(6, 2, 1, eligible=9, majority=Majority.TWO_THIRDS, quorum=100).passed  # 6 of 9 with an abstention
    assert not result(6, 3, 1, eligible=10, majority=Majority.TWO_THIRDS).passed  # 6 of 10: an abstention counts


def test_a_majority_without_quorum_fails():
    # Council: 2 of 7 members present (quorum 50 % needs 4); both vote for.
    tally = result(2, 0, 0, eligible=7, counted=2)
    assert not tally.quorum_met and not tally.passed
    assert result(2, 0, 0, eligible=7, counted=4).passed


@pytest.mark.parametrize("majority", ["plurality", ""])
def test_an_unknown_majority_is_a_programming_error(majority):
    with pytest.raises(ValueError):
        result(1, 0, 0, eligible=1, majority=majority)
