"""The session cookie, signed with the signing worked out once (intake.web.cookie_session): it
reads and is read exactly as Flask's own, through a key rotation, and refuses what was
tampered with."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from intake.web.cookie_session import KeptSerializerSessionInterface

SHORT = {"csrf_token": "d9ad89e97d5124fe72d37959537ffe16eec99283"}
LONG = {**SHORT, "sid": "ZYpZ2D8-YIQ6Zi1uUaMtz0OOL84ob_vkH14MY3Cafr4", "lang": "en"}
FLASHES = {**LONG, "_flashes": [("message", "Đã gửi thông tin bổ sung. Cảm ơn bạn.")] * 3}


def app_with(secret: str, fallbacks=()) -> Flask:
    app = Flask(__name__)
    app.secret_key = secret
    app.config["SECRET_KEY_FALLBACKS"] = list(fallbacks)
    return app


def ours(app):
    return KeptSerializerSessionInterface().get_signing_serializer(app)


def flasks(app):
    return SecureCookieSessionInterface().get_signing_serializer(app)


@pytest.mark.parametrize("data", [SHORT, LONG, FLASHES], ids=["anonymous", "signed in", "flashes"])
def test_a_cookie_reads_the_same_either_way(data):
    """A node running Flask's own session (or the code before this one) and this one read each
    other's cookies: the same salt, derivation and signature."""
    app = app_with("a secret")
    assert flasks(app).loads(ours(app).dumps(data)) == data
    assert ours(app).loads(flasks(app).dumps(data)) == data


def test_a_long_session_is_compressed_when_it_pays_a_short_one_is_not():
    app = app_with("a secret")
    assert ours(app).dumps(FLASHES).startswith(".")  # itsdangerous's mark of a zlib payload
    assert len(ours(app).dumps(FLASHES)) == len(flasks(app).dumps(FLASHES))
    assert not ours(app).dumps(SHORT).startswith(".")
    assert len(ours(app).dumps(SHORT)) <= len(flasks(app).dumps(SHORT))


def test_the_signature_is_checked_and_a_rotated_key_still_reads():
    old, new = app_with("old secret"), app_with("new secret", fallbacks=["old secret"])
    cookie = ours(old).dumps(LONG)
    assert ours(new).loads(cookie) == LONG  # signed before the rotation
    with pytest.raises(BadSignature):
        ours(app_with("another secret")).loads(cookie)
    payload, stamp, signature = cookie.rsplit(".", 2)
    # A character inside the signature: the last one carries two bits that decoding ignores.
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    forged = f"{payload}.{stamp}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"
    with pytest.raises(BadSignature):
        ours(old).loads(forged)


def test_a_rotation_on_a_running_app_is_taken_up():
    """The serializer is kept per key and fallbacks: adding the old key as a fallback (the
    rotation's second step) makes the cookies signed with it read again."""
    interface = KeptSerializerSessionInterface()
    app = app_with("old secret")
    cookie = interface.get_signing_serializer(app).dumps(LONG)
    app.secret_key = "new secret"
    with pytest.raises(BadSignature):
        interface.get_signing_serializer(app).loads(cookie)
    app.config["SECRET_KEY_FALLBACKS"] = ["old secret"]
    assert interface.get_signing_serializer(app).loads(cookie) == LONG


def test_a_new_secret_key_is_taken_up(app):
    """The serializer is kept per key: an app whose key changes signs with the new one."""
    interface = app.session_interface
    before = interface.get_signing_serializer(app).dumps(SHORT)
    app.secret_key = "a different key"
    after = interface.get_signing_serializer(app)
    assert after.loads(after.dumps(SHORT)) == SHORT
    with pytest.raises(BadSignature):
        after.loads(before)
