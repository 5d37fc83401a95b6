"""Language of a mention's text, detected rather than trusted.

Platforms report the language the author's client was set to, which is often
wrong (a Dutch account posting in English). lingua's detector, restricted to
the languages the organisation answers in and in low-accuracy mode (fast,
good enough on posts of a sentence or more), decides; the declared language
is the fallback for texts too short to tell. Flemish is Dutch: `nl-BE` and
`vls` become `nl`.
"""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = {
    Language.DUTCH: "nl",
    Language.ENGLISH: "en",
    Language.FRENCH: "fr",
    Language.GERMAN: "de",
}
_ALIASES = {"vls": "nl", "nld": "nl", "dut": "nl", "eng": "en", "fra": "fr", "fre": "fr",
            "deu": "de", "ger": "de"}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]{2,}")
# Below this many words a detector guesses; the declared language is better than a guess.
MIN_WORDS = 2


@cache
def _detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*SUPPORTED)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def normalise_tag(tag: str | None) -> str | None:
    """`nl-BE` → `nl`, `VLS` → `nl`, `en_GB` → `en`; None for an empty tag."""
    if not tag:
        return None
    base = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    base = _ALIASES.get(base, base)
    return base[:8] or None


def detect_language(text: str, declared: str | None = None) -> str | None:
    """The language of `text` among nl/en/fr/de, else the declared one normalised.

    A declared language outside those four (es, ar, ja…) is kept: the detector
    only knows the four and would force a wrong one of them.
    """
    tag = normalise_tag(declared)
    if tag is not None and tag not in SUPPORTED.values():
        return tag
    if len(_WORD.findall(text)) >= MIN_WORDS:
        found = _detector().detect_language_of(text)
        if found is not None:
            return SUPPORTED[found]
    return tag
