"""Normalisation: noise becomes stable tokens, and nothing makes it fail."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.classify.text import SHOUTING_TOKEN, normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Doneer via https://openhart.nl/doneer nu", "doneer via xxurl nu"),
        ("@openhart en @openhart@mastodon.nl", "xxhandle en xxhandle"),
        ("mail info@openhart.nl", "mail xxemail"),
        ("#collecteweek!", "collecteweek !"),
        ("Vóór de coördinator", "voor de coordinator"),
        ("sooooo mooooi", "soo mooi"),
        ("bit.ly/gr0wfast247 DM now", "xxurl dm now"),
    ],
)
def test_noise_becomes_tokens(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_shouting_is_kept_as_a_signal() -> None:
    assert normalise("DE WERVERS STAAN WEER OP HET PLEIN").endswith(SHOUTING_TOKEN)
    assert SHOUTING_TOKEN not in normalise("De wervers staan weer op het PLEIN")


@given(st.text(max_size=300))
def test_any_text_normalises_to_lowercase_single_spaced(text: str) -> None:
    result = normalise(text)
    assert "  " not in result
    assert result == result.strip()
