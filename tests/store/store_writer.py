"""Test helper run as a child process: writes to a log and reports each write after it commits.

Usage: python store_writer.py LOG COUNT. Prints "ready", then for each write "added ID" (a new
prompt row) or "ended ID" (that row finished as done), flushed after the commit returns, so
the parent knows exactly which writes were committed when it kills this process.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from traybreak.core.model import Kind, Outcome, PromptRecord
from traybreak.store.prompt_log import Store

START = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def main(argv: list[str]) -> int:
    path, count = Path(argv[0]), int(argv[1])
    out = sys.stdout
    with Store.open(path) as store:
        out.write("ready\n")
        out.flush()
        for n in range(count // 2):
            due = START + timedelta(minutes=n)
            record = store.add_prompt(PromptRecord(
                rule="stretch", kind=Kind.STRETCH, due_at=due, exercise_id=f"ex-{n}",
                detail="x" * 500,  # rows big enough to spill across pages
            ))
            out.write(f"added {record.id}\n")
            out.flush()
            store.update_prompt(replace(
                record, shown_at=due, ended_at=due + timedelta(seconds=45), outcome=Outcome.DONE,
            ))
            out.write(f"ended {record.id}\n")
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
