"""Canteen meals and day-care days are check-ins entered by care staff: once per resident, day,
kind and meal, at the right kind of site."""
import datetime

import pytest
from django.utils import timezone

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.sites.models import CareCheckIn, CareCheckInKind, Site, SiteKind
from gongzhi.sites.services import care


@pytest.fixture
def canteen(world):
    return Site.objects.create(unit=world.community, kind=SiteKind.CANTEEN, name="老年食堂")


@pytest.fixture
def day_care(world):
    return Site.objects.create(unit=world.community, kind=SiteKind.DAY_CARE, name="日间照料中心")


def test_a_lunch_is_checked_in_once_per_day(world, canteen):
    care.care_check_in(canteen, world.resident_a, kind=CareCheckInKind.MEAL, meal="lunch", by=world.secretary)
    with pytest.raises(DomainError):
        care.care_check_in(canteen, world.resident_a, kind=CareCheckInKind.MEAL, meal="lunch", by=world.secretary)
    care.care_check_in(canteen, world.resident_a, kind=CareCheckInKind.MEAL, meal="dinner", by=world.secretary)
    assert CareCheckIn.objects.count() == 2


def test_a_meal_needs_a_canteen_and_a_day_needs_a_day_care_centre(world, canteen, day_care):
    with pytest.raises(DomainError):
        care.care_check_in(day_care, world.resident_a, kind=CareCheckInKind.MEAL, meal="lunch", by=world.secretary)
    with pytest.raises(DomainError):
        care.care_check_in(canteen, world.resident_a, kind=CareCheckInKind.DAY_CARE, by=world.secretary)
    assert care.care_check_in(day_care, world.resident_a, kind=CareCheckInKind.DAY_CARE, by=world.secretary).meal == ""


def test_a_meal_names_which_meal(world, canteen):
    with pytest.raises(DomainError):
        care.care_check_in(canteen, world.resident_a, kind=CareCheckInKind.MEAL, by=world.secretary)


def test_only_care_staff_of_the_sites_unit_check_in(world, canteen):
    with pytest.raises(NotFound):
        care.care_check_in(canteen, world.resident_a, kind=CareCheckInKind.MEAL, meal="lunch", by=world.outsider)
    # A grid worker's scope is their grid, not the community that runs the canteen.
    with pytest.raises(NotFound):
        care.care_check_in(canteen, world.resident_a, kind=CareCheckInKind.MEAL, meal="lunch", by=world.worker_a)


def test_no_check_in_for_a_day_still_to_come(world, canteen):
    with pytest.raises(DomainError):
        care.care_check_in(canteen, world.resident_a, kind=CareCheckInKind.MEAL, meal="lunch", by=world.secretary,
                           on=timezone.localdate() + datetime.timedelta(days=1))


def test_no_check_in_for_a_day_long_past(world, canteen):
    # Entered late, a meal is a few days old at most; a date decades back is a typo that would
    # count in the canteen's figures.
    long_ago = timezone.localdate() - datetime.timedelta(days=care.CHECKIN_LATE_DAYS + 1)
    with pytest.raises(DomainError):
        care.care_check_in(canteen, world.resident_a, kind=CareCheckInKind.MEAL, meal="lunch", by=world.secretary,
                           on=long_ago)
    care.care_check_in(canteen, world.resident_a, kind=CareCheckInKind.MEAL, meal="lunch", by=world.secretary,
                       on=long_ago + datetime.timedelta(days=1))
    assert CareCheckIn.objects.count() == 1
