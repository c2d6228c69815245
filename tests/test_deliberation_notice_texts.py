"""Every notice the deliberation app sends has its text, under the event name it is sent with."""
import re
from pathlib import Path

from gongzhi.core import notices

SERVICES = Path(__file__).resolve().parents[1] / "src" / "gongzhi" / "deliberation" / "services"


def test_every_event_sent_by_the_services_has_a_text_when_read():
    sent = set()
    for path in SERVICES.glob("*.py"):
        sent |= set(re.findall(r'"(deliberation\.[a-z_]+)"', path.read_text()))
    sent.discard("deliberation.announce")  # the outbox kind, not an event
    assert sent
    for event in sorted(sent):
        text = str(notices.render(event, {"title": "标题", "meeting": "会议", "when": "今天", "place": "会议室",
                                          "due_on": "2026-12-01", "percent": 50, "unit": "网格", "format": "支委会",
                                          "organization": "支部", "period": "2026-11", "number": "1"}))
        assert text and event not in text, event
