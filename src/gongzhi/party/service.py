"""Where a party member's 双报到 record finds the service they gave in their home community.

In-service members who registered with a community (DualReport) are expected to serve there; the
service itself is recorded by an app above party (sites and services: volunteer shifts, home
services), which party may not import. So that app registers a *source* (as party.working does
for meetings, decision 40): a callable ``source(member_ids, since, until) -> {member_id: minutes}``
counting only confirmed service. Without a source every member has served 0 minutes.
"""
_sources = []


def register_service_source(source):
    if source not in _sources:
        _sources.append(source)
    return source


def service_sources():
    return list(_sources)


def service_minutes(members, since=None, until=None):
    """{member id: confirmed service minutes in [since, until]} for ``members`` (objects or ids)."""
    ids = [getattr(m, "pk", m) for m in members]
    totals = dict.fromkeys(ids, 0)
    if not ids:
        return totals
    for source in _sources:
        for member_id, minutes in source(ids, since, until).items():
            totals[member_id] = totals.get(member_id, 0) + (minutes or 0)
    return totals


def service_hours(members, since=None, until=None):
    """The same, in hours with one decimal."""
    return {pk: round(minutes / 60, 1) for pk, minutes in service_minutes(members, since, until).items()}
