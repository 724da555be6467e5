"""The web console: agent, supervisor and review views, served by ``calmline serve`` at ``/console``.

Plain HTML, CSS and JavaScript modules shipped in the package (no build step, no CDN, works
offline). The console only composes the service's API; see ``docs/console.md``.

    >>> from calmline.console import console_router, disputes_router  # doctest: +SKIP
    >>> app.include_router(console_router); app.include_router(disputes_router)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["console_router", "disputes_router", "seed_demo"]

if TYPE_CHECKING:
    from calmline.console.demo import seed_demo
    from calmline.console.disputes import router as disputes_router
    from calmline.console.router import router as console_router


def __getattr__(name: str) -> Any:  # lazy: importing calmline.console stays free of FastAPI
    if name == "console_router":
        from calmline.console.router import router

        return router
    if name == "disputes_router":
        from calmline.console.disputes import router

        return router
    if name == "seed_demo":
        from calmline.console.demo import seed_demo

        return seed_demo
    raise AttributeError(name)
