"""Language detection among the organisation's languages; declared tags as the fallback."""

import pytest

from services.ingest.language import detect_language, normalise_tag


@pytest.mark.parametrize(
    ("text", "declared", "lang"),
    [
        ("Hoe word ik vrijwilliger bij jullie organisatie?", "en", "nl"),
        ("Ik ben boos: twee keer afgeschreven voor mijn donatie", None, "nl"),
        ("When is the next volunteer day at the food bank?", "nl", "en"),
        ("Je voudrais faire un don pour le projet", None, "fr"),
        ("Ich möchte gerne für das Projekt spenden", None, "de"),
        # Flemish is Dutch.
        ("Allee, da's hier toch ne schone boel, zenne. Amai, wa goe gedaan!", "nl-BE", "nl"),
        ("ok", "nl-BE", "nl"),
        ("👍", "VLS", "nl"),
        ("🙏", None, None),
        # A language the detector does not know keeps the declared tag.
        ("ボランティアに参加したいです", "ja", "ja"),
    ],
)
def test_detect_language(text: str, declared: str | None, lang: str | None) -> None:
    assert detect_language(text, declared) == lang


@pytest.mark.parametrize(
    ("tag", "norm"),
    [("nl-BE", "nl"), ("en_GB", "en"), ("VLS", "nl"), ("deu", "de"), ("", None), (None, None)],
)
def test_normalise_tag(tag: str | None, norm: str | None) -> None:
    assert normalise_tag(tag) == norm
