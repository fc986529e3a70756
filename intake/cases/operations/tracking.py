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

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash

from intake.cases.models import Case
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
