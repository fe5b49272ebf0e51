"""Swedish first, English when chosen: the choice lasts the browser session, `lang` says what
each part of the page is in, and a mapping that does not allow English is answered in Swedish."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse


def start_url(mapping: Any) -> str:
    return reverse("mappings:start", args=[mapping.perspectives.get().token])


def test_the_language_choice_is_kept_for_the_browser_session(
    client: Client, make_mapping: Any
) -> None:
    url = start_url(make_mapping(("medborgare",)))
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    # No expiry: a session cookie, forgotten when the browser closes.
    assert not cookie["max-age"] and not cookie["expires"]
    for page in (url, reverse("mappings:code"), reverse("accounts:login")):
        response = client.get(page)
        assert '<html lang="en">' in response.content.decode()
        assert response.headers["Content-Language"] == "en"


def test_swedish_is_the_default_whatever_the_browser_asks_for(client: Client, db: None) -> None:
    response = client.get(reverse("mappings:code"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="sv">' in response.content.decode()
    assert 'lang="en"' in response.content.decode()  # the switch says "English" in English


def test_swedish_text_on_an_english_page_is_marked_swedish(
    client: Client, make_mapping: Any
) -> None:
    mapping = make_mapping(("medborgare",))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(start_url(mapping)).content.decode()
    assert '<html lang="en">' in page
    assert f'<h1 lang="sv">{mapping.name}</h1>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = client.get(start_url(mapping)).content.decode()
    assert f"<h1>{mapping.name}</h1>" in page


def test_a_mapping_that_allows_english_offers_the_switch(client: Client, make_mapping: Any) -> None:
    page = client.get(start_url(make_mapping(("medborgare",)))).content.decode()
    assert 'name="language" value="en"' in page


def test_a_mapping_without_english_neither_offers_nor_uses_it(
    client: Client, make_mapping: Any
) -> None:
    mapping = make_mapping(("medborgare",), english_enabled=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(start_url(mapping))
    page = response.content.decode()
    assert '<html lang="sv">' in page
    assert response.headers["Content-Language"] == "sv"
    assert 'name="language"' not in page
    assert "Börja svara" in page
    response = client.post(start_url(mapping), {"website": ""})
    step = client.get(response.headers["Location"])
    assert '<html lang="sv">' in step.content.decode()
    assert 'name="language"' not in step.content.decode()


def test_the_easy_to_read_introduction_is_linked_from_the_start_page(
    client: Client, make_mapping: Any
) -> None:
    url = start_url(make_mapping(("medborgare",)))
    assert 'href="?lattlast=1"' in client.get(url).content.decode()
    easy = client.get(url + "?lattlast=1").content.decode()
    assert "Du väljer ord från en lista. Det finns inga rätta svar." in easy
    assert "Du väljer 3 ord på varje sida. Det finns 3 sidor med ord." in easy
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url + "?lattlast=1").content.decode()
    assert "You choose words from a list. There are no right answers." in english
