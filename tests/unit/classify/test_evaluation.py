"""Precision, recall, F1 and confusions, checked by hand on small cases."""

import pytest

from schemas import Sentiment
from services.classify.evaluation import confusions, evaluate, format_evaluation

N, P = Sentiment.NEUTRAL, Sentiment.POSITIVE


def test_scores_by_hand() -> None:
    gold = [["fundraising"], ["fundraising", "complaints"], [], ["press"]]
    predicted = [["fundraising"], ["fundraising"], ["fundraising"], ["complaints"]]
    result = evaluate(gold, predicted, [N, N, P, P], [N, P, P, P], ["fundraising", "complaints"])
    f, c = result.per_topic["fundraising"], result.per_topic["complaints"]
    assert (f.precision, f.recall, f.support) == (2 / 3, 1.0, 2)
    assert f.f1 == pytest.approx(0.8)
    assert (c.precision, c.recall, c.f1, c.support) == (0.0, 0.0, 0.0, 1)
    assert result.macro_f1 == pytest.approx(0.4)
    assert result.sentiment_accuracy == 0.75
    assert ("sentiment neutral taken for positive", 1) in result.confusions
    text = format_evaluation(result)
    assert "macro-F1 over 2 topics: 0.400" in text
    assert "sentiment accuracy: 0.750" in text


def test_confusions_name_what_was_taken_for_what() -> None:
    found = confusions([{"press"}, {"press"}, set()], [{"complaints"}, set(), {"vacancies"}])
    assert found == {"press taken for complaints": 1, "missed press": 1, "extra vacancies": 1}


def test_perfect_predictions() -> None:
    result = evaluate([["press"]], [["press"]], [N], [N], ["press"])
    assert result.macro_f1 == 1.0
    assert result.confusions == []
