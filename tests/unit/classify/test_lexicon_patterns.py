"""The lexicon's compiled patterns find exactly what a plain longest-first alternation finds.

`lexicon._compile` groups the stems by first character for speed; the model's
lexicon features must not change by it. The reference here is the plain form:
every stem a branch of its own, longest first, `(?<!\\w)` before a stem that
must start a word.
"""

from __future__ import annotations

import json
import re
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


REFERENCE = {tag: reference(stems) for tag, stems in TAGGED.items()}


def matches(patterns: dict[str, re.Pattern[str]], text: str) -> list[tuple[str, int, int]]:
    return [(tag, *m.span()) for tag, p in patterns.items() for m in p.finditer(text)]


def test_the_held_out_texts_get_the_same_matches() -> None:
    texts = [normalise(json.loads(line)["text"]) for line in TEST_SET.open(encoding="utf-8")]
    found = [matches(lexicon._PATTERNS, text) for text in texts]

    assert found == [matches(REFERENCE, text) for text in texts]
    assert sum(map(len, found)) > len(texts)  # the texts do hit the lexicon


STEMS = sorted({normalise(s.lstrip("*")) for stems in TAGGED.values() for s in stems})
# Text made of stems, pieces of stems and glue, so stems touch, overlap and sit inside words.
PIECES = st.one_of(
    st.sampled_from(STEMS),
    st.sampled_from(STEMS).map(lambda s: s[: max(1, len(s) // 2)]),
    st.sampled_from([" ", "", "x", "on", "-", "'", "1", "é"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_any_text_gets_the_same_matches(text: str) -> None:
    assert matches(lexicon._PATTERNS, text) == matches(REFERENCE, text)
