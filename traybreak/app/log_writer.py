"""The tray's writes to the log, kept while the log refuses them.

A full disk (or a read-only or failing one) must lose nothing silently: a row the store refuses
(``LogNotWritten``) waits here in memory, in the order it came, and is written before the next
row and at every engine wake (at least once a minute) as soon as there is room again. The wait
is bounded (``HELD_MAX`` rows: over a day of prompts and events; past it the oldest are dropped,
each drop logged as an error). While rows wait, ``problem`` says so: the tray puts it at the
head of its tooltip and menu, and the shell's replies carry it.

The open prompt rows have one holder, this writer: a prompt is written first as an open row
(``add_prompt``) and updated after (``update_prompt``); a prompt row still waiting to be
written simply takes the newer record, so it is written once, as it last was.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from traybreak.core.model import AppEvent, PromptRecord
from traybreak.store.prompt_log import LogNotWritten, Store

log = logging.getLogger(__name__)

#: Rows kept in memory at most while the log cannot be written.
HELD_MAX = 1000
#: What the tray shows while rows wait, before the cause ("disk full").
PROBLEM = "Log can't be written"


@dataclass
class _Row:
    """One row waiting: an app event, or a prompt (by occurrence) as it last was."""

    event: AppEvent | None = None
    occurrence: int | None = None
    record: PromptRecord | None = None


class LogWriter:
    """Writes prompt rows and app events; keeps what the log refuses. Thread-safe.

    ``on_problem`` is called (outside the lock) whenever ``problem`` changes.
    """

    def __init__(self, store: Store, wall: Callable[[], datetime],
                 on_problem: Callable[[], None] = lambda: None, held_max: int = HELD_MAX) -> None:
        self.store, self._wall, self._on_problem = store, wall, on_problem
        self._held_max = held_max
        self._held: deque[_Row] = deque()
        self._ids: dict[int, int] = {}  # occurrence -> its open row's id
        self._why: str | None = None    # why the log refuses writes, while it does
        self._since: datetime | None = None
        self._kept = 0                  # rows that waited, this time
        self._dropped = 0
        self._lock = threading.Lock()

    @property
    def problem(self) -> str | None:
        """E.g. "Log can't be written: disk full" while rows wait; None when all is written."""
        why = self._why
        return f"{PROBLEM}: {why}" if why else None

    @property
    def waiting(self) -> int:
        """How many rows wait to be written."""
        return len(self._held)

    def prompt(self, occurrence: int, record: PromptRecord) -> None:
        """Write ``record`` as the row of ``occurrence`` (its first row, or an update)."""
        with self._lock:
            waiting = next((row for row in self._held if row.occurrence == occurrence), None)
            if waiting is not None:  # not written yet: written once, as it is now
                waiting.record = record
            else:
                self._keep(_Row(occurrence=occurrence, record=record))
            changed = self._write_waiting()
        self._told(changed)

    def event(self, event: AppEvent) -> None:
        """Write an app event (start, pause, ...)."""
        with self._lock:
            self._keep(_Row(event=event))
            changed = self._write_waiting()
        self._told(changed)

    def retry(self) -> None:
        """Write what waits, if the log takes it now (cheap when nothing waits)."""
        if not self._held:
            return
        with self._lock:
            changed = self._write_waiting()
        self._told(changed)

    def give_up(self) -> None:
        """The app is ending: what still waits is lost; say which rows, as errors in the app's
        log (the text file, or stderr), so they are not lost without a word."""
        with self._lock:
            self._write_waiting()
            rows, self._held = list(self._held), deque()
        for row in rows:
            log.error("not written to the log (%s), lost: %s", self._why,
                      row.event if row.event is not None else row.record)

    # -- under the lock --------------------------------------------------------------------

    def _keep(self, row: _Row) -> None:
        self._held.append(row)
        if len(self._held) > self._held_max:
            lost = self._held.popleft()
            self._dropped += 1
            log.error("the log has been refusing writes (%s) for too long: %d rows kept, the "
                      "oldest dropped: %s", self._why, self._held_max,
                      lost.event if lost.event is not None else lost.record)

    def _write_waiting(self) -> bool:
        """Write the waiting rows in order until the log refuses one; whether ``problem``
        changed."""
        before = self._why
        while self._held:
            try:
                self._write(self._held[0])
            except LogNotWritten as err:
                if self._why is None:
                    self._since = self._wall()
                    log.warning("%s: rows are kept in memory and written once it can be",
                                err)
                self._why = err.why
                self._kept = max(self._kept, len(self._held))
                return before != self._why
            except Exception:  # a bug, not the disk: this row would block every other
                self._held.popleft()
                raise
            self._held.popleft()
            if not self._held and self._why is not None:
                self._held.append(self._resumed())  # the log says when it could not be written
        return before != self._why

    def _resumed(self) -> _Row:
        """Everything kept is written: the event that says so (and the problem is over)."""
        detail = (f"the log could not be written ({self._why}) since {self._since:%Y-%m-%d %H:%M}"
                  f"; {self._kept} rows kept in memory were written")
        if self._dropped:
            detail += f", {self._dropped} dropped (over {self._held_max})"
        log.warning("the log can be written again: %s", detail)
        self._why, self._kept, self._dropped = None, 0, 0
        return _Row(event=AppEvent(self._wall(), "log_resumed", detail))

    def _write(self, row: _Row) -> None:
        if row.event is not None:
            self.store.add_event(row.event)
            return
        assert row.occurrence is not None and row.record is not None
        occurrence, record = row.occurrence, row.record
        row_id = self._ids.get(occurrence)
        if row_id is None:
            row_id = self.store.add_prompt(record).id
            assert row_id is not None
        else:
            self.store.update_prompt(replace(record, id=row_id))
        if record.outcome is None:
            self._ids[occurrence] = row_id
        else:
            self._ids.pop(occurrence, None)

    def _told(self, changed: bool) -> None:
        if changed:
            self._on_problem()
