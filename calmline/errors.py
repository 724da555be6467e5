"""Calmline's exceptions.

Every error Calmline raises on purpose derives from :class:`CalmlineError`::

    CalmlineError
    ├── InputError            bad conversation input (file, line and problem named)
    │   └── InputFormatError  a file whose format cannot be detected or read
    ├── ConfigError           a YAML lexicon, playbook or rubric failed validation
    ├── RegistryError         an unknown detector name (lists the valid ones)
    └── ModelError            a shipped model file is missing or corrupt

Messages say what went wrong and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "CalmlineError",
    "ConfigError",
    "InputError",
    "InputFormatError",
    "ModelError",
    "RegistryError",
]


class CalmlineError(Exception):
    """Root of every error Calmline raises on purpose."""


class InputError(CalmlineError):
    """Conversation input that cannot be read.

    Attributes:
        source: the file name (or ``<stdin>``/``<text>``) the input came from.
        line: the 1-based line number, when the problem is on one line.
        problem: a short description of the problem.
    """

    def __init__(self, problem: str, *, source: str = "<input>", line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.problem = problem
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


class InputFormatError(InputError):
    """A whole file whose format is unknown, binary or undecodable."""


class ConfigError(CalmlineError):
    """A configuration file (lexicon, playbook, rubric) failed validation."""


class RegistryError(CalmlineError):
    """An unknown component name was requested."""


class ModelError(CalmlineError):
    """A model file is missing, corrupt or of an unsupported version."""
