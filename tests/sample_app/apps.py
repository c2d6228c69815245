"""A minimal app that plugs itself in (tests/test_plugins.py): every hook, no edit elsewhere."""
from gongzhi.core.plugins import GongzhiAppConfig


class SampleConfig(GongzhiAppConfig):
    default = True
    name = "tests.sample_app"
    label = "sample"
    url_prefix = "sample/"
    api_router = "tests.sample_app.parts.router"
    api_prefix = "/sample"
    figures = "tests.sample_app.parts.FIGURES"
    tick_steps = ("tests.sample_app.parts.tick",)
    demo_steps = ((99, "tests.sample_app.parts.demo"),)
    menu = "tests.sample_app.parts.MENU"
    notices = "tests.sample_app.parts.NOTICES"
    outbox_handlers = {"sample.ping": "tests.sample_app.parts.on_ping"}
