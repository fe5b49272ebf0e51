"""Loaded by pytest as a plugin (`-p kartbild.lib.testenv` in pyproject.toml) before pytest-django
reads the settings, so the suite runs with test settings however pytest is started."""

import os

os.environ.setdefault("TESTING", "1")
# Tests answer in milliseconds; the tests of the check itself set a minimum explicitly.
os.environ.setdefault("RESPONSE_MIN_SECONDS", "0")
# Playwright's sync API runs an event loop in the test thread; Django's live server and ORM
# are used from the same thread on purpose.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
