from django.conf import settings


def site(request):
    context = {"DEMO_MODE": settings.DEMO_MODE, "MAP_TILE_URL": settings.MAP_TILE_URL}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from gongzhi.cases.models import Notification

        # One indexed count per page: (user, read_at) is the notification inbox index.
        from gongzhi.people.models import BACK_OFFICE_ROLES

        context["BACK_OFFICE"] = user.is_superuser or user.has_role(*BACK_OFFICE_ROLES)
        context["UNREAD_NOTICES"] = Notification.objects.filter(user=user, read_at__isnull=True).count()
    if settings.DEMO_MODE:
        from gongzhi.demo.builder import DEMO_PASSWORD, demo_logins

        context.update(DEMO_LOGINS=demo_logins(), DEMO_PASSWORD=DEMO_PASSWORD)
    return context
