"""The model the classify tests share: the one the service would load (built if missing)."""

from __future__ import annotations

import pytest

from services.classify.artifacts import ensure_current
from services.classify.classifier import MentionClassifier
from services.classify.model import TopicModel
from tests.unit.factories import example_organisation


@pytest.fixture(scope="session")
def model() -> TopicModel:
    return ensure_current()


@pytest.fixture(scope="session")
def classifier(model: TopicModel) -> MentionClassifier:
    return MentionClassifier.for_organisation(model, example_organisation())
