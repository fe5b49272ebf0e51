"""Protection of the open answer links and the code form against floods and scripts.

Three defences, none of which asks a person to prove they are one (no CAPTCHA, which many
assistive technologies cannot pass):

1. Rate limits per client on starting an answer, on submitting one and on failed code entries
   (brute force of codes). Counters live in the database (`RateCounter`), so every application
   process behind a load balancer sees the same count. A counter's key is an HMAC of the client
   address, the limit and the time window under the secret key: the address itself is never
   stored, a key cannot be recomputed without the secret, and keys of two windows do not link.
   Counters are deleted when their window ends. Nothing here is stored with a response.
2. A check for automated submissions: a honeypot field that people never see (the `hidden`
   attribute removes it from the screen, the keyboard order and the accessibility tree alike, and
   browsers do not autofill it), and a minimum time between starting an answer and submitting it.
3. Burst reports: when one perspective's open link receives unusually many submissions, or many
   refused ones, within one window, a `BurstEvent` with the count and the window is shown to the
   organisation admin on the mapping's page. Windows below the threshold leave no trace, so the
   counts never time an individual answer.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kartbild.mappings.models import BurstEvent, Draft, MappingPerspective, RateCounter

# The name of the honeypot field. Scripts that fill every input fill one named like this.
HONEYPOT_FIELD = "website"


@dataclass(frozen=True)
class Limit:
    """At most `count` events per client in a fixed window of `seconds`."""

    name: str
    count: int
    seconds: int


# A whole office or school often reaches the internet through one address, and answers together
# the morning the invitation arrives: a few hundred starts and submissions in ten minutes from one
# address are normal. Floods from scripts are orders of magnitude more.
START = Limit("start", 300, 600)
SUBMIT = Limit("submit", 300, 600)
# Codes have 60 random bits, so guessing one is hopeless anyway; this stops scripts from trying
# and from using the form to test leaked lists. Thirty mistakes in ten minutes is more than a
# room full of people mistyping their letters makes.
CODE_FAILURES = Limit("code-failures", 30, 600)

# A burst: this many events on one perspective's open link within one window.
BURST_WINDOW_SECONDS = 600
BURST_THRESHOLDS = {
    # A large municipality's citizens survey gets some hundred answers on its best day.
    BurstEvent.Kind.SUBMITTED: 100,
    # Refusals (honeypot, too fast, over a rate limit) happen to people rarely; twenty is a script.
    BurstEvent.Kind.REFUSED: 20,
}


def client_address(request: HttpRequest) -> str:
    """The address the request came from. Behind a reverse proxy, CLIENT_IP_HEADER names the
    header the proxy sets (e.g. HTTP_X_FORWARDED_FOR); its last entry is the one the proxy saw."""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(*parts: object) -> str:
    message = "\x1f".join(str(part) for part in parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _window(seconds: int, now: datetime) -> tuple[int, datetime]:
    index = int(now.timestamp()) // seconds
    return index, datetime.fromtimestamp((index + 1) * seconds, tz=now.tzinfo)


@contextmanager
def _counting() -> Iterator[None]:
    """A transaction for counters. On PostgreSQL its commit does not wait for the disk: every
    submission of a perspective counts on the same burst row, and waiting for a flush while
    holding that row's lock would let only one submission through per flush (a few hundred a
    second). A crash may lose the last fraction of a second of counts, which only makes a rate
    limit or a burst report a little more lenient; responses themselves commit durably, in their
    own transaction. Inside a caller's transaction nothing changes, so that its data keeps the
    durability it asked for."""
    outermost = not connection.in_atomic_block
    # No savepoint when nested: the counters' statements are upserts that do not fail alone.
    with transaction.atomic(savepoint=False):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _increment(key: str, expires_at: datetime) -> int:
    """Add one to a counter and return its new value; safe with many processes at once (one
    statement: the row is created or counted on, whichever process comes first)."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    key_column, count_column, expires_column = (
        connection.ops.quote_name(name) for name in ("key", "count", "expires_at")
    )
    with _counting():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {count_column}, {expires_column}) "
                f"VALUES (%s, 1, %s) ON CONFLICT ({key_column}) "
                f"DO UPDATE SET {count_column} = {table}.{count_column} + 1 "
                f"RETURNING {count_column}",
                [key, connection.ops.adapt_datetimefield_value(expires_at)],
            )
            row = cursor.fetchone()
        total = int(row[0]) if row else 1
        if total == 1:
            # A new window began for someone: a good moment to forget ended ones.
            RateCounter.objects.filter(expires_at__lte=timezone.now()).delete()
    return total


def _current(key: str) -> int:
    return RateCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0


def _limit_key(request: HttpRequest, limit: Limit, now: datetime) -> tuple[str, datetime]:
    index, ends = _window(limit.seconds, now)
    return _key("limit", limit.name, client_address(request), index), ends


def count_and_check(request: HttpRequest, limit: Limit) -> bool:
    """Count one event of this client; True while the client is within the limit."""
    key, ends = _limit_key(request, limit, timezone.now())
    return _increment(key, ends) <= limit.count


def is_limited(request: HttpRequest, limit: Limit) -> bool:
    """Whether this client has used up the limit, without counting anything."""
    key, _ends = _limit_key(request, limit, timezone.now())
    return _current(key) >= limit.count


def count(request: HttpRequest, limit: Limit) -> None:
    """Count one event of this client (e.g. a failed code) without checking."""
    key, ends = _limit_key(request, limit, timezone.now())
    _increment(key, ends)


def too_many(request: HttpRequest, limit: Limit) -> HttpResponse:
    """The accessible 429 page, telling when to try again."""
    response = render(
        request,
        "mappings/respond/limited.html",
        {"minutes": max(1, limit.seconds // 60)},
        status=429,
    )
    response["Retry-After"] = str(limit.seconds)
    return response


def looks_automated(request: HttpRequest) -> bool:
    """A form came back with the honeypot filled in: only a script sees that field."""
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())


def submitted_too_fast(draft: Draft) -> bool:
    """Submitted sooner after starting than a person can read the questions and pick values."""
    minimum = settings.RESPONSE_MIN_SECONDS
    if not minimum or draft.started_at is None:
        return False
    return timezone.now() - draft.started_at < timedelta(seconds=minimum)


def record_link_event(mapping_perspective: MappingPerspective, kind: BurstEvent.Kind) -> None:
    """Count a submission or a refusal on a perspective; report the window once it is a burst."""
    now = timezone.now()
    index, ends = _window(BURST_WINDOW_SECONDS, now)
    # One transaction for the count and the report, committed as counters are (_counting).
    with _counting():
        total = _increment(_key("burst", mapping_perspective.pk, kind, index), ends)
        if total < BURST_THRESHOLDS[kind]:
            return
        starts = ends - timedelta(seconds=BURST_WINDOW_SECONDS)
        updated = BurstEvent.objects.filter(
            mapping_perspective=mapping_perspective, kind=kind, window_start=starts
        ).update(count=total)
        if not updated:
            try:
                with transaction.atomic():
                    BurstEvent.objects.create(
                        mapping_perspective=mapping_perspective,
                        kind=kind,
                        window_start=starts,
                        window_end=ends,
                        count=total,
                    )
            except IntegrityError:
                BurstEvent.objects.filter(
                    mapping_perspective=mapping_perspective, kind=kind, window_start=starts
                ).update(count=total)
