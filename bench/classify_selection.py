"""Model choice on the validation folds: `python bench/classify_selection.py [NAME...]`.

Each candidate (`CANDIDATES`: features, classifier, regularisation, with or without the
old generator's corpus) is trained by `training.train`, which cross-validates over whole
written files (one writer's batch never on both sides), and scored on the written
mentions' out-of-fold predictions. The independent test set is not read here: the model
is chosen on these numbers alone, and `webcare eval` measures the choice once.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.classify.corpus import DEFAULT_TOPICS, TRAIN_FILE, read_corpus, written_files
from services.classify.features import FeatureSpec
from services.classify.training import ModelOptions, train

BASE = ModelOptions()
CANDIDATES: dict[str, tuple[ModelOptions, bool]] = {
    "chosen": (BASE, True),
    "written only": (BASE, False),
    "generated x0.3": (replace(BASE, generated_weight=0.3), True),
    "own score only": (replace(BASE, stacked_calibration=False), True),
    "no NB scaling": (replace(BASE, nb_scaled=False), True),
    "logistic C=4": (replace(BASE, classifier="logistic", topic_c=4.0), True),
    "SVM + logistic": (replace(BASE, classifier="both"), True),
    "C=0.2": (replace(BASE, topic_c=0.2), True),
    "C=1": (replace(BASE, topic_c=1.0), True),
    "chars 2-4": (replace(BASE, spec=FeatureSpec(char_min=2, char_max=4)), True),
    "chars 3-5": (replace(BASE, spec=FeatureSpec(char_min=3, char_max=5)), True),
    "min_df 1": (replace(BASE, min_df=1), True),
    "lexicon x2": (replace(BASE, block_scale=(1.0, 1.0, 2.0)), True),
    "chars 3-5, lexicon x2": (
        replace(BASE, spec=FeatureSpec(char_min=3, char_max=5), block_scale=(1.0, 1.0, 2.0)),
        True,
    ),
    "words x1.5": (replace(BASE, block_scale=(1.5, 1.0, 1.0)), True),
    "sentiment C=1": (replace(BASE, sentiment_c=1.0), True),
    "sentiment C=16": (replace(BASE, sentiment_c=16.0), True),
    "sentiment NB": (replace(BASE, sentiment_nb_scaled=True), True),
    "sentiment flat": (replace(BASE, sentiment_block_scale=(1.0, 1.0, 1.0)), True),
}


def main(names: list[str]) -> None:
    written = read_corpus(written_files())
    generated = read_corpus([TRAIN_FILE])
    out = sys.stdout
    out.write(f"written {len(written)} mentions in {len(written_files())} files, ")
    out.write(f"generated {len(generated)}\n")
    header = f"{'candidate':<16}{'macro':>7}{'sent':>7}{'none':>7}"
    out.write(header + "".join(f"{t[:6]:>8}" for t in DEFAULT_TOPICS) + f"{'s':>6}\n")
    for name in names or list(CANDIDATES):
        options, with_generated = CANDIDATES[name]
        started = time.process_time()
        result = train(
            written + (generated if with_generated else []), DEFAULT_TOPICS, "v", options
        )
        v = result.validation
        out.write(
            f"{name:<16}{v.macro_f1:>7.3f}{v.sentiment_accuracy:>7.3f}{v.no_topic_right:>7.3f}"
            + "".join(f"{v.per_topic[t].f1:>8.3f}" for t in DEFAULT_TOPICS)
            + f"{time.process_time() - started:>6.0f}\n"
        )
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
