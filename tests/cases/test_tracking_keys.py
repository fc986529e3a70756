"""Access keys are stored as an HMAC keyed with the secret key; rows from before keep working."""

from __future__ import annotations

from werkzeug.security import generate_password_hash

from intake.cases.operations import find_tracked_case
from intake.cases.operations.tracking import DIGEST_PREFIX, access_key_digest
from intake.extensions import db


def test_a_submission_stores_an_hmac_that_opens_the_item(org, client, submit_form):
    import re

    from intake.cases.models import Case

    assert submit_form().status_code == 303
    key = re.search(r'id="access-key">([^<]+)<', client.get("/receipt").text).group(1)
    case = db.session.scalars(db.select(Case)).one()
    assert case.access_key_hash.startswith(DIGEST_PREFIX) and key not in case.access_key_hash
    assert find_tracked_case(case.reference_code, key) == case
    wrong = key[:-1] + ("X" if key[-1] != "X" else "Y")
    assert find_tracked_case(case.reference_code, wrong) is None
    assert find_tracked_case("PAKN-2026-0000-0000", key) is None


def test_a_key_hashed_before_the_hmac_still_opens_its_item(org, now, app):
    from tests.cases.factories import submit

    case = submit(now)
    case.access_key_hash = generate_password_hash("AAAAA-BBBBB", method="pbkdf2:sha256:1000")
    db.session.commit()
    assert find_tracked_case(case.reference_code, "AAAAA-BBBBB") == case
    assert find_tracked_case(case.reference_code, "AAAAA-BBBBC") is None


def test_the_digest_depends_on_the_secret_key(app):
    first = access_key_digest("AAAAA-BBBBB")
    app.config["SECRET_KEY"] = "another-secret"
    assert access_key_digest("AAAAA-BBBBB") != first
