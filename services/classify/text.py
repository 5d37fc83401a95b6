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
# Combining marks left by NFD (accents) and emoji variation selectors: what `normalise`
# folds away, in one regex pass instead of a Python test of every character.
_MARKS = re.compile(
    r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f]"
)

SHOUTING_TOKEN = "xxshout"


def shouting(text: str) -> bool:
    """Mostly capitals over a meaningful stretch of letters: a signal of its own."""
    upper = sum(map(str.isupper, text))
    if upper < 8:  # fewer can't be more than 60% of 12 letters: most texts stop here
        return False
    letters = sum(map(str.isalpha, text))
    return letters >= 12 and upper / letters > 0.6


def normalise(text: str) -> str:
    """Lower-cased, accent-folded text with links, addresses and handles as fixed tokens."""
    shout = shouting(text)
    text = unicodedata.normalize("NFKC", text)
    # Each pattern needs a character most texts lack: test for it before running it.
    if "/" in text or "www." in text:
        text = _URL.sub(" xxurl ", text)
    if "@" in text:
        text = _HANDLE.sub(" xxhandle ", text)
        text = _EMAIL.sub(" xxemail ", text)
    if "#" in text:
        text = _HASHTAG.sub(r" \1 ", text)
    text = text.lower()
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFD", text))
    text = _STRETCH.sub(r"\1\1", text)
    text = " ".join(text.split())
    return f"{text} {SHOUTING_TOKEN}" if shout else text
