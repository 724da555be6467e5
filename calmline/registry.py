"""Detectors registered under versioned names.

Built-in detectors register themselves with :func:`register`; third-party packages
add theirs through the ``calmline.detectors`` entry-point group (each entry point
names a :class:`~calmline.signals.base.Detector` subclass).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TypeVar

from calmline.errors import RegistryError
from calmline.signals.base import Detector

__all__ = ["available", "get", "plugins", "register"]

_REGISTRY: dict[str, type[Detector]] = {}
_ENTRY_POINTS_LOADED = False
_PLUGINS: list[str] = []
D = TypeVar("D", bound=type[Detector])


def register(name: str) -> Callable[[D], D]:
    """Class decorator registering a detector under ``name`` (e.g. ``"abuse.insult.v1"``)."""

    def deco(cls: D) -> D:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise RegistryError(f"detector name {name!r} is already registered by {_REGISTRY[name].__qualname__}")
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return deco


def _load_entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    for ep in entry_points(group="calmline.detectors"):
        cls = ep.load()
        if not (isinstance(cls, type) and issubclass(cls, Detector)):
            raise RegistryError(f"entry point {ep.name!r} does not name a Detector subclass")
        if ep.name not in _REGISTRY:
            cls.name = ep.name
            _REGISTRY[ep.name] = cls
            _PLUGINS.append(ep.name)


def get(name: str) -> type[Detector]:
    """The detector class registered as ``name``; the error lists the valid names."""
    import calmline.signals.detectors  # noqa: F401  (registers the built-ins)

    _load_entry_points()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise RegistryError(f"unknown detector {name!r}; registered: {', '.join(sorted(_REGISTRY))}") from None


def available() -> list[str]:
    """All registered detector names, sorted."""
    import calmline.signals.detectors  # noqa: F401

    _load_entry_points()
    return sorted(_REGISTRY)


def plugins() -> list[str]:
    """Detectors installed through the ``calmline.detectors`` entry-point group (run by default)."""
    import calmline.signals.detectors  # noqa: F401

    _load_entry_points()
    return list(_PLUGINS)
