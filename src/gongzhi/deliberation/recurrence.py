"""When a series' meetings fall: a small subset of RFC 5545 recurrence rules (RRULE).

Supported, and nothing else (anything else is refused with a message, never ignored):

- ``FREQ=WEEKLY`` or ``FREQ=MONTHLY`` (required);
- ``INTERVAL=n`` (1–12; every n weeks or months, counted from the series' first date);
- ``BYDAY``: weekly, plain days (``MO,WE``); monthly, with an ordinal (``1WE`` first Wednesday,
  ``-1FR`` last Friday, ``2TH``) or plain (every Wednesday of the month);
- ``BYMONTHDAY`` (monthly only): ``7``, or ``-1`` for the last day of the month. As RFC 5545
  says, a day a month does not have (31 in April) gives no meeting that month: a meeting
  "on the 31st" is not silently moved to the 30th; ``-1`` is the way to say "the last day";
- ``BYHOUR`` (required) and ``BYMINUTE`` (default 0): the local time of the meeting.

Dates are computed in local time (settings.TIME_ZONE) and returned as aware datetimes, so a
19:00 meeting stays at 19:00 whatever the offset that day.
"""
import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
MAX_INTERVAL = 12
KNOWN_KEYS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYHOUR", "BYMINUTE"}


@dataclass(frozen=True)
class Rule:
    freq: str  # "WEEKLY" or "MONTHLY"
    interval: int = 1
    # (ordinal or None, weekday 0=Monday) pairs
    byday: tuple = ()
    bymonthday: tuple = ()
    hour: int = 19
    minute: int = 0

    def text(self):
        """The rule written back as an RRULE (normalized)."""
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(f"{n or ''}{WEEKDAYS[d]}" for n, d in self.byday))
        if self.bymonthday:
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in self.bymonthday))
        parts.append(f"BYHOUR={self.hour}")
        parts.append(f"BYMINUTE={self.minute}")
        return ";".join(parts)


def _bad(message, **params):
    return DomainError(message, code="recurrence", field="recurrence", params=params)


def _integer(value, key, low, high):
    try:
        number = int(value)
    except ValueError:
        raise _bad(_("%(key)s must be a whole number, not “%(value)s”."), key=key, value=value[:20])
    if not low <= number <= high:
        raise _bad(_("%(key)s must be between %(low)d and %(high)d."), key=key, low=low, high=high)
    return number


def _weekday(text):
    code = text[-2:]
    ordinal = text[:-2]
    if code not in WEEKDAYS:
        raise _bad(_("Unknown day “%(value)s” in BYDAY: use MO, TU, WE, TH, FR, SA or SU, e.g. 1WE or -1FR."),
                   value=text[:20])
    number = None
    if ordinal:
        number = _integer(ordinal, "BYDAY", -5, 5)
        if number == 0:
            raise _bad(_("A BYDAY position cannot be 0: use 1 to 5, or -1 for the last."))
    return number, WEEKDAYS.index(code)


def parse(rule_text):
    """A ``Rule`` from RRULE text (``FREQ=MONTHLY;BYDAY=1WE;BYHOUR=19;BYMINUTE=30``), or a
    DomainError saying what is wrong in Chinese and English."""
    if not isinstance(rule_text, str) or not rule_text.strip():
        raise _bad(_("The recurrence rule is empty: write e.g. FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19."))
    text = rule_text.strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:"):]
    values = {}
    for part in filter(None, text.split(";")):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not value:
            raise _bad(_("“%(part)s” is not of the form KEY=VALUE."), part=part[:30])
        if key not in KNOWN_KEYS:
            raise _bad(_("%(key)s is not supported here: use FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYHOUR and BYMINUTE."),
                       key=key[:20])
        if key in values:
            raise _bad(_("%(key)s is given twice."), key=key)
        values[key] = value
    freq = values.get("FREQ")
    if freq not in ("WEEKLY", "MONTHLY"):
        raise _bad(_("FREQ must be WEEKLY or MONTHLY."))
    interval = _integer(values["INTERVAL"], "INTERVAL", 1, MAX_INTERVAL) if "INTERVAL" in values else 1
    if "BYHOUR" not in values:
        raise _bad(_("BYHOUR is required: the hour the meeting starts (0–23)."))
    hour = _integer(values["BYHOUR"], "BYHOUR", 0, 23)
    minute = _integer(values["BYMINUTE"], "BYMINUTE", 0, 59) if "BYMINUTE" in values else 0
    byday = tuple(_weekday(v.strip()) for v in values["BYDAY"].split(",")) if "BYDAY" in values else ()
    bymonthday = ()
    if "BYMONTHDAY" in values:
        if freq != "MONTHLY":
            raise _bad(_("BYMONTHDAY is only for FREQ=MONTHLY."))
        if byday:
            raise _bad(_("Give either BYDAY or BYMONTHDAY, not both."))
        days = []
        for value in values["BYMONTHDAY"].split(","):
            day = _integer(value.strip(), "BYMONTHDAY", -31, 31)
            if day == 0:
                raise _bad(_("BYMONTHDAY cannot be 0: use 1 to 31, or -1 for the last day of the month."))
            days.append(day)
        bymonthday = tuple(days)
    if freq == "WEEKLY" and any(n is not None for n, _d in byday):
        raise _bad(_("A weekly rule takes plain days in BYDAY (e.g. WE), without a position."))
    return Rule(freq=freq, interval=interval, byday=byday, bymonthday=bymonthday, hour=hour, minute=minute)


def _month_days(rule, year, month, first):
    """The days of one month the rule gives (``first``: the series' first date, for defaults)."""
    length = calendar.monthrange(year, month)[1]
    days = set()
    if rule.bymonthday:
        for day in rule.bymonthday:
            actual = day if day > 0 else length + 1 + day
            if 1 <= actual <= length:  # a day the month lacks gives nothing (RFC 5545)
                days.add(actual)
    elif rule.byday:
        for ordinal, weekday in rule.byday:
            matching = [d for d in range(1, length + 1) if datetime.date(year, month, d).weekday() == weekday]
            if ordinal is None:
                days.update(matching)
            elif abs(ordinal) <= len(matching):
                days.add(matching[ordinal - 1] if ordinal > 0 else matching[ordinal])
    elif first.day <= length:
        days.add(first.day)
    return [datetime.date(year, month, d) for d in sorted(days)]


def _dates(rule, first, until):
    if rule.freq == "MONTHLY":
        year, month = first.year, first.month
        while datetime.date(year, month, 1) <= until:
            yield from _month_days(rule, year, month, first)
            month += rule.interval
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    else:
        weekdays = sorted({d for _n, d in rule.byday}) or [first.weekday()]
        week = first - datetime.timedelta(days=first.weekday())  # the Monday of the first week
        step = datetime.timedelta(weeks=rule.interval)
        while week <= until:
            for weekday in weekdays:
                yield week + datetime.timedelta(days=weekday)
            week += step


def occurrences(rule, start_date, until_date, *, anchor=None):
    """The meetings' start times from ``start_date`` to ``until_date`` (both included), as aware
    local datetimes, in order. ``anchor`` (default ``start_date``) is the series' first date:
    INTERVAL counts months or weeks from it, so generating a later window keeps the same rhythm."""
    if isinstance(rule, str):
        rule = parse(rule)
    anchor = anchor or start_date
    if until_date < start_date:
        return []
    zone = timezone.get_current_timezone()
    found = []
    for day in _dates(rule, anchor, until_date):
        if start_date <= day <= until_date and day >= anchor:
            found.append(timezone.make_aware(datetime.datetime.combine(day, datetime.time(rule.hour, rule.minute)), zone))
    return found


# --- in words ------------------------------------------------------------------------------------

ZH_DAYS = ["一", "二", "三", "四", "五", "六", "日"]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"}


def _en_nth(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _describe_zh(rule):
    time = f"{rule.hour:02d}:{rule.minute:02d}"
    if rule.freq == "WEEKLY":
        every = "每周" if rule.interval == 1 else f"每{rule.interval}周"
        days = "、".join(f"周{ZH_DAYS[d]}" for _n, d in rule.byday) if rule.byday else ""
        return f"{every}{days} {time}".replace("每周周", "每周")
    every = "每月" if rule.interval == 1 else f"每{rule.interval}个月"
    if rule.bymonthday:
        days = "、".join("最后一天" if d == -1 else (f"倒数第{-d}天" if d < 0 else f"{d}日") for d in rule.bymonthday)
    elif rule.byday:
        parts = []
        for n, d in rule.byday:
            if n is None:
                parts.append(f"每个星期{ZH_DAYS[d]}")
            elif n < 0:
                parts.append(f"最后一个星期{ZH_DAYS[d]}" if n == -1 else f"倒数第{-n}个星期{ZH_DAYS[d]}")
            else:
                parts.append(f"第{'一二三四五'[n - 1]}个星期{ZH_DAYS[d]}")
        days = "、".join(parts)
    else:
        days = ""
    return f"{every}{days} {time}"


def _describe_en(rule):
    time = f"{rule.hour:02d}:{rule.minute:02d}"
    if rule.freq == "WEEKLY":
        days = " and ".join(EN_DAYS[d] for _n, d in rule.byday) if rule.byday else ""
        every = "every week" if rule.interval == 1 else f"every {rule.interval} weeks"
        if days and rule.interval == 1:
            return f"every {days}, {time}"
        return f"{every}{' on ' + days if days else ''}, {time}"
    every = "every month" if rule.interval == 1 else f"every {rule.interval} months"
    if rule.bymonthday:
        days = " and ".join("last day" if d == -1 else (f"{_en_nth(-d)} to last day" if d < 0 else _en_nth(d))
                            for d in rule.bymonthday)
    elif rule.byday:
        days = " and ".join(f"every {EN_DAYS[d]}" if n is None else f"{EN_ORDINALS.get(n, _en_nth(n))} {EN_DAYS[d]}"
                            for n, d in rule.byday)
    else:
        return f"{every}, {time}"
    return f"{days} of {every}, {time}"


def describe(rule):
    """The rule in words, in the reader's language: "每月7日 19:00" / "7th of every month, 19:00"."""
    if isinstance(rule, str):
        rule = parse(rule)
    if (get_language() or "").startswith("en"):
        return _describe_en(rule)
    return _describe_zh(rule)
