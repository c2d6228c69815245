"""Who a row is for, and who may act for whom.

A person served is an account (``user``), a ledger resident (``resident``), or both when the
resident's own account is linked (territory.ResidentLink, relation "self"). Many older residents
have no smartphone: a relative or carer linked to them, or a grid worker whose ledger scope
covers them, acts on their behalf, and the row says so (``recorded_by``, ``on_behalf``).
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.scoping import user_covers
from gongzhi.territory.models import AccountRelation, Resident, ResidentLink

from ..models import CARE_ROLES, RESIDENT_GRID


@dataclass(frozen=True)
class Person:
    user: object = None        # the person's own account, if any
    resident: object = None    # the ledger record, if known
    recorded_by: object = None # who acts
    on_behalf: bool = False

    def fields(self):
        """Keyword arguments for a PersonMixin row."""
        return {"user": self.user, "resident": self.resident, "recorded_by": self.recorded_by, "on_behalf": self.on_behalf}

    def label(self):
        if self.resident is not None:
            return self.resident.name
        return str(self.user) if self.user is not None else ""


def own_resident(user):
    """The ledger resident whose own account this is, or None."""
    link = ResidentLink.objects.filter(user=user, relation=AccountRelation.SELF).select_related("resident").first()
    return link.resident if link else None


def own_account(resident):
    link = ResidentLink.objects.filter(resident=resident, relation=AccountRelation.SELF).select_related("user").first()
    return link.user if link else None


def resident_grid_code(resident):
    return Resident.objects.filter(pk=resident.pk).values_list(RESIDENT_GRID, flat=True).first() or ""


def may_act_for(actor, resident):
    """A linked account (self, relative, carer) or staff whose ledger scope covers the resident."""
    if actor is None or not actor.is_authenticated:
        return False
    if ResidentLink.objects.filter(user=actor, resident=resident).exists():
        return True
    return user_covers(actor, resident_grid_code(resident), CARE_ROLES)


def person_for(actor, *, resident=None, resident_id=None):
    """The Person a write is for: ``actor`` themself, or a resident they may act for.

    A resident the actor may not act for answers NotFound, as a missing one does.
    """
    if resident is None and resident_id is not None:
        resident = Resident.objects.filter(pk=resident_id).first()
        if resident is None:
            raise NotFound(_("No such resident."))
    if resident is None:
        return Person(user=actor, resident=own_resident(actor), recorded_by=actor, on_behalf=False)
    if not may_act_for(actor, resident):
        raise NotFound(_("No such resident."))
    account = own_account(resident)
    return Person(user=account, resident=resident, recorded_by=actor, on_behalf=account is None or account.pk != actor.pk)


def notify_ids(user=None, resident=None, recorded_by=None):
    """Accounts told about a person's row: their own account, their linked relatives and carers,
    and whoever recorded it for them (the grid worker who signed them up)."""
    ids = set()
    if user is not None:
        ids.add(user.pk if hasattr(user, "pk") else user)
    if resident is not None:
        ids.update(ResidentLink.objects.filter(resident=resident).values_list("user_id", flat=True))
    if recorded_by is not None:
        ids.add(recorded_by.pk if hasattr(recorded_by, "pk") else recorded_by)
    return sorted(ids)


def check_person(person):
    if person.user is None and person.resident is None:
        raise DomainError(_("Say who this is for."))
    return person
