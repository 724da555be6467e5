"""The REST service: ``create_app(settings)`` (FastAPI); ``pip install 'calmline[service]'``.

>>> from calmline.service import Settings, create_app
>>> app = create_app(Settings(database_url="sqlite:///calmline.db"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Settings", "create_app"]

if TYPE_CHECKING:
    from calmline.service.app import create_app
    from calmline.service.settings import Settings


def __getattr__(name: str) -> Any:
    if name in __all__:
        try:
            from calmline.service import app, settings
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ImportError(f"the service needs extra packages: pip install 'calmline[service]' ({exc})") from exc
        return {"create_app": app.create_app, "Settings": settings.Settings}[name]
    raise AttributeError(name)
