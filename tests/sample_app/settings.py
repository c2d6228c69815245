# The whole of what adding an app takes outside the app: one line in INSTALLED_APPS.
from gongzhi.settings import *  # noqa: F401,F403
from gongzhi.settings import INSTALLED_APPS

INSTALLED_APPS = INSTALLED_APPS + ["tests.sample_app"]
