"""Finding an item from its code and access key, without revealing which half was wrong."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from intake.cases.models import (
    Case,
)
from intake.extensions import db


def find_tracked_case(reference_code: str, access_key: str) -> Case | None:
    """The case when both halves match, else ``None``, without saying which half was wrong."""
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == reference_code))
    if case is None:
        # Spend the same time as a real check so that timing does not reveal existing codes.
        check_password_hash(_dummy_key_hash(key_hash_method()), access_key)
        return None
    return case if check_password_hash(case.access_key_hash, access_key) else None


@functools.cache
def _dummy_key_hash(method: str) -> str:
    """A hash to check against when the code does not exist, computed once per method."""
    return generate_password_hash("no-such-key", method=method)


def key_hash_method() -> str:
    """Hashing makes a stolen database useless for tracking items. The cost is a setting:
    tests lower it, since they submit hundreds of items."""
    return current_app.config["ACCESS_KEY_HASH_METHOD"]
