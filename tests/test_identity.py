import datetime

import pytest

from gongzhi.territory.identity import mask_id_number, mask_phone, normalize_id_number, normalize_phone
from tests.conftest import refused

TODAY = datetime.date(2026, 11, 26)


@pytest.mark.parametrize("number", [
    "11010519491231002X",  # the worked example printed in GB 11643-1999
    "440524188001010014",  # a second example from the same standard
    "37081119800101001X",
    "370811200002290017",  # born on a leap day
])
def test_it_accepts_well_formed_id_numbers(number):
    assert normalize_id_number(number, today=TODAY) == number


def test_it_upper_cases_a_lower_case_check_character():
    assert normalize_id_number("11010519491231002x", today=TODAY) == "11010519491231002X"


@pytest.mark.parametrize("number, message", [
    ("1101051949123100", "18 characters"),
    ("11010519491231002Y", "17 digits and a digit or X"),
    ("110105194912310021", "check character"),
    ("370811199002300014", "not a real date"),   # 30 February
    ("370811203001010010", "out of range"),      # born in the future
    ("010105194912310025", "address code"),
])
def test_it_refuses_a_malformed_id_number_with_a_clear_message(number, message):
    with refused(message):
        normalize_id_number(number, today=TODAY)


def test_the_refusal_is_also_in_chinese():
    with refused("校验位错误"):
        normalize_id_number("110105194912310021", today=TODAY)


@pytest.mark.parametrize("phone, expected", [
    ("13812345678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("0537-2345678", "0537-2345678"),
])
def test_it_accepts_mainland_phone_numbers(phone, expected):
    assert normalize_phone(phone) == expected


@pytest.mark.parametrize("phone", ["12345678901", "1381234567", "phone", "138123456789"])
def test_it_refuses_a_bad_phone_number(phone):
    with refused("11-digit mobile"):
        normalize_phone(phone)


def test_masks_keep_only_the_ends():
    assert mask_id_number("370811198001010014") == "3708**********0014"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
