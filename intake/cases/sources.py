"""Where web submissions came from, so that the intake office can see bursts: many items from
one client address, e-mail or phone in a short time (a campaign, a script, or one person
writing many times). The address is kept only as a keyed digest, never in clear: officers see
that items share an origin, not what it is. Items recorded by officers have no row here.

The row also holds, until the receipt has been shown once, one half of the access key: a
random pad, whose other half (the key XOR the pad) is in the browser's session cookie. Neither
half alone says anything about the key; the pad is cleared when the receipt is shown, so a
copied cookie is worth nothing afterwards."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.cases.models import Case
from intake.extensions import db
from intake.sqltypes import UTCDateTime


class SubmissionSource(db.Model):
    __tablename__ = "submission_sources"

    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    client_digest: Mapped[str] = mapped_column(sa.String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    receipt_pad: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (sa.Index("ix_submission_sources_client_at", "client_digest", "submitted_at"),)


def client_digest(secret_key: str, address: str) -> str:
    """A keyed digest of a client address: equal for equal addresses, and useless without the
    secret key (the IPv4 space is small enough to hash in full)."""
    mac = hmac.new(secret_key.encode(), b"client-address:" + address.encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def seal_receipt(
    case: Case, access_key: str, *, digest: str, now: datetime, created: bool = False
) -> str:
    """Record where ``case`` came from (once) and split its access key for one display of the
    receipt: the pad stays here, the returned half goes to the session. A case ``created`` in
    this transaction has no source yet: no need to look."""
    source = None if created else db.session.get(SubmissionSource, case.id)
    if source is None:
        source = SubmissionSource(case_id=case.id, client_digest=digest, submitted_at=now)
        db.session.add(source)
    data = access_key.encode()
    pad = secrets.token_bytes(len(data))
    source.receipt_pad = base64.urlsafe_b64encode(pad).decode()
    return base64.urlsafe_b64encode(bytes(a ^ b for a, b in zip(data, pad, strict=True))).decode()


def open_receipt(case_id: int, sealed: str) -> str | None:
    """The access key, once: the pad is cleared. ``None`` when it was shown already."""
    source = db.session.get(SubmissionSource, case_id)
    if source is None or not source.receipt_pad:
        return None
    try:
        pad = base64.urlsafe_b64decode(source.receipt_pad)
        half = base64.urlsafe_b64decode(sealed)
    except (ValueError, TypeError):
        return None
    source.receipt_pad = None
    if len(pad) != len(half):
        return None
    return bytes(a ^ b for a, b in zip(half, pad, strict=True)).decode(errors="replace")


@dataclass
class Burst:
    """How many items (this one included) share an origin with an item, within the window."""

    same_address: int = 0
    same_email: int = 0
    same_phone: int = 0
    reasons: list[str] = field(default_factory=list)


def _around(times: list[datetime], window: timedelta) -> list[tuple[datetime, datetime]]:
    """The spans within ``window`` of ``times``, overlapping ones merged, in order.

    A page's items, searched or in the "all" tab, may be months apart: one span from the
    earliest to the latest read every item received in between through the index of the
    reception time (4 s for a page at a million items). Each span read on its own is the
    items of about two hours."""
    spans: list[tuple[datetime, datetime]] = []
    for at in sorted(times):
        start, end = at - window, at + window
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def bursts_for(cases: list[Case], *, window: timedelta, threshold: int) -> dict[int, Burst]:
    """For each case that is part of a burst (``threshold`` items or more from the same
    address, e-mail or phone within ``window`` either side of it), what it shares. Three
    queries for a whole page of cases, whatever its length."""
    if not cases:
        return {}
    around = _around([c.received_at for c in cases], window)
    earliest, latest = around[0][0], around[-1][1]  # in order, the last reaching furthest
    ids = [c.id for c in cases]
    digests = dict(
        db.session.execute(
            sa.select(SubmissionSource.case_id, SubmissionSource.client_digest).where(
                SubmissionSource.case_id.in_(ids)
            )
        ).all()
    )
    by_digest: dict[str, list[datetime]] = defaultdict(list)
    if digests:
        rows = db.session.execute(
            sa.select(SubmissionSource.client_digest, SubmissionSource.submitted_at).where(
                SubmissionSource.client_digest.in_(set(digests.values())),
                SubmissionSource.submitted_at.between(earliest, latest),
            )
        )
        for digest, at in rows:
            by_digest[digest].append(at)
    emails = {c.email for c in cases if c.email}
    phones = {c.phone for c in cases if c.phone}
    by_email: dict[str, list[datetime]] = defaultdict(list)
    by_phone: dict[str, list[datetime]] = defaultdict(list)
    if emails or phones:
        rows = db.session.execute(
            sa.select(Case.email, Case.phone, Case.received_at).where(
                sa.or_(*(Case.received_at.between(start, end) for start, end in around)),
                sa.or_(Case.email.in_(emails), Case.phone.in_(phones)),
            )
        )
        for email, phone, at in rows:
            if email in emails:
                by_email[email].append(at)
            if phone in phones:
                by_phone[phone].append(at)

    for times in chain(by_digest.values(), by_email.values(), by_phone.values()):
        times.sort()

    def near(times: list[datetime], at: datetime) -> int:
        # sorted: the count within [at - window, at + window] by two binary searches
        return bisect_right(times, at + window) - bisect_left(times, at - window)

    bursts = {}
    for case in cases:
        at = case.received_at
        burst = Burst(
            same_address=near(by_digest.get(digests.get(case.id), []), at)
            if case.id in digests
            else 0,
            same_email=near(by_email.get(case.email, []), at) if case.email else 0,
            same_phone=near(by_phone.get(case.phone, []), at) if case.phone else 0,
        )
        burst.reasons = [
            name
            for name, n in (
                ("address", burst.same_address),
                ("email", burst.same_email),
                ("phone", burst.same_phone),
            )
            if n >= threshold
        ]
        if burst.reasons:
            bursts[case.id] = burst
    return bursts
