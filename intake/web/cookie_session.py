"""Flask's signed cookie session, with its signing worked out once rather than on every request:
the same keys, salt, key derivation and signature, so every cookie reads as Flask's own would.

Flask builds the serializer twice per request (opening and saving the session), and the
serializer builds a signer and derives its key (one HMAC) on every signature made or checked.
Here the serializer is built once per secret key, its signer once, each derived key once.
A session too short for compression to pay (an anonymous visitor's, holding a CSRF token and
nothing else) is not run through zlib only for the result to be thrown away. Together a
twentieth of a first visit to a form page (GET /track: a CSRF token minted, the session
cookie set), in process under cProfile."""

from __future__ import annotations

import zlib

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes
from itsdangerous.serializer import Serializer

#: Below this many bytes of JSON, zlib (six bytes of header and checksum of its own) saves a few
#: bytes of cookie at most: an anonymous visitor's session, a CSRF token of 40 hex digits, is 57
#: bytes of JSON and 63 compressed; a signed-in one (token and session id) is past it.
_TOO_SHORT_TO_COMPRESS = 80


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._kept: tuple[tuple, URLSafeTimedSerializer] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = self._kept
        if kept is None or kept[0] != keys:
            serializer = super().get_signing_serializer(app)
            if serializer is None:  # no secret key: Flask's own answer, no session
                return None
            kept = self._kept = (
                keys,
                _KeptSerializer(
                    serializer.secret_keys,
                    salt=serializer.salt,
                    serializer=serializer.serializer,
                    signer_kwargs=serializer.signer_kwargs,
                ),
            )
        return kept[1]


class _DerivedOnceSigner(TimestampSigner):
    """A timestamp signer that derives each secret key's signing key once."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._derived: dict[bytes, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        derived = self._derived.get(key)
        if derived is None:
            derived = self._derived[key] = super().derive_key(key)
        return derived


class _KeptSerializer(URLSafeTimedSerializer):
    default_signer = _DerivedOnceSigner

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._signers: dict[bytes, TimestampSigner] = {}

    def make_signer(self, salt: str | bytes | None = None) -> TimestampSigner:
        salt = want_bytes(self.salt if salt is None else salt)
        signer = self._signers.get(salt)
        if signer is None:
            signer = self._signers[salt] = super().make_signer(salt)
        return signer

    def dump_payload(self, obj) -> bytes:
        json = Serializer.dump_payload(self, obj)
        if len(json) >= _TOO_SHORT_TO_COMPRESS:
            compressed = zlib.compress(json)
            if len(compressed) < len(json) - 1:  # itsdangerous's own rule; "." marks it
                return b"." + base64_encode(compressed)
        return base64_encode(json)
