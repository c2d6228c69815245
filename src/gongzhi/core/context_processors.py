from django.conf import settings


def site(request):
    context = {"DEMO_MODE": settings.DEMO_MODE}
    if settings.DEMO_MODE:
        from gongzhi.demo.builder import DEMO_PASSWORD, demo_logins

        context.update(DEMO_LOGINS=demo_logins(), DEMO_PASSWORD=DEMO_PASSWORD)
    return context
