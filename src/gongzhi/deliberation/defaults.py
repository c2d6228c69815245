"""The default meeting formats and 三会一课 cadences (admins may edit them afterwards).

Recurrence rules are RFC 5545 RRULE subsets (see recurrence.py). Installed by a data migration and
again by the demo step (`gongzhi demo --rebuild` flushes the database).
"""
DELIBERATION = [
    # code, name, English name, convener level, groups, voters, quorum %, majority, rule, minutes, threshold
    ("shuo-qi-shuo-ba", "说七说八", "Say-seven-say-eight grid deliberation", 4, ["council", "residents", "property"],
     "council", 50, "half_of_cast", "FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19;BYMINUTE=0", 90, 5),
    ("louzhang-yehua", "楼长夜话", "Building heads' evening talk", 4, ["building_heads", "council"],
     "council", 50, "half_of_cast", "FREQ=MONTHLY;BYDAY=1WE;BYHOUR=19;BYMINUTE=30", 60, 5),
    ("minsheng-qidianban", "民声七点办", "Residents' voices at seven", 3, ["residents", "council"],
     "attendees", 30, "simple", "FREQ=MONTHLY;BYDAY=2TH;BYHOUR=19;BYMINUTE=0", 90, 10),
    ("yuanqu-shuoshi", "园区说事", "Park talk", 1, ["enterprises", "council"],
     "attendees", 30, "simple", "FREQ=MONTHLY;BYDAY=2TU;BYHOUR=15;BYMINUTE=0", 120, 5),
    ("qiye-gongxu", "企业供需对接会", "Enterprise supply-demand meeting", 1, ["enterprises"],
     "nobody", 0, "simple", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15;BYHOUR=14;BYMINUTE=30", 120, 0),
]
PARTY = [
    # code, name, English name, statutory kind, groups, voters, rule, minutes, study hours
    ("dangyuan-dahui", "党员大会", "Members' meeting", "members_meeting", ["party_members"], "attendees",
     "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=10;BYHOUR=9;BYMINUTE=0", 120, "1.0"),
    ("zhibu-weiyuanhui", "支部委员会", "Branch committee meeting", "committee_meeting", ["committee"], "attendees",
     "FREQ=MONTHLY;BYMONTHDAY=5;BYHOUR=9;BYMINUTE=0", 60, "0.5"),
    ("dangxiaozu-hui", "党小组会", "Party group meeting", "group_meeting", ["party_members"], "nobody",
     "FREQ=MONTHLY;BYMONTHDAY=20;BYHOUR=15;BYMINUTE=0", 60, "0.5"),
    ("dangke", "党课", "Party lesson", "party_lesson", ["party_members"], "nobody",
     "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=25;BYHOUR=9;BYMINUTE=0", 120, "2.0"),
    ("zhuti-dangri", "主题党日", "Theme party day", "theme_day", ["party_members"], "nobody",
     "FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=9;BYMINUTE=0", 120, "2.0"),
]
# organization kinds -> (format code, every how many months)
CADENCES = {
    ("branch", "general_branch", "enterprise_branch"): [
        ("dangyuan-dahui", 3), ("zhibu-weiyuanhui", 1), ("dangke", 3), ("zhuti-dangri", 1)],
    ("group",): [("dangxiaozu-hui", 1)],
}


def install(Format, Cadence):
    """Install (or restore) the defaults; idempotent. Takes the models so a migration can pass its historical ones."""
    for code, name, name_en, level, groups, voters, quorum, majority, rule, minutes, threshold in DELIBERATION:
        Format.objects.update_or_create(code=code, defaults=dict(
            name=name, name_en=name_en, purpose="deliberation", convener_level=level, participant_groups=groups,
            voters=voters, quorum_percent=quorum, majority=majority, recurrence=rule, duration_minutes=minutes,
            support_threshold=threshold))
    for code, name, name_en, kind, groups, voters, rule, minutes, hours in PARTY:
        Format.objects.update_or_create(code=code, defaults=dict(
            name=name, name_en=name_en, purpose="party", party_kind=kind, convener_level=4, participant_groups=groups,
            voters=voters, quorum_percent=50, majority="half_of_cast", recurrence=rule, duration_minutes=minutes,
            support_threshold=0, study_hours=hours))
    for kinds, rows in CADENCES.items():
        for kind in kinds:
            for code, months in rows:
                Cadence.objects.update_or_create(format=Format.objects.get(code=code), organization_kind=kind,
                                                 defaults={"every_months": months})
