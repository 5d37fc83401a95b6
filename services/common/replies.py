"""Composing a reply: which account posts it, how long it is, what to warn about. Pure.

Shared by the history API (preview and the checks before `reply_requested`) and
publish (the same checks before it calls the platform), so a reply the API
accepted is measured by the same rules the publisher uses.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Literal

import regex

from services.common.organisation_accounts import Account, ReplyGuidelines

# Sources whose mentions can be answered through an organisation account.
ACCOUNT_PLATFORMS = ("mastodon", "bluesky")
MASTODON_DEFAULT_LIMIT = 500
MASTODON_URL_LENGTH = 23  # every URL counts as this many characters, whatever its length
BLUESKY_LIMIT = 300  # graphemes of a post's text

_GRAPHEME = regex.compile(r"\X")
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_REMOTE_MENTION = re.compile(r"(?<![\w/])(@[A-Za-z0-9_]+)@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


class NoReplyChannel(Exception):
    """The mention's source has no way to post a reply (RSS/Atom, a webhook without reply_url)."""


class AccountRefused(Exception):
    """The chosen account does not exist, is on another platform, or the department may not
    post from it."""


def graphemes(text: str) -> int:
    """User-perceived characters, as Bluesky counts its limit: Unicode's extended grapheme
    clusters (UAX #29), so a flag, a family emoji or a letter with its accents is one."""
    return len(_GRAPHEME.findall(text))


def mastodon_length(text: str) -> int:
    """Mastodon's count: every URL is 23 characters, a remote mention counts its local part."""
    counted = _URL.sub("x" * MASTODON_URL_LENGTH, text)
    counted = _REMOTE_MENTION.sub(lambda m: m.group(1), counted)
    return graphemes(counted)


def bluesky_length(text: str) -> int:
    return graphemes(text)


@dataclass(frozen=True)
class Length:
    count: int
    limit: int

    @property
    def fits(self) -> bool:
        return self.count <= self.limit


def measure(platform: str, text: str, mastodon_limit: int = MASTODON_DEFAULT_LIMIT) -> Length:
    if platform == "mastodon":
        return Length(mastodon_length(text), mastodon_limit)
    if platform == "bluesky":
        return Length(bluesky_length(text), BLUESKY_LIMIT)
    return Length(len(text), 10_000)


def mention_prefix(platform: str, author_handle: str, text: str) -> str:
    """The author's handle in front of the reply, unless the text already names them."""
    handle = author_handle.lstrip("@")
    if not handle or f"@{handle}".lower() in text.lower():
        return text
    return f"@{handle} {text}"


def choose_account(
    accounts: list[Account],
    platform: str,
    department: str | None,
    mentioned_text: str,
    requested: str | None = None,
) -> Account:
    """The account a reply goes out from: the one asked for; else the account the mention
    named (if the department may post from it); else the department's own on the platform."""
    on_platform = [a for a in accounts if a.platform == platform]
    if requested is not None:
        for account in on_platform:
            if account.id == requested:
                if department is not None and department not in account.departments:
                    raise AccountRefused(
                        f"department {department!r} may not post from account {requested!r}"
                    )
                return account
        raise AccountRefused(f"no {platform} account {requested!r} in the organisation config")
    allowed = [a for a in on_platform if department is None or department in a.departments]
    lowered = mentioned_text.lower()
    for account in allowed:
        if _names(lowered, account):
            return account
    if allowed:
        return allowed[0]
    raise AccountRefused(
        f"no {platform} account the department {department!r} may post from"
        if on_platform
        else f"the organisation config has no {platform} account"
    )


def _names(lowered_text: str, account: Account) -> bool:
    handle = account.bare_handle.lower()
    local = handle.split("@")[0]
    if account.platform == "mastodon":
        return f"@{handle}" in lowered_text or bool(
            re.search(rf"@{re.escape(local)}\b", lowered_text)
        )
    return f"@{handle}" in lowered_text


Visibility = Literal["public", "unlisted", "private", "direct"]
_WIDTH: dict[str, int] = {"direct": 0, "private": 1, "unlisted": 2, "public": 3}


def reply_visibility(original: str, direct: bool) -> Visibility:
    """Never wider than the original's: a direct message stays direct."""
    wanted = "direct" if direct else "public"
    narrowest = min((original, wanted), key=lambda v: _WIDTH.get(v, 0))
    return narrowest if narrowest in _WIDTH else "direct"  # type: ignore[return-value]


def bluesky_rkey(request_id: str) -> str:
    """A record key derived from the reply_requested event: a retry writes the same record,
    and the PDS refuses a second one. A TID-shaped key (13 base32-sortable characters)."""
    digest = hashlib.sha256(request_id.encode()).digest()
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    value = int.from_bytes(digest[:8], "big") & ((1 << 63) - 1)
    return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def idempotency_key(request_id: str) -> str:
    return "webcare-" + base64.urlsafe_b64encode(hashlib.sha256(request_id.encode()).digest())[
        :32
    ].decode("ascii")


# --- content guidelines -------------------------------------------------------------------

_IBAN = re.compile(r"\b[A-Z]{2}\d{2}\s?(?:[A-Z0-9]{4}\s?){2,7}[A-Z0-9]{1,4}\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+31|0031|0)[\s-]?(?:6|[1-9]\d{1,2})(?:[\s-]?\d){6,8}\b")
_INTL_PHONE = re.compile(r"(?<![\w])\+\d{1,3}[\s-]?\d(?:[\s-]?\d){6,12}\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_POSTCODE_HOUSE = re.compile(
    r"\b\d{4}\s?[A-Z]{2}\b[^\n]{0,40}?\b\d{1,5}[a-z]?\b|\b[A-Z][a-z]+(?:straat|laan|weg|plein|"
    r"gracht|kade|singel|dijk)\s+\d{1,5}[a-z]?\b[^\n]{0,5}\d{4}\s?[A-Z]{2}\b"
)


@dataclass(frozen=True)
class Warning:
    kind: Literal["personal_data", "phrase", "crisis"]
    message: str
    match: str | None = None


def _iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


def personal_data(text: str, case_pattern: str) -> list[tuple[str, str]]:
    """(what, match) for every kind of personal data found in the text."""
    found: list[tuple[str, str]] = []
    for match in _IBAN.finditer(text):
        if _iban_valid(match.group(0)):
            found.append(("an IBAN", match.group(0)))
    # e-mail addresses first, so their domains are not read as handles or phones
    for match in _EMAIL.finditer(text):
        found.append(("an e-mail address", match.group(0)))
    for pattern in (_PHONE, _INTL_PHONE):
        for match in pattern.finditer(text):
            if not any(match.group(0) in f for _, f in found):
                found.append(("a phone number", match.group(0)))
    for match in _POSTCODE_HOUSE.finditer(text):
        found.append(("a postal code with house number", match.group(0)))
    for match in re.finditer(case_pattern, text):
        found.append(("a donor or case number", match.group(0)))
    return found


def guideline_warnings(
    text: str,
    *,
    public: bool,
    guidelines: ReplyGuidelines,
    mention_topics: list[str],
    crisis_active: bool,
    crisis_topics: list[str],
    crisis_team: list[str],
) -> list[Warning]:
    """What the person should see before sending; nothing here blocks a reply."""
    warnings: list[Warning] = []
    if public:
        for what, match in personal_data(text, guidelines.case_number_pattern):
            warnings.append(
                Warning(
                    "personal_data",
                    f"{what} in a public reply: send it as a direct message instead",
                    match,
                )
            )
    lowered = text.lower()
    for phrase in guidelines.phrases:
        if phrase.phrase.lower() in lowered:
            warnings.append(Warning("phrase", phrase.advice, phrase.phrase))
    if crisis_active and set(mention_topics) & set(crisis_topics):
        team = ", ".join(crisis_team) or "the crisis team"
        warnings.append(
            Warning(
                "crisis",
                f"a crisis is active on this topic: agree replies with the crisis team ({team})",
            )
        )
    return warnings
