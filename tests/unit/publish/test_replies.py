"""The pure rules of a reply: length, guidelines, record key, visibility, account choice."""

from __future__ import annotations

import pytest

from services.common import replies
from services.common.organisation import OrganisationConfigError, parse_organisation
from services.common.organisation_accounts import Account, PhraseWarning, ReplyGuidelines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hallo", 5),
        ("zie https://example.org/" + "a" * 200, 4 + 23),
        ("http://a.nl en https://b.nl/x?y=1", 23 + 4 + 23),
        ("@dewi@mastodon.social dank", len("@dewi dank")),
        ("👍🏽", 1),  # skin tone joins its emoji
        ("👩‍👩‍👧", 1),  # a ZWJ family is one character
        ("🇳🇱🇧🇪", 2),  # two flags
        ("e\u0301", 1),  # a combining accent
    ],
)
def test_mastodon_counts_urls_as_23_and_graphemes_as_one(text: str, expected: int) -> None:
    assert replies.mastodon_length(text) == expected


def test_bluesky_limit_is_300_graphemes() -> None:
    assert replies.measure("bluesky", "é" * 300).fits
    over = replies.measure("bluesky", "👍🏽" * 301)
    assert (over.count, over.limit, over.fits) == (301, 300, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u1100\u1161\u11a8", 1),  # a Hangul syllable spelled in jamo
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467", 1),  # a family: one emoji
        ("\U0001f1f3\U0001f1f1\U0001f1e7\U0001f1ea", 2),  # two flags
        ("\r\n", 1),
        ("\u0915\u094d\u0937", 1),  # Devanagari: a conjunct
    ],
)
def test_graphemes_as_unicode_clusters_them(text: str, expected: int) -> None:
    assert replies.graphemes(text) == expected


def test_mastodon_limit_is_the_instances() -> None:
    length = replies.measure("mastodon", "x" * 501, 5000)
    assert length.fits
    assert length.limit == 5000
    assert not replies.measure("mastodon", "x" * 501).fits  # 500 by default


@pytest.mark.parametrize(
    ("original", "direct", "expected"),
    [
        ("public", False, "public"),
        ("unlisted", False, "unlisted"),
        ("private", False, "private"),
        ("direct", False, "direct"),  # a direct message stays direct
        ("public", True, "direct"),
        ("weird", False, "direct"),  # unknown: the narrowest
    ],
)
def test_visibility_is_never_wider_than_the_original(
    original: str, direct: bool, expected: str
) -> None:
    assert replies.reply_visibility(original, direct) == expected


def test_rkey_is_deterministic_tid_shaped_and_distinct() -> None:
    key = replies.bluesky_rkey("event-1")
    assert key == replies.bluesky_rkey("event-1")
    assert key != replies.bluesky_rkey("event-2")
    assert len(key) == 13
    assert set(key) <= set("234567abcdefghijklmnopqrstuvwxyz")
    assert replies.idempotency_key("event-1") == replies.idempotency_key("event-1")


def account(id: str, platform: str, handle: str, departments: list[str]) -> Account:
    return Account.model_validate(
        {
            "id": id,
            "platform": platform,
            "url": "https://mastodon.example",
            "handle": handle,
            "credentials_env": "TOKEN",
            "departments": departments,
        }
    )


ACCOUNTS = [
    account("main", "mastodon", "openhart@mastodon.nl", ["communicatie", "service"]),
    account("werven", "mastodon", "openhartwerft@mastodon.nl", ["fondsenwerving"]),
    account("sky", "bluesky", "openhart.bsky.social", ["communicatie"]),
]


@pytest.mark.parametrize(
    ("department", "text", "requested", "expected"),
    [
        ("fondsenwerving", "@openhartwerft hoe doneer ik?", None, "werven"),  # mentioned
        ("fondsenwerving", "hoi @openhart", None, "werven"),  # may not use main: own
        ("service", "@openhartwerft@mastodon.nl hoi", None, "main"),  # may not use werven
        ("communicatie", "@openhart@mastodon.nl hoi", None, "main"),
        ("communicatie", "@openhart hoi", "main", "main"),
    ],
)
def test_account_is_the_mentioned_one_else_the_departments_own(
    department: str, text: str, requested: str | None, expected: str
) -> None:
    chosen = replies.choose_account(ACCOUNTS, "mastodon", department, text, requested)
    assert chosen.id == expected


def test_account_refused_when_the_department_may_not_post_from_it() -> None:
    with pytest.raises(replies.AccountRefused, match="may not post"):
        replies.choose_account(ACCOUNTS, "mastodon", "fondsenwerving", "", "main")
    with pytest.raises(replies.AccountRefused, match="may post from"):
        replies.choose_account(ACCOUNTS, "bluesky", "service", "", None)


def warnings(text: str, public: bool = True, **crisis: object) -> list[replies.Warning]:
    guidelines = ReplyGuidelines(
        phrases=[PhraseWarning(phrase="we beloven", advice="Beloof niets wat niet vaststaat.")]
    )
    return replies.guideline_warnings(
        text,
        public=public,
        guidelines=guidelines,
        mention_topics=list(crisis.get("topics", [])),  # type: ignore[call-overload]
        crisis_active=bool(crisis.get("active", False)),
        crisis_topics=["complaints"],
        crisis_team=["communicatie"],
    )


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Uw IBAN NL91ABNA0417164300 is bekend", "an IBAN"),
        ("Bel ons op 06-12345678", "a phone number"),
        ("Bel +31 20 123 4567", "a phone number"),
        ("Mail naar bea.jansen@example.org", "an e-mail address"),
        ("Wij sturen het naar 1234 AB, nummer 12", "a postal code with house number"),
        ("Uw donateurnummer 1234567 is aangepast", "a donor or case number"),
        ("Dossiernr. 88123", "a donor or case number"),
    ],
)
def test_personal_data_in_a_public_reply_suggests_a_direct_message(text: str, what: str) -> None:
    found = warnings(text)
    assert [w.kind for w in found] == ["personal_data"]
    assert what in found[0].message
    assert "direct message" in found[0].message
    assert warnings(text, public=False) == []


def test_an_invalid_iban_and_plain_numbers_warn_nothing() -> None:
    assert warnings("Code NL00ABNA0417164300 en 2026 bezoekers op 12 december") == []


def test_phrases_warn_with_the_configs_advice_and_crisis_names_the_team() -> None:
    [phrase] = warnings("We beloven het morgen op te lossen")
    assert (phrase.kind, phrase.message) == ("phrase", "Beloof niets wat niet vaststaat.")
    [crisis] = warnings("Sorry", active=True, topics=["complaints"])
    assert crisis.kind == "crisis"
    assert "communicatie" in crisis.message
    assert warnings("Sorry", active=True, topics=["fundraising"]) == []
    assert warnings("Sorry", active=False, topics=["complaints"]) == []


BASE = {
    "name": "Open Hart",
    "triage_department": "communicatie",
    "topics": [{"slug": "press", "name": "Pers"}],
    "departments": [{"slug": "communicatie", "name": "Communicatie"}],
}


def test_accounts_are_validated_with_the_organisation_file() -> None:
    good = {
        "id": "main",
        "platform": "mastodon",
        "url": "https://mastodon.nl",
        "handle": "openhart@mastodon.nl",
        "credentials_env": "MASTODON_TOKEN",
        "departments": ["communicatie"],
    }
    assert parse_organisation({**BASE, "accounts": [good]}).accounts[0].id == "main"
    for broken, says in [
        ({**good, "departments": ["hr"]}, "unknown department"),
        ({**good, "credentials_file": "/run/secrets/x"}, "exactly one of"),
        ({k: v for k, v in good.items() if k != "credentials_env"}, "exactly one of"),
        ({**good, "platform": "x"}, "platform"),
        ({**good, "token": "secret"}, "token"),  # the secret itself never goes in the file
    ]:
        with pytest.raises(OrganisationConfigError, match=says):
            parse_organisation({**BASE, "accounts": [broken]})
    with pytest.raises(OrganisationConfigError, match="defined twice"):
        parse_organisation({**BASE, "accounts": [good, good]})


def test_credentials_come_from_the_environment_or_a_file(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from services.common.organisation_accounts import CredentialsMissing

    env = account("main", "mastodon", "openhart@mastodon.nl", ["communicatie"])
    monkeypatch.setenv("TOKEN", "t0ken")
    assert env.credential() == "t0ken"
    monkeypatch.delenv("TOKEN")
    with pytest.raises(CredentialsMissing, match="TOKEN"):
        env.credential()
    secret = Path(str(tmp_path)) / "secret"
    secret.write_text("app-password\n")
    from_file = env.model_copy(update={"credentials_env": None, "credentials_file": secret})
    assert from_file.credential() == "app-password"
