"""Prompts held back while the session is busy (do-not-disturb on, a full-screen window focused):
each held one is logged suppressed once, and when the busy state ends (or ``[prompt] max_wait``
has passed) one prompt, the strongest of them, is shown in their place.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime

from traybreak.core.actions import BUSY_WORDS, Record
from traybreak.core.durations import humanize
from traybreak.core.model import Outcome, PromptPolicy, Reason, Rule
from traybreak.core.occurrence import Occurrence, strongest
from traybreak.core.timer import RuleTimer


class Hold:
    """The prompts held back, and how long prompts have been waiting (the ``max_wait`` clock).

    A held occurrence's log row is final (suppressed, reason ``dnd`` or ``fullscreen``) from the
    moment it is held; its rule's timer holds still (it does not fall due again meanwhile) until
    the release, which shows one fresh occurrence of the strongest held rule and restarts the
    intervals of the others.
    """

    def __init__(self) -> None:
        self.held: list[Occurrence] = []
        #: The busy state the policy respects, as of the latest tick (None: free).
        self.reason: Reason | None = None
        #: Monotonic time prompts began to wait in this busy stretch (held, or a re-show due).
        self.since: float | None = None
        self._first: Reason | None = None   # what the first held prompt waited for

    def update(self, busy: frozenset[Reason], policy: PromptPolicy) -> None:
        """The session's busy states at this tick, filtered by the user's switches."""
        self.reason = policy.holds_for(busy)

    def capped(self, mono: float, policy: PromptPolicy) -> bool:
        """Prompts have waited ``max_wait``: they show, busy or not."""
        return self.since is not None and mono - self.since >= policy.max_wait.total_seconds()

    def blocks(self, mono: float, policy: PromptPolicy) -> bool:
        """A prompt due now must wait (the session is busy and the wait is not over)."""
        return self.reason is not None and not self.capped(mono, policy)

    def start_wait(self, mono: float) -> None:
        """A prompt could not show because of the busy state: its ``max_wait`` clock starts."""
        if self.since is None:
            self.since = mono

    def hold(self, occ: Occurrence, now: datetime, mono: float) -> Record:
        """Hold ``occ`` back: its one final row, suppressed for the busy state."""
        reason = self.reason or Reason.DND
        self.start_wait(mono)
        if not self.held:
            self._first = reason
        self.held.append(occ)
        return occ.end(now, Outcome.SUPPRESSED, reason, f"held back: {BUSY_WORDS[reason]}")

    def cap_deadline(self, policy: PromptPolicy) -> float | None:
        """The monotonic time the wait runs out (None: nothing waits)."""
        return None if self.since is None else self.since + policy.max_wait.total_seconds()

    def rule_names(self) -> set[str]:
        """The rules with a held prompt (their timers hold still)."""
        return {occ.rule.name for occ in self.held}

    def drop_reset(self, timers: Mapping[str, RuleTimer]) -> None:
        """Forget held prompts whose rule a natural break has reset meanwhile (the idle run was
        their break)."""
        self.held = [o for o in self.held
                     if o.rule.name not in timers or timers[o.rule.name].due]

    def drop(self, timers: Mapping[str, RuleTimer], keep: Sequence[Rule] | None = None) -> None:
        """Forget held prompts (pause, break now, hours over; ``keep``: those of rules still
        configured after a reload): their rows are final already, their intervals restart."""
        names = None if keep is None else {rule.name for rule in keep}
        kept = []
        for occ in self.held:
            if names is not None and occ.rule.name in names:
                kept.append(occ)
            elif occ.rule.name in timers:
                timers[occ.rule.name].restart()
        self.held = kept

    def release(self, now: datetime, mono: float, policy: PromptPolicy, rules: Sequence[Rule],
                timers: Mapping[str, RuleTimer], ids: Iterator[int]) -> Occurrence | None:
        """When the session is free again, or the wait has run out: one fresh occurrence (its id
        the next of ``ids``) of the strongest held rule, with its due time; None while they
        wait."""
        if not self.held or self.blocks(mono, policy):
            return None
        winner = strongest(self.held, None, rules)
        for occ in self.held:
            if occ.rule.name in timers:
                timers[occ.rule.name].restart()
        waited = humanize(now - self.held[0].due_at)
        if self.reason is not None:   # the cap let it through
            note = f"shown after {waited} of {BUSY_WORDS[self.reason]} (max_wait)"
        else:
            note = f"held {waited} for {BUSY_WORDS[self._first or Reason.DND]}"
        self.held = []
        return Occurrence(next(ids), winner.rule, winner.due_at, late=note)

    def settle(self, waiting: bool) -> None:
        """After a tick: with nothing held and no re-show waiting, the ``max_wait`` clock stops."""
        if not self.held and not waiting:
            self.since = None

