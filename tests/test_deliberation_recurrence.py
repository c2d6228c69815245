"""Recurrence rules (an RRULE subset): dates across month ends, short months, positions, words."""
import datetime
import importlib

import pytest
from django.utils import timezone, translation

from gongzhi.deliberation import recurrence

from .conftest import refused

D = datetime.date


def days(rule, start, until, **kwargs):
    return [timezone.localtime(t).date() for t in recurrence.occurrences(recurrence.parse(rule), start, until, **kwargs)]


def test_the_7th_of_every_month_at_19_00_local_time():
    found = recurrence.occurrences(recurrence.parse("FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19;BYMINUTE=0"),
                                   D(2026, 11, 1), D(2027, 2, 28))
    assert [timezone.localtime(t).date() for t in found] == [D(2026, 11, 7), D(2026, 12, 7), D(2027, 1, 7), D(2027, 2, 7)]
    assert all(timezone.is_aware(t) and timezone.localtime(t).time() == datetime.time(19, 0) for t in found)
    # 19:00 in Shanghai is 11:00 UTC
    assert found[0].astimezone(datetime.timezone.utc).hour == 11


def test_both_ends_of_the_window_are_included():
    assert days("FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19", D(2026, 12, 7), D(2027, 1, 7)) == [D(2026, 12, 7), D(2027, 1, 7)]
    assert days("FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19", D(2026, 12, 8), D(2027, 1, 6)) == []


def test_the_31st_is_skipped_in_months_without_one():
    assert days("FREQ=MONTHLY;BYMONTHDAY=31;BYHOUR=19", D(2027, 1, 1), D(2027, 5, 31)) == [
        D(2027, 1, 31), D(2027, 3, 31), D(2027, 5, 31)]


def test_the_last_day_of_the_month_falls_on_february_28_29_and_april_30():
    assert days("FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=19", D(2027, 1, 1), D(2027, 4, 30)) == [
        D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)]
    assert days("FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=19", D(2028, 2, 1), D(2028, 3, 1)) == [D(2028, 2, 29)]


def test_the_30th_crosses_the_end_of_a_leap_february():
    assert days("FREQ=MONTHLY;BYMONTHDAY=30;BYHOUR=9", D(2028, 1, 15), D(2028, 3, 31)) == [D(2028, 1, 30), D(2028, 3, 30)]


def test_the_first_wednesday_and_the_last_friday():
    assert days("FREQ=MONTHLY;BYDAY=1WE;BYHOUR=19;BYMINUTE=30", D(2026, 11, 1), D(2027, 1, 31)) == [
        D(2026, 11, 4), D(2026, 12, 2), D(2027, 1, 6)]
    assert days("FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=19", D(2026, 11, 1), D(2027, 2, 28)) == [
        D(2026, 11, 27), D(2026, 12, 25), D(2027, 1, 29), D(2027, 2, 26)]


def test_a_fifth_weekday_only_in_months_that_have_one():
    # Thursdays of November 2026: 5, 12, 19, 26 (four); of December: 3, 10, 17, 24, 31; of January 2027: four.
    assert days("FREQ=MONTHLY;BYDAY=5TH;BYHOUR=19", D(2026, 11, 1), D(2027, 1, 31)) == [D(2026, 12, 31)]


def test_every_third_month_counts_from_the_series_first_date():
    rule = "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15;BYHOUR=14;BYMINUTE=30"
    assert days(rule, D(2026, 1, 1), D(2026, 12, 31)) == [D(2026, 1, 15), D(2026, 4, 15), D(2026, 7, 15), D(2026, 10, 15)]
    # A later window of the same series keeps the rhythm (January, April, July, October).
    assert days(rule, D(2027, 2, 1), D(2027, 12, 31), anchor=D(2026, 1, 1)) == [D(2027, 4, 15), D(2027, 7, 15), D(2027, 10, 15)]


def test_weekly_and_every_other_week():
    assert days("FREQ=WEEKLY;BYDAY=WE;BYHOUR=19", D(2026, 11, 26), D(2026, 12, 16)) == [
        D(2026, 12, 2), D(2026, 12, 9), D(2026, 12, 16)]
    assert days("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;BYHOUR=9", D(2026, 11, 23), D(2026, 12, 13)) == [
        D(2026, 11, 23), D(2026, 11, 26), D(2026, 12, 7), D(2026, 12, 10)]


def test_every_default_format_rule_parses():
    defaults = importlib.import_module("gongzhi.deliberation.defaults")
    for row in defaults.DELIBERATION:
        recurrence.parse(row[8])
    for row in defaults.PARTY:
        recurrence.parse(row[6])


@pytest.mark.parametrize("text, match", [
    ("", "empty"),
    ("FREQ=DAILY;BYHOUR=9", "WEEKLY or MONTHLY"),
    ("FREQ=MONTHLY;BYMONTHDAY=7", "BYHOUR is required"),
    ("FREQ=MONTHLY;BYMONTHDAY=32;BYHOUR=9", "between -31 and 31"),
    ("FREQ=MONTHLY;BYMONTHDAY=0;BYHOUR=9", "cannot be 0"),
    ("FREQ=MONTHLY;BYDAY=1XX;BYHOUR=9", "Unknown day"),
    ("FREQ=MONTHLY;BYDAY=6WE;BYHOUR=9", "between -5 and 5"),
    ("FREQ=MONTHLY;BYDAY=1WE;BYMONTHDAY=7;BYHOUR=9", "not both"),
    ("FREQ=WEEKLY;BYDAY=1WE;BYHOUR=9", "without a position"),
    ("FREQ=WEEKLY;BYMONTHDAY=7;BYHOUR=9", "only for FREQ=MONTHLY"),
    ("FREQ=MONTHLY;BYHOUR=25", "between 0 and 23"),
    ("FREQ=MONTHLY;BYHOUR=x", "whole number"),
    ("FREQ=MONTHLY;INTERVAL=0;BYHOUR=9", "between 1 and 12"),
    ("FREQ=MONTHLY;COUNT=3;BYHOUR=9", "not supported"),
    ("FREQ=MONTHLY;FREQ=WEEKLY;BYHOUR=9", "twice"),
    ("FREQ", "KEY=VALUE"),
])
def test_bad_rules_are_refused_with_a_reason(text, match):
    with refused(match) as caught:
        recurrence.parse(text)
    with translation.override("zh-hans"):
        chinese = caught.value.text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), chinese


@pytest.mark.parametrize("text, zh, en", [
    ("FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19;BYMINUTE=0", "每月7日 19:00", "7th of every month, 19:00"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=9", "每月最后一天 09:00", "last day of every month, 09:00"),
    ("FREQ=MONTHLY;BYDAY=1WE;BYHOUR=19;BYMINUTE=30", "每月第一个星期三 19:30", "first Wednesday of every month, 19:30"),
    ("FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=19", "每月最后一个星期五 19:00", "last Friday of every month, 19:00"),
    ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15;BYHOUR=14;BYMINUTE=30", "每3个月15日 14:30", "15th of every 3 months, 14:30"),
    ("FREQ=WEEKLY;BYDAY=WE;BYHOUR=19", "每周三 19:00", "every Wednesday, 19:00"),
])
def test_a_rule_in_words_in_the_readers_language(text, zh, en):
    with translation.override("zh-hans"):
        assert recurrence.describe(text) == zh
    with translation.override("en"):
        assert recurrence.describe(text) == en


def test_a_parsed_rule_writes_back_the_same_rule():
    rule = recurrence.parse("rrule:freq=monthly;byday=1we;byhour=19;byminute=30")
    assert recurrence.parse(rule.text()) == rule
