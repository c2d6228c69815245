"""Volunteers, teams, shifts and service records in the scope matrix.

In each district: a team of the community led by the district's resident, a resident volunteer
(the district's reporter) of the grid on the team, a red partner, and a shift of the grid that
has started, with the volunteer on it (a SCHEDULED record the organizer may confirm).
"""
import datetime
from types import SimpleNamespace

from django.utils import timezone

from tests.test_scope_matrix import GET, POST, by_pk, on, page

ROUTES = {
    "sites:volunteers": page(methods=(GET,), query=lambda o: {"kind": "resident", "q": "矩阵"}),
    "sites:volunteer_new": page(body=lambda o: {"unit": "370871", "kind": "resident", "name": "矩阵志愿者"}),
    "sites:my_hours": page(methods=(GET,)),
    "sites:volunteer": on("volunteer", by_pk, methods=(GET,)),
    "sites:volunteer_statement": on("volunteer", by_pk, methods=(GET,),
                                    query=lambda o: {"since": "2026-01-01", "until": "2026-12-31"}),
    # The hours ledger the cockpit's volunteer-hours figure opens, for a unit and a month.
    "sites:service_records": page(methods=(GET,), query=lambda o: {"unit": "370871", "status": "confirmed",
                                                                    "on_after": "2026-01-01", "on_before": "2026-02-01"}),
    "sites:teams": page(methods=(GET,)),
    # Adding a volunteer to a team: the team by its address, the volunteer in the body.
    "sites:team": on("team", by_pk, body=lambda o: {"volunteer": o.volunteer}),
    "sites:shifts": page(methods=(GET,), query=lambda o: {"when": "past"}),
    "sites:shift_new": page(body=lambda o: {"unit": "370871", "title": "矩阵", "starts_at": "2027-01-07T09:00",
                                            "ends_at": "2027-01-07T11:00", "places": "2"}),
    # A team in the form: another district's team is no team.
    "sites:shift_new#team": on("team", lambda o: {}, methods=(POST,), body=lambda o: {
        "team": o.pk, "title": "矩阵", "starts_at": "2027-01-07T09:00", "ends_at": "2027-01-07T11:00", "places": "2"}),
    "sites:shift": on("shift", by_pk, body=lambda o: {"volunteer": o.volunteer}),
    **{f"sites:record_action/{name}": on("service_record", lambda o, name=name: {"pk": o.pk, "action": name},
                                         methods=(POST,), body=lambda o: {"minutes": "90"})
       for name in ("report", "confirm", "no_show", "cancel")},
}

API = {
    "GET /services/volunteers": page(methods=(GET,), query=lambda o: {"kind": "resident"}),
    "GET /services/volunteers#team_id": on("team", lambda o: {}, methods=(GET,), query=lambda o: {"team_id": o.pk}),
    "GET /services/volunteers/{volunteer_id}": on("volunteer", lambda o: {"volunteer_id": o.pk}, methods=(GET,)),
    "GET /services/volunteers/{volunteer_id}/hours": on("volunteer", lambda o: {"volunteer_id": o.pk}, methods=(GET,),
                                                        query=lambda o: {"since": "2026-01-01", "until": "2026-12-31"}),
    "GET /services/teams": page(methods=(GET,)),
    "GET /services/teams/{team_id}": on("team", lambda o: {"team_id": o.pk}, methods=(GET,)),
    "GET /services/shifts": page(methods=(GET,)),
    "GET /services/shifts/{shift_id}": on("shift", lambda o: {"shift_id": o.pk}, methods=(GET,)),
    "POST /services/shifts": page(methods=(POST,), json_body=True, body=lambda o: {
        "unit_code": "370871", "title": "矩阵", "starts_at": "2027-01-07T09:00:00+08:00", "ends_at": "2027-01-07T11:00:00+08:00"}),
    "POST /services/shifts#team_id": on("team", lambda o: {}, methods=(POST,), json_body=True, body=lambda o: {
        "team_id": o.pk, "title": "矩阵", "starts_at": "2027-01-07T09:00:00+08:00", "ends_at": "2027-01-07T11:00:00+08:00"}),
    "POST /services/shifts/{shift_id}/assign": on("shift", lambda o: {"shift_id": o.pk}, methods=(POST,), json_body=True,
                                                  body=lambda o: {"volunteer_id": o.volunteer}),
    "GET /services/service-records": page(methods=(GET,), query=lambda o: {"status": "scheduled"}),
    "GET /services/service-records#volunteer_id": on("volunteer", lambda o: {}, methods=(GET,),
                                                     query=lambda o: {"volunteer_id": o.pk}),
    **{f"POST /services/service-records/{{record_id}}/{name}": on(
        "service_record", lambda o: {"record_id": o.pk}, methods=(POST,), json_body=True, body=lambda o: {"actual_minutes": 90})
       for name in ("minutes", "confirm", "no-show")},
}

ADMIN_OBJECTS = {
    "sites.Team": "team",
    "sites.RedPartner": "red_partner",
    "sites.Volunteer": "volunteer",
    "sites.Shift": "shift",
    "sites.ServiceRecord": "service_record",
}


def build(d):
    from gongzhi.sites.models import RecordStatus, RedPartner, ServiceRecord, Shift, Team, TeamMembership, Volunteer

    d.team = Team.objects.create(unit=d.community, name=f"{d.district.name}矩阵志愿服务队", leader=d.reporter)
    d.volunteer = Volunteer.objects.create(kind="resident", name=f"{d.district.name}志愿者", unit=d.grid, user=d.reporter)
    TeamMembership.objects.create(team=d.team, volunteer=d.volunteer)
    # A second volunteer of the grid, not yet on the shift (to assign) nor on the team (to add).
    d.other_volunteer = Volunteer.objects.create(kind="resident", name=f"{d.district.name}另一志愿者", unit=d.grid)
    d.red_partner = RedPartner.objects.create(unit=d.community, name=f"{d.district.name}药店", kind="shop",
                                              joined_on=datetime.date(2026, 1, 1), contact_phone="13800001111")
    Volunteer.objects.create(kind="partner", name=d.red_partner.name, unit=d.community, partner=d.red_partner)
    starts = timezone.now() - datetime.timedelta(hours=3)
    d.shift = Shift.objects.create(unit=d.grid, title="矩阵值守", starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
                                   places=3, organizer=d.worker)
    d.service_record = ServiceRecord.objects.create(volunteer=d.volunteer, unit=d.grid, shift=d.shift, what="矩阵值守",
                                                    on=timezone.localdate(starts), scheduled_minutes=120,
                                                    status=RecordStatus.SCHEDULED)


def objects(d):
    return {
        "team": SimpleNamespace(pk=d.team.pk, volunteer=d.other_volunteer.pk),
        "volunteer": d.volunteer,
        "red_partner": d.red_partner,
        "shift": SimpleNamespace(pk=d.shift.pk, volunteer=d.other_volunteer.pk),
        "service_record": d.service_record,
    }


MISSING = {
    "team": SimpleNamespace(pk=999999, volunteer=999999),
    "shift": SimpleNamespace(pk=999999, volunteer=999999),
}


def _maker(kind):
    def make(w):
        from gongzhi.sites.models import RedPartner, ServiceRecord, Shift, Team, Volunteer

        n = ServiceRecord.objects.count() + Volunteer.objects.count() + Team.objects.count() + RedPartner.objects.count()
        if kind == "team":
            return Team.objects.create(unit=w.community, name=f"队{n}", leader=w.worker_a)
        if kind == "red_partner":
            return RedPartner.objects.create(unit=w.community, name=f"合伙人{n}", joined_on=datetime.date(2026, 1, 1))
        team = Team.objects.create(unit=w.community, name=f"队{n}")
        volunteer = Volunteer.objects.create(kind="resident", name=f"志愿者{n}", unit=w.grid_a)
        if kind == "volunteer":
            return volunteer
        starts = timezone.now()
        shift = Shift.objects.create(unit=w.grid_a, team=team, title=f"值守{n}", starts_at=starts,
                                     ends_at=starts + datetime.timedelta(hours=1))
        if kind == "shift":
            return shift
        return ServiceRecord.objects.create(volunteer=volunteer, unit=w.grid_a, team=team, shift=shift, what="值守",
                                            on=timezone.localdate(), scheduled_minutes=60)
    return make


def _models():
    from gongzhi.sites.models import RedPartner, ServiceRecord, Shift, Team, Volunteer
    return {Team: "team", RedPartner: "red_partner", Volunteer: "volunteer", Shift: "shift", ServiceRecord: "service_record"}


BACK_OFFICE_ROWS = {model: _maker(kind) for model, kind in _models().items()}
