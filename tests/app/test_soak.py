"""Soak (issue 18 point 10): six thousand prompts at the shortest intervals through the whole
tray app on simulated time (tests/soak_sim.py: the real App, engine thread, action sink, log
writer, SQLite log, tray facts and menu; fake windows answer on the simulated clock), about
thirty hours of prompting in a few seconds.

After a warm-up of a thousand prompts, the next five thousand must leave the process as it
was: RSS within 1 MB, the same open files and threads, and each prompt costing the same CPU at
the end as at the start (a ratio, with room for a noisy machine; bench/soak.py prints the
figures). It once grew 25-100 KB a minute and each prompt cost three times more by the
afternoon: today's counts and the rotation's history were read from the log at every prompt,
and SQLite's page cache grew with the log.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import datetime

import pytest
from soak_sim import per_prompt_ms, soak, soak_home

from traybreak.core import stats
from traybreak.core.model import PromptRecord
from traybreak.store.prompt_log import Store

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]

WARM_UP, PROMPTS, EVERY = 1000, 6000, 1000
RSS_GROWTH_KB = 1024
CPU_RATIO = 1.5   # the last thousand prompts against the first after the warm-up


def test_thousands_of_prompts_leave_the_tray_as_they_found_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    reads: Counter[str] = Counter()
    read_prompts = Store.prompts

    def counted(self: Store, since: datetime | None = None) -> list[PromptRecord]:
        reads["prompts"] += 1
        return read_prompts(self, since)

    monkeypatch.setattr(Store, "prompts", counted)
    with soak_home() as (home, runtime):
        app, samples = soak(home, runtime, PROMPTS, EVERY, timeout_s=100)
        log_reads = reads["prompts"]
        with Store.open(app.store.path, create=False) as log:
            now = app.env.clocks.wall()
            logged = stats.count(log.prompts(since=now.replace(hour=0, minute=0, second=0,
                                                               microsecond=0)))
            every_row = log.prompts()
            rows, still_open = len(every_row), [r for r in every_row if r.outcome is None]
        counted_today = app.tray_facts.today()

    at = {s.prompts: s for s in samples}
    assert max(at) == PROMPTS, f"only {max(at)} prompts in 100 s"
    assert rows >= PROMPTS
    assert still_open == [], "the prompt on screen at the quit was not ended"
    # Read once at start (today's prompts) and once at the first choice (the rotation's).
    assert log_reads == 2, f"the log's prompts were read {log_reads} times"
    assert counted_today == logged, (counted_today, logged)
    assert counted_today.asked > 0
    after = [s for s in samples if s.prompts >= WARM_UP]
    warm, last = after[0], after[-1]
    growth = last.rss_kb - warm.rss_kb
    assert growth <= RSS_GROWTH_KB, [(s.prompts, s.rss_kb) for s in samples]
    assert {s.fds for s in after} == {warm.fds}, [(s.prompts, s.fds) for s in samples]
    assert {s.threads for s in after} == {warm.threads}, [(s.prompts, s.threads) for s in samples]
    first_ms = per_prompt_ms(samples, WARM_UP, WARM_UP + EVERY)
    last_ms = per_prompt_ms(samples, PROMPTS - EVERY, PROMPTS)
    assert last_ms <= CPU_RATIO * first_ms, (first_ms, last_ms)


def test_real_prompt_windows_give_back_their_processes_pipes_files_and_threads() -> None:
    """Each real prompt window is a child process with a lifeline pipe, two temporary files for
    its output and a thread watching it (app/child_windows.py): three hundred of them, answered,
    leave the tray with the open files and threads it had before the first."""
    with soak_home() as (home, runtime):
        _, samples = soak(home, runtime, 300, 50, timeout_s=100, real_windows=True)
    assert max(s.prompts for s in samples) == 300
    assert {s.fds for s in samples} == {samples[0].fds}, [(s.prompts, s.fds) for s in samples]
    assert {s.threads for s in samples} == {samples[0].threads}, \
        [(s.prompts, s.threads) for s in samples]
