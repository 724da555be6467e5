"""Test doubles: models with fixed outputs, so detector tests do not depend on training."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


class FixedModel:
    """A text model that returns the same probabilities for every text."""

    def __init__(self, classes: Sequence[str], probs: Sequence[float]) -> None:
        self.classes = tuple(classes)
        self._probs = tuple(float(p) for p in probs)

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.tile(np.asarray(self._probs, dtype=np.float32), (len(texts), 1))

    def predict_proba_one(self, text: str) -> tuple[float, ...]:
        return self._probs


EMOTIONS = ("frustration", "anger", "disappointment", "anxiety", "confusion", "satisfaction", "neutral")


def neutral_emotion() -> FixedModel:
    return FixedModel(EMOTIONS, (0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.7))


def harmless() -> FixedModel:
    return FixedModel(("neither", "offensive"), (0.9, 0.1))
