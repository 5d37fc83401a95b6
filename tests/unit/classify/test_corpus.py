"""The corpus: big and varied enough, labelled in the taxonomy, split by family, and
nothing of the independent test set in it."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter

from schemas import Sentiment
from services.classify.corpus import (
    DATA_DIR,
    DEFAULT_TOPICS,
    TEST_FILE,
    TRAIN_FILE,
    corpus_files,
    independent_files,
    read_corpus,
    read_examples,
    written_files,
)
from services.classify.text import normalise


def records(path):  # type: ignore[no-untyped-def]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_files_are_what_the_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location("generate", DATA_DIR / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    lines, later = generate.batches()
    train, test = generate.build(lines, later)
    assert train == records(TRAIN_FILE)
    assert test == records(TEST_FILE)


def test_adding_a_line_changes_no_existing_mention() -> None:
    spec = importlib.util.spec_from_file_location("generate", DATA_DIR / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    lines, later = generate.batches()
    before = generate.build(lines, later)
    after = generate.build(lines, [*later, "v|0|en|Can I help at {org} in {city} on Sundays?"])
    for old, new in zip(before, after, strict=True):
        assert [r for r in new if r in old] == old
    assert len(after[0]) + len(after[1]) > len(before[0]) + len(before[1])


def test_size_variety_and_labels() -> None:
    train, test = read_examples(TRAIN_FILE), read_examples(TEST_FILE)
    assert len(train) + len(test) >= 2000
    assert len(test) >= 300
    everything = records(TRAIN_FILE) + records(TEST_FILE)
    languages = Counter(r["lang"] for r in everything)
    assert {"nl", "en", "fr", "de"} <= set(languages)
    assert languages["nl"] + languages["en"] > 0.8 * len(everything)
    assert len({r["source"] for r in everything}) >= 6
    for split in (train, test):
        topics = Counter(t for e in split for t in e.topics)
        assert set(topics) == set(DEFAULT_TOPICS)
        assert min(topics.values()) >= 0.05 * len(split)
        assert {e.sentiment for e in split} == set(Sentiment)
        assert sum(len(e.topics) > 1 for e in split) > 0.1 * len(split)
        assert sum(not e.topics for e in split) > 0.05 * len(split)


def test_no_family_is_in_both_splits() -> None:
    train = {e.family for e in read_examples(TRAIN_FILE)}
    test = {e.family for e in read_examples(TEST_FILE)}
    assert train
    assert test
    assert not train & test


def test_volunteer_vacancies_are_about_volunteering() -> None:
    compounds = [
        e
        for e in read_examples(TRAIN_FILE) + read_examples(TEST_FILE)
        if "vrijwilligersvacature" in e.text.lower()
    ]
    assert len(compounds) >= 5
    assert all("volunteers" in e.topics and "vacancies" not in e.topics for e in compounds)


def test_the_written_corpus_is_varied_and_labelled_in_the_taxonomy() -> None:
    rows = [r for path in written_files() for r in records(path)]
    assert len(rows) >= 1500
    assert {r["lang"] for r in rows} == {"nl", "en", "fr", "de"}
    assert {r.get("variant") for r in rows if r["lang"] == "nl"} == {"nl", "vl"}
    assert {"mastodon", "bluesky", "rss", "email"} <= {r["source"] for r in rows}
    assert all(set(r["topics"]) <= set(DEFAULT_TOPICS) for r in rows)
    assert all(r["sentiment"] in {s.value for s in Sentiment} for r in rows)
    for lang in ("nl", "en", "fr", "de"):  # programmes in every language
        assert sum("programs" in r["topics"] for r in rows if r["lang"] == lang) >= 20
    assert sum(bool(r["hard"]) for r in rows) > 0.15 * len(rows)


def test_no_training_text_is_an_independent_text() -> None:
    def key(text: str) -> str:
        return " ".join(normalise(text).split())

    independent = {key(e.text) for path in independent_files() for e in read_examples(path)}
    assert independent, "the independent test set is in the repository"
    training = read_corpus(corpus_files())
    assert not {key(e.text) for e in training} & independent
