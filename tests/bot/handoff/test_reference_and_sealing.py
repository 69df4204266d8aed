"""Reference codes and sealed contact details."""

import pytest

from bot.handoff.reference import ALPHABET, display, is_reference, new_reference
from bot.handoff.sealing import SealingError, seal, unseal


def test_references_are_crockford_base32_without_ambiguous_letters():
    codes = {new_reference() for _ in range(2000)}
    assert len(codes) == 2000  # 40 random bits: no clash in a sample this small
    for code in codes:
        assert is_reference(code) and not set(code) & set("ILOU")
    assert set(ALPHABET) == set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


@pytest.mark.parametrize(
    "text, valid", [("K7M29QX4", True), ("K7M29QX", False), ("K7M29QXI", False), ("k7m29qx4", False), ("", False)]
)
def test_is_reference(text, valid):
    assert is_reference(text) is valid


def test_display_splits_for_reading_aloud():
    assert display("K7M29QX4") == "K7M2 9QX4"


def test_sealing_round_trip_and_nothing_in_clear():
    sealed = seal("key-1", "+371 20000000")
    assert "20000000" not in sealed and sealed != seal("key-1", "+371 20000000")  # fresh nonce each time
    assert unseal("key-1", sealed) == "+371 20000000"


@pytest.mark.parametrize("key, purpose", [("key-2", b"contact"), ("key-1", b"outbox")])
def test_a_wrong_key_or_purpose_cannot_open(key, purpose):
    with pytest.raises(SealingError):
        unseal(key, seal("key-1", "secret"), purpose)


def test_no_key_no_sealing():
    with pytest.raises(SealingError):
        seal("", "x")
