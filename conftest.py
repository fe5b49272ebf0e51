"""Test-wide setup: settings for tests, the browser, and the personas every test can use."""

import os

os.environ.setdefault("TESTING", "1")
# Playwright's sync API runs an event loop in the test thread; Django's live server and ORM
# are used from the same thread on purpose.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
