"""Shared fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from calmline.signals.reader import Reader

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def reader() -> Reader:
    """The default reader with the shipped models."""
    return Reader()


@pytest.fixture(scope="session")
def rules_reader() -> Reader:
    """A reader with neutral fake models, so tests exercise the rules alone."""
    import fakes

    return Reader(emotion_model=fakes.neutral_emotion(), offensive_model=fakes.harmless())
