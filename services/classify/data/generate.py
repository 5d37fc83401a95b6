"""Writes the classify training corpus: `train.jsonl` and the held-out `test.jsonl`.

Run from the repository root: `python services/classify/data/generate.py`. Deterministic
(fixed seed): the same script always writes the same files. How it works and why is in
`README.md` next to this file; the hand-written lines are in `lines_*.py`.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lines_en import LINES as EN  # noqa: E402
from lines_extra import LINES as EXTRA  # noqa: E402
from lines_final import LINES as FINAL  # noqa: E402
from lines_fr_de import LINES as FR_DE  # noqa: E402
from lines_help import LINES as HELP  # noqa: E402
from lines_more import LINES as MORE  # noqa: E402
from lines_nl import LINES as NL  # noqa: E402

SEED = 20261121
TEST_SHARE = 0.2
TOPIC_CODES = {
    "f": "fundraising",
    "v": "volunteers",
    "j": "vacancies",
    "c": "complaints",
    "p": "programs",
    "r": "press",
}
SENTIMENT_CODES = {"-": "negative", "0": "neutral", "+": "positive"}
CHANNELS = [
    "x",
    "x",
    "x",
    "facebook",
    "facebook",
    "instagram",
    "linkedin",
    "mastodon",
    "bluesky",
    "email",
    "blog",
]

SLOTS: dict[str, list[str]] = {
    "city": [
        "Utrecht",
        "Rotterdam",
        "Breda",
        "Antwerpen",
        "Gent",
        "Amsterdam",
        "Leuven",
        "Eindhoven",
        "Zwolle",
        "Rotterdam-Zuid",
        "Overvecht",
        "Borgerhout",
        "Tilburg",
        "Den Haag",
        "Mechelen",
        "Nijmegen",
    ],
    "amount": ["€5", "€10", "€12,50", "€15", "€20", "€25", "€50", "€7,50", "€100", "€35"],
    "prog": [
        "Samen Eten",
        "de Huiswerkhulp",
        "het Buddy-project",
        "de Voedselhulp",
        "Samen Eten",
        "de Huiswerkhulp",
    ],
    "prog_en": [
        "Samen Eten",
        "the homework club",
        "the Buddy project",
        "the food aid",
        "the community dinners",
        "Huiswerkhulp",
    ],
    "paper": [
        "Dagblad Oost",
        "het AD",
        "NRC",
        "Trouw",
        "De Standaard",
        "Het Laatste Nieuws",
        "RTV Utrecht",
        "Gazet van Antwerpen",
        "de Volkskrant",
        "Het Parool",
        "VRT NWS",
        "Omroep Brabant",
    ],
    "paper_en": [
        "DutchNews",
        "Philanthropy Europe Weekly",
        "The Guardian",
        "NL Times",
        "Devex",
        "the Brussels Times",
        "Civil Society News",
    ],
    "role": [
        "Fundraising Officer",
        "Projectleider Samen Eten",
        "Coördinator Vrijwilligers",
        "Data Analist",
        "Communicatieadviseur",
        "Financieel Administrateur",
        "Teamleider Huiswerkhulp",
        "Office Manager",
        "Relatiebeheerder Nalatenschappen",
    ],
    "role_en": [
        "Fundraising Officer",
        "Data Analyst",
        "Project Lead",
        "Volunteer Coordinator",
        "Digital Marketeer",
        "Grants Manager",
        "Finance Officer",
    ],
    "name": [
        "Sanne",
        "Ahmed",
        "Noor",
        "Pieter",
        "Fatima",
        "Jeroen",
        "Lotte",
        "Mehmet",
        "Els",
        "Wout",
        "Yasmina",
        "Bram",
        "Ilse",
        "Koen",
        "Rachid",
        "Marieke",
    ],
    "n": ["twee", "drie", "vier", "2", "3", "5", "zes"],
    "n_en": ["two", "three", "four", "2", "3", "5", "six"],
    "day": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
    "day_en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
}
ORG_HANDLES = {
    "x": ["@openhart", "@openhart", "@OpenHart"],
    "facebook": ["Open Hart", "Stichting Open Hart", "jullie"],
    "instagram": ["@openhart", "@openhart"],
    "linkedin": ["Stichting Open Hart", "Open Hart"],
    "mastodon": ["@openhart@mastodon.nl"],
    "bluesky": ["@openhart.bsky.social"],
    "email": ["Open Hart", "uw stichting", "Stichting Open Hart"],
    "blog": ["Stichting Open Hart", "Open Hart"],
}
EMOJI = {
    "positive": ["🧡", "❤️", "👏", "😍", "🙌", "💛", "🥹", "👍"],
    "negative": ["😡", "🙄", "😤", "👎", "🤬", "😠"],
    "neutral": ["🤔", "👀", "🙂", ""],
}
HASHTAGS = [
    "#goededoelen",
    "#utrecht",
    "#nonprofit",
    "#charity",
    "#rotterdam",
    "#antwerpen",
    "#zondag",
    "#maandag",
    "#vraagje",
    "#buurt",
]
GREETINGS = {
    "nl": (
        ["Beste mensen,", "Geachte heer/mevrouw,", "Hallo,", "Goedendag,", "Beste,"],
        ["Met vriendelijke groet,", "Groet,", "Hartelijke groet,", "Mvg,"],
    ),
    "en": (
        ["Hi,", "Dear Open Hart team,", "Hello,", "Dear sir/madam,"],
        ["Kind regards,", "Best,", "Thanks,", "Best wishes,"],
    ),
    "fr": (["Bonjour,", "Madame, Monsieur,"], ["Cordialement,", "Bien à vous,"]),
    "de": (
        ["Hallo,", "Sehr geehrte Damen und Herren,"],
        ["Viele Grüße,", "Mit freundlichen Grüßen,"],
    ),
}


def parse(line: str) -> tuple[list[str], str, str, str]:
    """`codes|sentiment|lang|text`: e.g. `fc|-|nl|Twee keer afgeschreven!`."""
    codes, mood, lang, text = line.split("|", 3)
    return sorted(TOPIC_CODES[c] for c in codes), SENTIMENT_CODES[mood], lang, text.strip()


def fill(text: str, rng: random.Random, channel: str) -> str:
    def one(match: re.Match[str]) -> str:
        slot = match.group(1)
        if slot == "org":
            return rng.choice(ORG_HANDLES[channel])
        return rng.choice(SLOTS[slot])

    return re.sub(r"\{(\w+)\}", one, text)


def typo(text: str, rng: random.Random) -> str:
    """Swaps or drops a letter in one or two longer words, as thumbs do."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    for i in rng.sample(long_words, min(len(long_words), rng.choice([1, 2]))):
        w = words[i]
        k = rng.randrange(1, len(w) - 2)
        words[i] = (
            w[:k] + w[k + 1] + w[k] + w[k + 2 :] if rng.random() < 0.5 else w[:k] + w[k + 1 :]
        )
    return " ".join(words)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def noise(text: str, sentiment: str, lang: str, channel: str, rng: random.Random) -> str:
    """Surface variation the classifier has to shrug off: case, typos, emoji, tags, links."""
    if channel == "email" and rng.random() < 0.7:
        hello, bye = GREETINGS.get(lang, GREETINGS["en"])
        text = f"{rng.choice(hello)}\n\n{text}\n\n{rng.choice(bye)}\n{rng.choice(SLOTS['name'])}"
    r = rng.random()
    if r < 0.05:
        text = text.upper()
    elif r < 0.15:
        text = text.lower()
    if rng.random() < 0.25:
        text = typo(text, rng)
    if rng.random() < 0.06:
        text = strip_accents(text)
    if channel in {"x", "instagram", "facebook", "bluesky"} and rng.random() < 0.2:
        emoji = rng.choice(EMOJI[sentiment])
        text = f"{text} {emoji}".rstrip()
    if channel in {"x", "instagram", "mastodon", "linkedin"} and rng.random() < 0.12:
        text = f"{text} {rng.choice(HASHTAGS)}"
    if rng.random() < 0.08:
        slug = "".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(10))
        text = f"{text} https://t.co/{slug}"
    if channel == "x" and "@openhart" not in text.lower() and rng.random() < 0.5:
        text = f"@openhart {text}"
    return text


def family_id(line: str) -> str:
    return hashlib.sha1(line.encode()).hexdigest()[:10]


def variants_of(fid: str, line: str, rng: random.Random, seen: set[str]) -> list[dict[str, object]]:
    """The clean line and its noisy variants; texts already in `seen` are dropped."""
    topics, sentiment, lang, template = parse(line)
    records: list[dict[str, object]] = []
    for k in range(8 if "{" in template else 3):
        channel = rng.choice(CHANNELS)
        text = fill(template, rng, channel)
        if k > 0:
            text = noise(text, sentiment, lang, channel, rng)
        if text in seen:
            continue
        seen.add(text)
        records.append(
            {
                "id": f"{fid}-{k}",
                "text": text,
                "lang": lang,
                "source": channel,
                "topics": topics,
                "sentiment": sentiment,
                "family": fid,
            }
        )
    return records


def build(
    lines: list[str], later: list[str] | None = None
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """`lines` (the first four batches) share one random stream in family order, as they
    always have; each line of a `later` batch gets its own stream seeded by its family, so
    adding lines changes neither the split nor the bytes of any existing variant."""
    rng = random.Random(SEED)
    families = sorted({family_id(line): line for line in lines}.items())
    known = {fid for fid, _ in families}
    extra = sorted(
        {fid: line for line in later or [] if (fid := family_id(line)) not in known}.items()
    )
    # A family's split depends only on its own line, so adding lines never moves old ones.
    test_ids = {fid for fid, _ in families + extra if int(fid, 16) % 100 < TEST_SHARE * 100}
    train: list[dict[str, object]] = []
    test: list[dict[str, object]] = []
    seen: set[str] = set()
    for fid, line in families:
        (test if fid in test_ids else train).extend(variants_of(fid, line, rng, seen))
    for fid, line in extra:
        own = random.Random(f"{SEED}-{fid}")
        (test if fid in test_ids else train).extend(variants_of(fid, line, own, seen))
    return train, test


def write(path: Path, records: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def batches() -> tuple[list[str], list[str]]:
    """The first four batches (one shared random stream) and the later ones (own streams)."""

    def written(batch: list[str]) -> list[str]:
        return [line for line in batch if line.strip() and not line.startswith("#")]

    return written(NL + EN + FR_DE + MORE + EXTRA + FINAL), written(HELP)


def main() -> None:
    lines, later = batches()
    for line in lines + later:
        parse(line)  # fails loudly on a malformed line
    train, test = build(lines, later)
    write(HERE / "train.jsonl", train)
    write(HERE / "test.jsonl", test)
    families = len(lines) + len(later)
    sys.stdout.write(f"{families} families -> {len(train)} train, {len(test)} test\n")


if __name__ == "__main__":
    main()
