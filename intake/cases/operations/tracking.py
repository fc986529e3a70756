"""Finding an item from its code and access key, without revealing which half was wrong.

The access key is a random 50-bit secret, not a password a person chose: it is stored as an
HMAC-SHA256 keyed with the application's secret key, which costs microseconds instead of the
password hash's tens of milliseconds per submission and per tracking attempt. A stolen database
without the secret key cannot be searched for keys; with the secret key the keys could be
derived from the submission tokens anyway, so a slow hash would add nothing. Rows written before
keep their password hash and are still checked with it.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from intake.accounts.models import User
from intake.cases.events import record_event
from intake.cases.models import Case
from intake.cases.operations.engine import notify_citizen, required_text
from intake.core.contact import normalise_vn_phone
from intake.core.reference import new_access_key
from intake.core.states import EventKind
from intake.core.text import nfc
from intake.extensions import db

DIGEST_PREFIX = "hmac-sha256$"
_NO_SUCH_KEY = DIGEST_PREFIX + "0" * 64


def access_key_digest(access_key: str) -> str:
    """The stored form of an access key."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, access_key.encode(), hashlib.sha256).hexdigest()
    return DIGEST_PREFIX + digest


def key_matches(stored: str, access_key: str) -> bool:
    if stored.startswith(DIGEST_PREFIX):
        return hmac.compare_digest(stored, access_key_digest(access_key))
    return check_password_hash(stored, access_key)  # written before the HMAC


def find_tracked_case(reference_code: str, access_key: str) -> Case | None:
    """The case when both halves match, else ``None``, without saying which half was wrong."""
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == reference_code))
    if case is None:
        # The same work as a real check, so that timing does not reveal existing codes.
        key_matches(_NO_SUCH_KEY, access_key)
        return None
    return case if key_matches(case.access_key_hash, access_key) else None


def contact_matches(case: Case, contact: str) -> str | None:
    """``"email"`` or ``"phone"`` when ``contact`` is the e-mail or phone given at submission,
    else ``None``. Compared in constant time, so that the answer's timing says nothing."""
    typed = nfc(contact).lower()
    if "@" in typed:
        return "email" if hmac.compare_digest(typed, case.email or "") else None
    phone = normalise_vn_phone(typed) or ""
    return "phone" if phone and hmac.compare_digest(phone, case.phone or "") else None


def _new_key(case: Case) -> str:
    access_key = new_access_key()
    case.access_key_hash = access_key_digest(access_key)
    db.session.flush()
    return access_key


def recover_access_key(case: Case, *, now: datetime, contact: str) -> bool:
    """A citizen asks for a new key with the item's code and the e-mail or phone given at
    submission. When the contact matches, a new key is sent by the citizen's channels (never
    shown on the page) and the old one stops working at once. Either way the attempt is
    recorded on the item, so an officer sees someone trying, and the request does the same
    database work whatever the outcome. The version is not bumped: the key is nothing an
    officer edits, and a recovery must not make an officer's open form stale."""
    channel = contact_matches(case, contact)
    details = {"channel": channel} if channel else {"channel": None, "matched": False}
    record_event(case, EventKind.RECOVER_KEY, actor="citizen", now=now, details=details)
    if channel:
        notify_citizen(case, "access_key", now=now, access_key=_new_key(case))
    return channel is not None


def reissue_access_key(
    case: Case, *, actor: User, now: datetime, expected_version: int | None = None, note: str
) -> str:
    """A new key for a citizen who called or came in, after the officer checked who they are
    (how is recorded in ``note``). Returned so that the officer can read it out once; it is
    also sent by the citizen's channels. The old key stops working at once."""
    note = required_text(note, _l("cần ghi cách đã xác minh người gửi"))
    access_key = _new_key(case)
    record_event(case, EventKind.REISSUE_KEY, actor=actor, now=now, note=note, unit=actor.unit)
    notify_citizen(case, "access_key", now=now, access_key=access_key)
    return access_key
