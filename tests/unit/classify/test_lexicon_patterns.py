"""The lexicon's word-by-word matching finds what a plain longest-first alternation finds.

`lexicon.word_tags` looks stems up in a word's prefixes and inner substrings (and
`phrase_tags` matches stems of several words word by word) because that is fast and
cacheable per word; it must tag what the obvious form tags. The reference here is the
plain form over the normalised text: every stem a branch of its own, longest first,
`(?<!\\w)` before a stem that must start a word; one hit per match, per tag; stems of
several words ("buddy project") in a pattern of their own, a hit on top of their words'.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from services.classify import lexicon
from services.classify.text import normalise

TEST_SET = Path(lexicon.__file__).parent / "data" / "test.jsonl"
TAGGED = {**lexicon.LEXICON, **lexicon.MOODS}


def reference(stems: list[str]) -> re.Pattern[str]:
    parts = []
    for stem in sorted({normalise(s.lstrip("*")) for s in stems}, key=len, reverse=True):
        anywhere = any(
            s.lstrip("*") == stem or normalise(s.lstrip("*")) == stem
            for s in stems
            if s.startswith("*")
        )
        prefix = "" if anywhere or not stem[0].isalnum() else r"(?<!\w)"
        parts.append(prefix + re.escape(stem))
    return re.compile("|".join(parts))


def several_words(stem: str) -> bool:
    return re.fullmatch(r"\w+|[^\w\s]", normalise(stem.lstrip("*"))) is None


REFERENCE = {
    (tag, phrases): reference(chosen)
    for tag, stems in TAGGED.items()
    for phrases in (False, True)
    if (chosen := [s for s in stems if several_words(s) == phrases])
}


def reference_tags(text: str) -> Counter[str]:
    normalised = normalise(text)
    return Counter(
        f"lex_{tag}" for (tag, _), p in REFERENCE.items() for _ in p.finditer(normalised)
    )


def test_the_held_out_texts_get_the_same_tags() -> None:
    texts = [json.loads(line)["text"] for line in TEST_SET.open(encoding="utf-8")]
    found = [Counter(lexicon.lexicon_tags(text)) for text in texts]

    assert found == [reference_tags(text) for text in texts]
    assert sum(sum(f.values()) for f in found) > len(texts)  # the texts do hit the lexicon


STEMS = sorted({normalise(s.lstrip("*")) for stems in TAGGED.values() for s in stems})
# Text made of stems, pieces of stems and glue, so stems touch, overlap and sit inside words.
PIECES = st.one_of(
    st.sampled_from(STEMS),
    st.sampled_from(STEMS).map(lambda s: s[: max(1, len(s) // 2)]),
    st.sampled_from([" ", "", "x", "on", "-", "'", "1", "é"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_any_text_gets_the_same_tags(text: str) -> None:
    assert Counter(lexicon.lexicon_tags(text)) == reference_tags(text)
