from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import password_validation
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kartbild.accounts import throttle
from kartbild.accounts.models import LoginFailure

PASSWORD = "a-long-password-1"
THROTTLED = "För många misslyckade inloggningsförsök"


def sign_in(username: str, password: str, address: str = "192.0.2.10") -> Any:
    return Client(REMOTE_ADDR=address).post(
        reverse("accounts:login"), {"username": username, "password": password}
    )


def test_staff_sign_in_with_username_and_password(admin_a: Any) -> None:
    response = sign_in("admin_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:home")


def test_a_wrong_password_is_explained_in_swedish(admin_a: Any) -> None:
    response = sign_in("admin_a", "fel-lösenord")
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord." in response.content.decode()


def test_an_account_is_throttled_after_five_failures_even_with_the_right_password(
    admin_a: Any,
) -> None:
    for attempt in range(throttle.MAX_FAILURES_PER_USERNAME):
        # From different clients: the per-account limit holds whoever guesses.
        assert (
            THROTTLED not in sign_in("admin_a", "gissning", f"192.0.2.{attempt}").content.decode()
        )
    response = sign_in("admin_a", PASSWORD, "198.51.100.1")
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()


def test_the_throttle_ends_with_its_window(admin_a: Any) -> None:
    for _attempt in range(throttle.MAX_FAILURES_PER_USERNAME):
        sign_in("admin_a", "gissning")
    LoginFailure.objects.update(at=timezone.now() - throttle.WINDOW - datetime.timedelta(seconds=1))
    assert sign_in("admin_a", PASSWORD).status_code == 302


def test_one_client_is_throttled_across_usernames(admin_a: Any, analyst_a: Any) -> None:
    for attempt in range(throttle.MAX_FAILURES_PER_CLIENT):
        sign_in(f"gissad-{attempt}", "gissning", "203.0.113.7")
    assert THROTTLED in sign_in("analyst_a", PASSWORD, "203.0.113.7").content.decode()
    # Someone else in the municipality is not affected.
    assert sign_in("analyst_a", PASSWORD, "203.0.113.8").status_code == 302


def test_a_successful_sign_in_forgets_the_accounts_failures(admin_a: Any) -> None:
    for _attempt in range(throttle.MAX_FAILURES_PER_USERNAME - 1):
        sign_in("admin_a", "gissning")
    assert sign_in("admin_a", PASSWORD).status_code == 302
    for _attempt in range(throttle.MAX_FAILURES_PER_USERNAME - 1):
        sign_in("admin_a", "gissning")
    assert sign_in("admin_a", PASSWORD).status_code == 302


def test_neither_username_nor_address_is_stored_in_the_clear(admin_a: Any) -> None:
    sign_in("admin_a", "gissning", "192.0.2.55")
    keys = list(LoginFailure.objects.values_list("key", flat=True))
    assert len(keys) == 2
    for key in keys:
        assert "admin_a" not in key and "192.0.2" not in key
        assert len(key) == 64


def test_password_rules_ask_for_twelve_characters_and_more() -> None:
    validators = {
        type(validator).__name__: validator
        for validator in password_validation.get_default_password_validators()
    }
    assert getattr(validators["MinimumLengthValidator"], "min_length", 0) >= 12
    assert {
        "UserAttributeSimilarityValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    } <= set(validators)


def test_a_user_changes_their_own_password(analyst_a: Any) -> None:
    client = Client()
    client.force_login(analyst_a)
    url = reverse("accounts:password_change")
    new = "en-helt-ny-fras-2026"
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "kort", "new_password2": "kort"}
    )
    assert "för kort" in weak.content.decode()
    wrong = client.post(url, {"old_password": "fel", "new_password1": new, "new_password2": new})
    assert wrong.status_code == 200
    done = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert Client().login(username="analyst_a", password=new)
    # The session that changed it stays signed in.
    assert client.get(reverse("organisations:home")).status_code in (200, 302)
    assert client.get(url).status_code == 200
