"""The log rows the rotation chooses from, kept in memory by the tray.

At each first show the action sink passes the rotation the recent prompts (core/rotation.py:
``HISTORY``, 28 days, and of each kind at most ``history_rows``). They were read from the log
at every prompt: at the shortest intervals that was thousands of rows, more with each prompt
(issue 18 point 10). Now the log's rows from before this run are read once, at the first
choice, and every row the engine records after is kept as it comes; the oldest of a kind go
once it has more than the rotation needs.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime

from traybreak.core import rotation
from traybreak.core.model import Exercise, Kind, PromptRecord
from traybreak.store.prompt_log import Store

#: A row's key: ("log", its id) for the log's rows from before, ("run", occurrence) for the
#: engine's, whose later versions (shown, then ended) replace the earlier.
_Key = tuple[str, int]


class RecentPrompts:
    """The recent prompts with an exercise, newest last per kind, bounded per kind by the
    rotation's ``history_rows`` for ``exercises`` (the catalogue). Used on the engine thread."""

    def __init__(self, store: Store, exercises: Iterable[Exercise]) -> None:
        self._store = store
        # Rows up to this id were written before this run; the later ones come through note().
        self._before = store.last_prompt_id()
        self._loaded = False
        catalogue = list(exercises)
        self._limit = {kind: rotation.history_rows(kind, catalogue) for kind in Kind}
        self._rows: dict[Kind, OrderedDict[_Key, PromptRecord]] = {
            kind: OrderedDict() for kind in Kind}

    def note(self, occurrence: int, record: PromptRecord) -> None:
        """The engine recorded ``record`` for prompt ``occurrence`` (its open row, or later)."""
        self._keep(("run", occurrence), record)

    def history(self, now: datetime) -> list[PromptRecord]:
        """The rows due since ``rotation.HISTORY`` before ``now``, for ``rotation.choose_next``."""
        since = now - rotation.HISTORY
        if not self._loaded:
            self._load(since)
        return [record for rows in self._rows.values() for record in rows.values()
                if record.due_at >= since]

    def _load(self, since: datetime) -> None:
        """Read the log's rows from before this run, once; they go before this run's."""
        self._loaded = True
        noted = {kind: list(rows.items()) for kind, rows in self._rows.items()}
        for rows in self._rows.values():
            rows.clear()
        for record in self._store.prompts(since=since):
            if record.id is not None and record.id <= self._before:
                self._keep(("log", record.id), record)
        for items in noted.values():
            for key, record in items:
                self._keep(key, record)

    def _keep(self, key: _Key, record: PromptRecord) -> None:
        if record.kind is None or record.exercise_id is None:
            return  # no card: nothing for the rotation (a custom reminder, a natural break)
        rows = self._rows[record.kind]
        rows[key] = record
        if len(rows) > self._limit[record.kind]:
            rows.popitem(last=False)
