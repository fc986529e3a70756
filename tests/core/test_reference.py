import random
import re

from intake.core.reference import (
    derive_access_key,
    new_access_key,
    new_reference_code,
    normalise_access_key,
    normalise_reference_code,
)

CODE = re.compile(r"^PAKN-2026-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def test_codes_are_readable_random_and_not_sequential():
    codes = [new_reference_code(2026) for _ in range(500)]
    assert all(CODE.match(c) for c in codes)
    assert len(set(codes)) == 500
    assert sorted(codes) != codes  # not issued in order


def test_codes_avoid_confusable_letters():
    rng = random.Random(1)
    codes = "".join(new_reference_code(2026, rng.randrange)[10:] for _ in range(300))
    assert not set("ILOU") & set(codes)


def test_typed_codes_are_forgiving():
    assert normalise_reference_code(" pakn 2026 k7q4 m9xd ") == "PAKN-2026-K7Q4-M9XD"
    assert normalise_reference_code("PAKN-2026-K7Q4-M9XO") == "PAKN-2026-K7Q4-M9X0"
    assert normalise_reference_code("PAKN2026I7Q4L9XD") == "PAKN-2026-17Q4-19XD"
    assert normalise_reference_code("nonsense") == "NONSENSE"


def test_access_key_is_derived_from_the_token_and_the_secret():
    key = derive_access_key("secret", "token-1")
    assert re.match(r"^[0-9A-Z]{5}-[0-9A-Z]{5}$", key)
    assert derive_access_key("secret", "token-1") == key
    assert derive_access_key("secret", "token-2") != key
    assert derive_access_key("other", "token-1") != key
    assert normalise_access_key(key.lower().replace("-", " ")) == key
    assert re.match(r"^[0-9A-Z]{5}-[0-9A-Z]{5}$", new_access_key())
