"""Brute force on /admin/login/: a user name and address pair is locked after N failures (django-axes)."""
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "right-horse-battery-9"


@pytest.fixture
def staff(django_user_model):
    for name in ("alice", "bob"):
        django_user_model.objects.create_user(name, password=PASSWORD, is_staff=True)


def _login(username, password, address="10.0.0.1", **extra):
    client = Client(REMOTE_ADDR=address, **extra)
    response = client.post(reverse("admin:login"), {"username": username, "password": password,
                                                   "next": reverse("admin:index")})
    return response, client


def _logged_in(response, client):
    return response.status_code == 302 and client.get(reverse("admin:index")).status_code == 200


def _fail_until_locked(username, address="10.0.0.1", **extra):
    statuses = [_login(username, "wrong", address, **extra)[0].status_code
                for _ in range(settings.AXES_FAILURE_LIMIT)]
    return statuses


def test_defaults_are_five_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_n_failures_lock_the_pair_even_against_the_right_password(staff):
    statuses = _fail_until_locked("alice")
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response, client = _login("alice", PASSWORD)
    assert response.status_code == 429 and not _logged_in(response, client)
    page = response.content.decode()
    assert "Too many failed logins" in page and "Try again in 15 minutes" in page
    assert f"failed {settings.AXES_FAILURE_LIMIT} times" in page
    assert response["Retry-After"] == "900" and "Content-Security-Policy" in response


def test_another_user_or_another_address_is_not_affected(staff):
    _fail_until_locked("alice")
    assert _logged_in(*_login("bob", PASSWORD))
    assert _logged_in(*_login("alice", PASSWORD, address="10.0.0.2"))


def test_a_success_before_the_limit_starts_the_count_again(staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login("alice", "wrong")
    assert _logged_in(*_login("alice", PASSWORD))
    assert _fail_until_locked("alice")[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)


def test_axes_reset_lifts_the_lock(staff):
    _fail_until_locked("alice")
    call_command("axes_reset")
    assert _logged_in(*_login("alice", PASSWORD))


def test_behind_the_proxy_the_address_is_the_one_nginx_appended(staff, settings):
    settings.MEDIADMIN_BEHIND_PROXY = True
    # Every request reaches gunicorn from nginx (127.0.0.1); a forged left-hand entry changes nothing.
    for forged in range(settings.AXES_FAILURE_LIMIT):
        _login("alice", "wrong", address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.{forged}, 203.0.113.7")
    locked, _ = _login("alice", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7")
    assert locked.status_code == 429
    # Another client behind the same nginx is another address.
    assert _logged_in(*_login("alice", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4"))


def test_without_the_proxy_setting_the_header_is_ignored(staff, settings):
    settings.MEDIADMIN_BEHIND_PROXY = False
    for forged in range(settings.AXES_FAILURE_LIMIT):
        _login("alice", "wrong", HTTP_X_FORWARDED_FOR=f"1.1.1.{forged}")
    assert _login("alice", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9")[0].status_code == 429
