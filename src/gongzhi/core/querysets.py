"""The one restricted queryset every model's manager builds on.

``Model.objects.visible_to(user)`` is how every page, the admin and the API
ask for records. Anonymous users see nothing, superusers see everything, and
everyone else sees what the model's ``scope_q(user)`` allows. A record outside
it is then simply not found: views answer 404, exactly as for a missing one.
"""
from django.db import models


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(self.scope_q(user))

    def scope_q(self, user):
        """A Q object selecting what ``user`` may see; each model defines its own."""
        raise NotImplementedError(f"{type(self).__name__} must define scope_q(user)")
