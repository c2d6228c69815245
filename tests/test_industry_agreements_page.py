"""The cooperation agreements page: the zone's agreements with their parties, the meeting and
the need, and how many enterprises agreed to cooperate (the figure's records); another zone's
admin sees none; the queries do not grow with the agreements."""
import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.industry import figures
from gongzhi.industry.models import Agreement
from tests.test_industry_pages import zones  # noqa: F401  (the fixture)


def _agree(zones, title, parties):  # noqa: F811
    agreement = Agreement.objects.create(zone=zones.changji, title=title, signed_on=datetime.date(2026, 3, 1))
    agreement.parties.set(parties)
    return agreement


def test_staff_see_the_agreements_and_the_enterprises_that_agreed(client, zones):  # noqa: F811
    _agree(zones, "本地配套合作协议", [zones.c.enterprise, zones.c.supplier])
    client.force_login(zones.changji_admin)
    page = client.get("/industry/agreements/")
    body = page.content.decode()
    assert "本地配套合作协议" in body and zones.c.supplier.name in body
    # The fixture's own agreement and this one: two agreements, the same two enterprises.
    assert page.context["page"].paginator.count == 2
    assert page.context["cooperating"] == figures.cooperating(zones.changji.code) == 2
    client.force_login(zones.jining_admin)
    page = client.get("/industry/agreements/")
    assert page.context["page"].paginator.count == 0 and "本地配套合作协议" not in page.content.decode()


def test_the_page_reads_a_flat_number_of_queries(client, zones):  # noqa: F811
    client.force_login(zones.changji_admin)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/industry/agreements/").status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        _agree(zones, f"协议{n}", [zones.c.enterprise, zones.c.supplier])
    assert count() == few
