"""Run as a script by tests/test_replica.py, against the primary of a private cluster pair.

Migrates GONGZHI_DATABASE_URL and makes a small territory, a grid worker who can sign in, an API
token of theirs and one case; prints them as JSON on the last line.
"""
import json
import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", "--noinput", verbosity=0)

from gongzhi.api.services import create_token  # noqa: E402
from gongzhi.cases import services as cases  # noqa: E402
from gongzhi.cases.defaults import install  # noqa: E402
from gongzhi.cases.models import Category, Channel  # noqa: E402
from gongzhi.people.models import Role, RoleAssignment, User  # noqa: E402
from gongzhi.territory import services as territory  # noqa: E402
from gongzhi.territory.models import Level  # noqa: E402


def square(west, south, size):
    return {"type": "Polygon", "coordinates": [[[west, south], [west + size, south], [west + size, south + size],
                                                [west, south + size], [west, south]]]}


install(Category)
district = territory.create_unit(name="副本测试区", level=Level.DISTRICT, code="370898")
street = territory.create_unit(name="副本测试街道", level=Level.STREET, parent=district)
community = territory.create_unit(name="副本测试社区", level=Level.COMMUNITY, parent=street)
grid = territory.create_unit(name="副本测试网格", level=Level.GRID, parent=community, boundary=square(117.0, 36.0, 0.02))
territory.create_unit(name="副本测试微网格", level=Level.MICRO_GRID, parent=grid, boundary=square(117.0, 36.0, 0.02))
password = uuid.uuid4().hex
worker = User.objects.create_user(username="replica-grid", password=password, display_name="网格员")
RoleAssignment.objects.create(user=worker, role=Role.GRID_WORKER).units.set([grid])
category = Category.objects.filter(parent__isnull=False, active=True).order_by("code").first()
case = cases.create_case(title="楼道灯不亮", description="三单元楼道灯坏了", category=category,
                         channel=Channel.PATROL, recorded_by=worker, lat=36.01, lng=117.01)
token = create_token(worker, name="replica test")[1]
print(json.dumps({"username": worker.username, "password": password, "token": token,
                  "number": case.number, "category": category.code}))
