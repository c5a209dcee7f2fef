"""The busy-source interface (do-not-disturb, full screen) and the set of them the engine thread
samples at each wake. Every source is used from one thread, the engine's."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from traybreak.core.model import Reason

log = logging.getLogger(__name__)


@runtime_checkable
class BusySource(Protocol):
    """One desktop API saying whether the user is busy now."""

    name: str

    def busy(self) -> frozenset[Reason] | None:
        """The busy states now (empty: free; Reason.DND, Reason.FULLSCREEN), or None when
        unknown. Cheap and bounded: cached state, or round trips that time out within 1 s."""
        ...

    def close(self) -> None:
        """Release the connection to the desktop. Safe to call twice."""
        ...


class BusySources:
    """Every busy source of this session, sampled together; ``why_none`` says what is missing.

    A source that raises or says unknown counts as free (a prompt shows rather than waits for
    ever), and its trouble is logged once per outage, not once per sample.
    """

    def __init__(self, sources: Sequence[BusySource] = (), why_none: str = "") -> None:
        self.sources = tuple(sources)
        self.why_none = why_none
        self._failing: set[str] = set()

    @property
    def name(self) -> str:
        """The sources' names ("gnome-banners+x11-fullscreen"), or "none"."""
        return "+".join(source.name for source in self.sources) or "none"

    def sample(self) -> frozenset[Reason]:
        """The union of what the sources say now; unknown counts as free."""
        found: set[Reason] = set()
        for source in self.sources:
            try:
                states = source.busy()
            except Exception:  # a broken source must never stop the engine thread
                self._note(source.name, False, exc_info=True)
                continue
            self._note(source.name, states is not None)
            found |= states or frozenset()
        return frozenset(found)

    def _note(self, name: str, known: bool, exc_info: bool = False) -> None:
        if not known and name not in self._failing:
            self._failing.add(name)
            log.warning("busy source %s: state unknown, counted as free", name, exc_info=exc_info)
        elif known and name in self._failing:
            self._failing.discard(name)
            log.info("busy source %s answers again", name)

    def close(self) -> None:
        """Close every source."""
        for source in self.sources:
            try:
                source.close()
            except Exception:  # closing at exit: nothing more to do about it
                log.debug("closing busy source %s failed", source.name, exc_info=True)
