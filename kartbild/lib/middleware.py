"""Swedish first: the interface is Swedish unless the visitor chose English with the language
switch. The browser's Accept-Language is not followed, because a Swedish municipality's survey
must not appear half in English on a computer set up in English.

The choice is Django's language cookie, which set_language writes without an expiry
(LANGUAGE_COOKIE_AGE is unset): it lasts for the browser session, on every page, and is
forgotten when the browser closes, like the session itself. No account or server state holds it,
so it works for anonymous respondents too."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        # A view may narrow the language (a mapping that does not allow English answers in
        # Swedish): the header says what the page is in.
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)  # type: ignore[attr-defined]
        return response
