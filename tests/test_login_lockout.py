"""Sign-in lockout (django-axes): per account and per address, on both sign-in pages, and not for API tokens."""
import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from gongzhi.api.services import create_token
from tests.conftest import PASSWORD
from tests.test_settings import load_settings, refusal

LOGIN, BACK_OFFICE = "/accounts/login/", "/admin/login/"


def sign_in(client, username, password, address="192.0.2.10", page=LOGIN, language="en"):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address,
                       HTTP_ACCEPT_LANGUAGE=language)


def signed_in(response):
    return response.status_code == 302


def locked(response):
    return response.status_code == 429 and 'data-testid="locked-out"' in response.content.decode()


def test_an_account_is_locked_after_the_failure_limit_even_from_many_addresses(client, world):
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "worker-a", "wrong", address=f"192.0.2.{i + 1}").status_code == 200
    assert locked(sign_in(client, "worker-a", "wrong", address="192.0.2.5"))  # the failure that reaches the limit
    response = sign_in(client, "worker-a", PASSWORD, address="198.51.100.7")  # the right password, a new address
    assert locked(response)
    assert "_auth_user_id" not in client.session
    # Another account from those same addresses is not held up (each address failed only once).
    assert signed_in(sign_in(client, "worker-b", PASSWORD, address="192.0.2.1"))


def test_one_failure_short_of_the_limit_still_signs_in_and_clears_the_count(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "worker-a", "wrong")
    assert signed_in(sign_in(client, "worker-a", PASSWORD))
    client.logout()
    assert not AccessAttempt.objects.filter(username="worker-a").exists()


def test_an_address_is_locked_after_its_own_failure_limit_across_accounts(client, world):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT  # an office may share one address
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        assert sign_in(client, f"guess-{i}", "wrong", address="203.0.113.9").status_code == 200
    assert locked(sign_in(client, "worker-a", PASSWORD, address="203.0.113.9"))
    assert signed_in(sign_in(client, "worker-a", PASSWORD, address="203.0.113.10"))  # the account itself is fine


def test_an_address_one_failure_short_of_its_limit_still_signs_in(client, world):
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        sign_in(client, f"colleague-{i}", "wrong", address="203.0.113.20")
    assert signed_in(sign_in(client, "worker-a", PASSWORD, address="203.0.113.20"))


def test_an_ipv6_client_is_counted_by_its_slash_64(client, world):
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        sign_in(client, f"guess-{i}", "wrong", address=f"2001:db8:1:2::{i + 1:x}")  # a new address each time
    assert locked(sign_in(client, "worker-a", PASSWORD, address="2001:db8:1:2:ffff::1"))
    assert signed_in(sign_in(client, "worker-a", PASSWORD, address="2001:db8:1:3::1"))


def test_the_lockout_ends_after_the_cool_off(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "worker-a", "wrong")
    assert locked(sign_in(client, "worker-a", PASSWORD))
    # The failures happened a cool-off (and a minute) ago.
    earlier = datetime.datetime.now(datetime.timezone.utc) - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert signed_in(sign_in(client, "worker-a", PASSWORD))


def test_the_lockout_message_is_clear_in_english_and_in_chinese(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "worker-a", "wrong")
    english = sign_in(client, "worker-a", PASSWORD, language="en")
    chinese = sign_in(client, "worker-a", PASSWORD, language="zh-hans")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"Too many failed sign-ins for this account or from this network. Sign-in is paused: try again in {minutes} minutes." \
        in english.content.decode()
    assert f"该账号或该网络登录失败次数过多，登录已暂停，请 {minutes} 分钟后再试。" in chinese.content.decode()
    assert english["Retry-After"] == str(minutes * 60)


def test_the_back_office_sign_in_is_locked_too_and_counts_toward_the_same_lockout(client, world):
    for page in (BACK_OFFICE, LOGIN) * settings.AXES_FAILURE_LIMIT:
        response = sign_in(client, "worker-a", "wrong", page=page)
        if response.status_code == 429:
            break
    assert locked(sign_in(client, "worker-a", PASSWORD, page=BACK_OFFICE))
    assert locked(sign_in(client, "worker-a", PASSWORD, page=LOGIN))
    assert client.get("/admin/").status_code == 302  # still signed out


def test_an_api_token_keeps_working_for_a_locked_out_account_and_address(client, world):
    token = create_token(world.worker_a, name="hotline")[1]
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        sign_in(client, "worker-a" if i < settings.AXES_FAILURE_LIMIT else f"guess-{i}", "wrong", address="192.0.2.50")
    assert locked(sign_in(client, "worker-b", PASSWORD, address="192.0.2.50"))  # the address is locked
    assert locked(sign_in(client, "worker-a", PASSWORD, address="192.0.2.50"))
    response = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 200


def test_failed_sign_ins_leave_no_user_name_or_address_in_the_logs(client, world, caplog):
    with caplog.at_level("DEBUG"):
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            sign_in(client, "13812345678", "wrong", address="192.0.2.77")
    assert "AXES" in caplog.text  # axes did log the failures...
    assert "13812345678" not in caplog.text and "192.0.2.77" not in caplog.text  # ...without the values


def test_the_limits_come_from_the_environment():
    result = load_settings("AXES_FAILURE_LIMIT", "LOGIN_ADDRESS_FAILURE_LIMIT",
                           GONGZHI_LOGIN_FAILURE_LIMIT="10", GONGZHI_LOGIN_ADDRESS_FAILURE_LIMIT="100")
    assert result.values == {"AXES_FAILURE_LIMIT": 10, "LOGIN_ADDRESS_FAILURE_LIMIT": 100}
    assert load_settings("AXES_FAILURE_LIMIT", "LOGIN_ADDRESS_FAILURE_LIMIT").values == {
        "AXES_FAILURE_LIMIT": 5, "LOGIN_ADDRESS_FAILURE_LIMIT": 20}


def test_the_cool_off_comes_from_the_environment():
    assert load_settings("AXES_COOLOFF_TIME", GONGZHI_LOGIN_COOLOFF_MINUTES="45").values == {"AXES_COOLOFF_TIME": "0:45:00"}
    assert load_settings("AXES_COOLOFF_TIME").values == {"AXES_COOLOFF_TIME": "0:15:00"}


@pytest.mark.parametrize(("name", "value"), [("LOGIN_FAILURE_LIMIT", "0"), ("LOGIN_FAILURE_LIMIT", "five"),
                                             ("LOGIN_ADDRESS_FAILURE_LIMIT", "0"),
                                             ("LOGIN_COOLOFF_MINUTES", "0"), ("LOGIN_COOLOFF_MINUTES", "15m")])
def test_a_bad_lockout_setting_is_refused_naming_its_variable(name, value):
    line = refusal(load_settings(**{f"GONGZHI_{name}": value}))
    assert line.startswith(f"django.core.exceptions.ImproperlyConfigured: GONGZHI_{name} must be "), line
