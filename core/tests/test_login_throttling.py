"""Login throttling (django-axes): a username and address pair is locked after 5 failures for 15 minutes."""

import datetime
import logging

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from testing.environment import settings_for
from testing.seed import DEMO_PASSWORD

LOGIN = "/accounts/login/"
ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


def sign_in(username, password, ip=ATTACKER, client=None, url=LOGIN):
    client = client or Client()
    response = client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)
    return client, response


def signed_in(response):
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def fail_five_times(username="officer-mw", ip=ATTACKER):
    for _ in range(5):
        _client, response = sign_in(username, "wrong-password", ip=ip)
        assert response.status_code in (200, 429)
    return response


@pytest.fixture
def clock(users):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        yield traveller


def test_four_failures_do_not_lock(users, clock):
    for _ in range(4):
        _client, response = sign_in("officer-mw", "wrong-password")
        assert response.status_code == 200
    _client, response = sign_in("officer-mw", DEMO_PASSWORD)
    assert signed_in(response)


def test_five_failures_lock_that_user_from_that_address(users, clock):
    last = fail_five_times()
    assert last.status_code == 429
    _client, response = sign_in("officer-mw", DEMO_PASSWORD)  # even the right password
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
    page = response.content.decode()
    assert "Too many attempts" in page
    assert "15 minutes" in page
    assert 'class="site-header"' in page  # in the site's layout
    assert response["Retry-After"] == "900"


def test_others_are_not_locked_out(users, clock):
    fail_five_times()
    _client, response = sign_in("officer-mz", DEMO_PASSWORD, ip=ATTACKER)  # another user, same address
    assert signed_in(response)
    _client, response = sign_in("officer-mw", DEMO_PASSWORD, ip=ELSEWHERE)  # same user, another address
    assert signed_in(response)


def test_the_lock_lifts_after_15_minutes(users, clock):
    fail_five_times()
    clock.shift(datetime.timedelta(minutes=14))
    _client, response = sign_in("officer-mw", DEMO_PASSWORD)
    assert response.status_code == 429
    clock.shift(datetime.timedelta(minutes=15, seconds=1))  # 15 minutes after the last try
    _client, response = sign_in("officer-mw", DEMO_PASSWORD)
    assert signed_in(response)


def test_success_resets_the_count(users, clock):
    for _ in range(4):
        sign_in("officer-mw", "wrong-password")
    _client, response = sign_in("officer-mw", DEMO_PASSWORD)
    assert signed_in(response)
    for _ in range(4):
        _client, response = sign_in("officer-mw", "wrong-password")
    assert response.status_code == 200  # 4 new failures, not 8


def test_the_admin_login_is_throttled_too(users, clock):
    for _ in range(5):
        sign_in("admin", "wrong-password", url="/admin/login/")
    _client, response = sign_in("admin", DEMO_PASSWORD, url="/admin/login/")
    assert response.status_code == 429


def test_lockout_is_logged(users, clock, caplog):
    with caplog.at_level(logging.INFO, logger="audit"):
        fail_five_times()
    lines = [record.getMessage() for record in caplog.records if record.name == "audit"]
    assert sum("event=login_failed" in line for line in lines) == 5
    lockout = next(line for line in lines if "event=lockout" in line)
    assert "username=officer-mw" in lockout and f"ip={ATTACKER}" in lockout
    assert "path=/accounts/login/" in lockout and "method=POST" in lockout


def test_behind_a_proxy_the_forwarded_address_counts(users, clock, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(5):
        Client().post(LOGIN, {"username": "officer-mw", "password": "x"}, REMOTE_ADDR=proxy,
                      HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}")  # the client's own header is not trusted
    locked = Client().post(LOGIN, {"username": "officer-mw", "password": DEMO_PASSWORD}, REMOTE_ADDR=proxy,
                           HTTP_X_FORWARDED_FOR=ATTACKER)
    assert locked.status_code == 429
    other = Client().post(LOGIN, {"username": "officer-mw", "password": DEMO_PASSWORD}, REMOTE_ADDR=proxy,
                          HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert signed_in(other)


# --- One address across usernames (password spraying), and no extension while locked -------------


def spray(count, ip=ATTACKER, first=0):
    """``count`` failed sign-ins from one address, each under another username (at most 4 per name)."""
    for number in range(first, first + count):
        _client, response = sign_in(f"person-{number}", "Summer2026!", ip=ip)
    return response


def test_one_address_spraying_many_usernames_is_locked(users, clock):
    assert spray(29).status_code == 200
    last = spray(1, first=29)  # the 30th failure from this address
    assert last.status_code == 429
    page = last.content.decode()
    assert "from your network, for one or more accounts" in page and "nobody can log in from here" in page
    _client, response = sign_in("officer-mw", DEMO_PASSWORD)  # a real account, never tried before
    assert response.status_code == 429 and not response.wsgi_request.user.is_authenticated
    _client, response = sign_in("officer-mw", DEMO_PASSWORD, ip=ELSEWHERE)  # another address is not locked
    assert signed_in(response)


def test_spraying_cannot_be_reset_by_signing_in_to_an_own_account(users, clock):
    spray(25)
    for _ in range(4):
        sign_in("officer-mz", "wrong-password")
    _client, response = sign_in("officer-mz", DEMO_PASSWORD)  # the sprayer's own account
    assert signed_in(response)
    assert spray(4, first=25).status_code == 200  # 29 failures still counted at this address
    assert spray(1, first=29).status_code == 429


@pytest.mark.parametrize("limit", ["51", "5"])
def test_the_address_limit_lies_above_the_pair_limit_and_at_most_50(limit, tmp_path):
    assert settings_for({"BUILD_DIR": str(tmp_path), "AXES_IP_FAILURE_LIMIT": "50"})["LOGIN_IP_FAILURE_LIMIT"] == 50
    with pytest.raises(ImproperlyConfigured,
                       match="AXES_IP_FAILURE_LIMIT must lie above AXES_FAILURE_LIMIT and be at most 50"):
        settings_for({"BUILD_DIR": str(tmp_path), "AXES_IP_FAILURE_LIMIT": limit})


def test_tries_during_a_lock_do_not_extend_it(users, clock):
    fail_five_times()
    for _ in range(10):  # one try a minute while locked out, the right password among them
        clock.shift(datetime.timedelta(minutes=1))
        _client, response = sign_in("officer-mw", "wrong-password")
        assert response.status_code == 429
    _client, response = sign_in("officer-mw", DEMO_PASSWORD)
    assert response.status_code == 429
    clock.shift(datetime.timedelta(minutes=5, seconds=1))  # 15 minutes after the fifth failure
    _client, response = sign_in("officer-mw", DEMO_PASSWORD)
    assert signed_in(response)


def test_address_lock_is_not_extended_either(users, clock):
    spray(30)
    clock.shift(datetime.timedelta(minutes=10))
    spray(20, first=100)  # refused, not counted
    clock.shift(datetime.timedelta(minutes=5, seconds=1))
    _client, response = sign_in("officer-mw", DEMO_PASSWORD)
    assert signed_in(response)
