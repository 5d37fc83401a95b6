"""Text normalisation before the classifier sees a mention.

Social media text carries a lot of surface noise that says nothing about the topic:
links, @handles, the `#` of hashtags, shouting, stretched letters ("sooooo"). We map
those onto a few stable tokens so the word features generalise; typos and Dutch
compounds are handled by the character n-grams of the model, not here.
"""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:ly|nl|com|biz|win|be|org|co)/\S*", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_HANDLE = re.compile(r"(?<![\w@])@[\w.]+(?:@[\w.-]+)?")
_HASHTAG = re.compile(r"#(\w+)")
_STRETCH = re.compile(r"(\w)\1{2,}")
_SPACES = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\W\d_]")

SHOUTING_TOKEN = "xxshout"


def shouting(text: str) -> bool:
    """Mostly capitals over a meaningful stretch of letters: a signal of its own."""
    letters = _LETTERS.findall(text)
    if len(letters) < 12:
        return False
    return sum(ch.isupper() for ch in letters) / len(letters) > 0.6


def normalise(text: str) -> str:
    """Lower-cased, accent-folded text with links, addresses and handles as fixed tokens."""
    shout = shouting(text)
    text = unicodedata.normalize("NFKC", text)
    text = _URL.sub(" xxurl ", text)
    text = _HANDLE.sub(" xxhandle ", text)
    text = _EMAIL.sub(" xxemail ", text)
    text = _HASHTAG.sub(r" \1 ", text)
    text = text.lower()
    text = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    text = _STRETCH.sub(r"\1\1", text)
    text = _SPACES.sub(" ", text).strip()
    return f"{text} {SHOUTING_TOKEN}" if shout else text
