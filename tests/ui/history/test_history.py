"""The history's data (bars per day, streak, muscle groups, recent prompts), its text form, and the
`history` / `about` commands on a real log in tmp_path (XDG_DATA_HOME) — read-only, empty-safe."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from fakes import sample_exercises

from traybreak.cli import main
from traybreak.core.model import Kind, Outcome, PromptRecord, Reason
from traybreak.store.prompt_log import Store
from traybreak.ui.history.data import (
    EMPTY_NOTE,
    DayBar,
    build_history,
    chart_top,
    history_text,
    outcome_words,
    stack,
    text_bar,
)

TZ = timezone(timedelta(hours=2))
TODAY = date(2024, 5, 14)   # a Tuesday

# (days before today, hour, kind, exercise id, outcome, reason)
SAMPLE: tuple[tuple[int, int, Kind | None, str | None, Outcome, Reason | None], ...] = (
    (6, 10, Kind.STRETCH, "seated_hip_flexor_stretch", Outcome.DONE, None),
    (6, 11, Kind.STRENGTHEN, "seated_glute_squeeze", Outcome.SKIPPED, Reason.USER),
    (5, 9, Kind.STRETCH, "doorway_chest_stretch", Outcome.IGNORED, Reason.TIMEOUT),
    (3, 10, Kind.STRETCH, "seated_hamstring_stretch", Outcome.DONE, None),
    (3, 11, Kind.STRENGTHEN, "chin_tuck", Outcome.DONE, None),
    (3, 15, Kind.RELAX, "box_breathing", Outcome.DONE, None),
    (1, 9, Kind.STRETCH, "seated_hip_flexor_stretch", Outcome.DONE, None),
    (1, 10, Kind.STRENGTHEN, "seated_glute_squeeze", Outcome.DONE, None),
    (1, 13, Kind.STRETCH, "upper_trap_stretch", Outcome.SKIPPED, Reason.USER),
    (0, 9, Kind.STRETCH, "seated_figure_four", Outcome.DONE, None),
    (0, 10, Kind.STRENGTHEN, "scapular_squeeze", Outcome.DONE, None),
    (0, 11, Kind.STRETCH, None, Outcome.NATURAL, Reason.IDLE),
    (0, 12, Kind.STRETCH, None, Outcome.SUPPRESSED, Reason.PAUSED),
    (0, 13, None, None, Outcome.DONE, None),            # a custom "drink water" reminder
    (0, 14, Kind.RELAX, "shoulder_drop", Outcome.SNOOZED, None),
)


def sample_records(today: date = TODAY, tz: timezone = TZ) -> list[PromptRecord]:
    """A week of prompts ending ``today`` in local zone ``tz`` (UTC times, as the log keeps)."""
    out = []
    for back, hour, kind, exercise, outcome, reason in SAMPLE:
        due = datetime.combine(today - timedelta(days=back), time(hour), tz).astimezone(UTC)
        out.append(PromptRecord(
            rule="water" if kind is None else f"{kind}", kind=kind, due_at=due,
            exercise_id=exercise, shown_at=due, ended_at=due + timedelta(minutes=1),
            outcome=outcome, reason=reason))
    return out


def write_sample_log(path: Path, today: date, tz: timezone) -> Path:
    """Write sample_records() into a real log at ``path`` (used by the e2e test too)."""
    with Store.open(path) as store:
        for record in sample_records(today, tz):
            store.add_prompt(record)
    return path


def _history(**kw: object) -> object:
    return build_history(sample_records(), sample_exercises(), TODAY, TZ, **kw)  # type: ignore[arg-type]


def test_bars_split_done_by_kind_and_count_skips_and_misses() -> None:
    history = build_history(sample_records(), sample_exercises(), TODAY, TZ)
    assert [d.day for d in history.days] == [TODAY - timedelta(days=n) for n in range(6, -1, -1)]
    first, second, _, fourth, _, sixth, today = history.days
    assert dict(first.done) == {Kind.STRETCH: 1, Kind.STRENGTHEN: 0, Kind.RELAX: 0}
    assert (first.skipped, first.ignored) == (1, 0)
    assert (second.done_total, second.ignored) == (0, 1)
    assert dict(fourth.done) == {Kind.STRETCH: 1, Kind.STRENGTHEN: 1, Kind.RELAX: 1}
    assert (sixth.done_total, sixth.skipped) == (2, 1)
    # today: two exercises and a custom reminder (no kind: its own segment)
    assert dict(today.done) == {Kind.STRETCH: 1, Kind.STRENGTHEN: 1, Kind.RELAX: 0}
    assert today.reminders == 1 and today.done_total == 3 and today.total == 3
    assert history.today_counts.done == 3 and history.today_counts.natural == 1


def test_streak_and_today() -> None:
    history = build_history(sample_records(), sample_exercises(), TODAY, TZ)
    # 14th, 13th done; 12th nothing asked (does not break); 11th done; 10th only a miss: stop.
    assert history.streak == 3
    assert history.today == TODAY


def test_muscle_groups_worked_and_neglected_this_week() -> None:
    history = build_history(sample_records(), sample_exercises(), TODAY, TZ)
    worked = {g.id: g.times for g in history.worked}
    assert worked == {"hip_flexors": 2, "glute_max": 1, "hamstrings": 1, "deep_neck_flexors": 1,
                      "breathing": 1, "piriformis": 1, "rhomboids": 1}
    assert history.worked[0].times == 2                           # most worked first
    neglected = {g.id for g in history.neglected}
    assert {"chest", "lower_traps", "eyes"} <= neglected          # skipped/ignored ones count not
    assert not neglected & set(worked)
    sides = [g.side.value for g in history.neglected]
    assert sides == sorted(sides, key=["tight", "weak", "calm"].index)  # tight, then weak, calm


def test_recent_prompts_newest_first_without_suppressed_ones() -> None:
    history = build_history(sample_records(), sample_exercises(), TODAY, TZ, recent=5)
    assert [(r.when.hour, r.name, r.outcome) for r in history.recent] == [
        (14, "Shoulder drop", "snoozed"),
        (13, "Water", "done"),
        (11, "Stretch", "natural break"),
        (10, "Scapular squeeze", "done"),
        (9, "Seated figure four", "done"),
    ]
    assert all(r.when.tzinfo == TZ for r in history.recent)


def test_older_records_still_make_the_streak_and_the_recent_list() -> None:
    # The chart, today and the muscle groups look at their own days only (#18 point 11);
    # the streak and the recent prompts reach back past them.
    two_weeks_on = TODAY + timedelta(days=14)
    history = build_history(sample_records(), sample_exercises(), two_weeks_on, TZ, days=7,
                            recent=2)
    assert all(bar.total == 0 for bar in history.days) and not history.worked
    assert history.today_counts.done == 0
    assert history.streak == 3  # nothing asked since: the streak of two weeks ago stands
    assert [(r.when.date(), r.when.hour) for r in history.recent] == [(TODAY, 14), (TODAY, 13)]


def test_outcome_words_say_why_a_prompt_was_ignored() -> None:
    due = datetime(2024, 5, 14, 8, tzinfo=UTC)
    assert outcome_words(PromptRecord("r", Kind.STRETCH, due, outcome=Outcome.IGNORED,
                                      reason=Reason.TIMEOUT)) == "ignored (no answer)"
    assert outcome_words(PromptRecord("r", Kind.STRETCH, due, outcome=Outcome.IGNORED,
                                      reason=Reason.STOPPED)) == "ignored (app closed)"
    assert outcome_words(PromptRecord("r", Kind.STRETCH, due)) == "open"
    assert outcome_words(PromptRecord("r", Kind.STRETCH, due, outcome=Outcome.SUPPRESSED,
                                      reason=Reason.OFF_HOURS)) == "suppressed (off hours)"


def test_days_option_and_local_midnight() -> None:
    history = build_history(sample_records(), sample_exercises(), TODAY, TZ, days=3)
    assert [d.day for d in history.days] == [date(2024, 5, 12), date(2024, 5, 13), TODAY]
    # the same instants seen from UTC-10: 09:00 at +02:00 is the previous evening there
    west = timezone(timedelta(hours=-10))
    shifted = build_history(sample_records(), sample_exercises(), TODAY, west, days=7)
    assert shifted.days[-1].done_total != build_history(
        sample_records(), sample_exercises(), TODAY, TZ).days[-1].done_total


def test_chart_stack_and_scale() -> None:
    bar = DayBar(TODAY, ((Kind.STRETCH, 2), (Kind.STRENGTHEN, 0), (Kind.RELAX, 1)), 1, 3, 1)
    assert stack(bar) == [("stretch", 2), ("relax", 1), ("reminder", 1), ("skipped", 1),
                          ("ignored", 3)]
    assert chart_top([bar]) == 8
    assert chart_top([]) == 4 and chart_top([DayBar(TODAY, (), 0, 11)]) == 15
    assert text_bar(bar) == "■■■■□□□□"
    long = DayBar(TODAY, ((Kind.STRETCH, 30),), 0, 18)
    assert len(text_bar(long)) == 24 and text_bar(long).count("■") == 15


def test_history_text_shows_every_part() -> None:
    text = history_text(build_history(sample_records(), sample_exercises(), TODAY, TZ))
    assert text.startswith("Today (Tue 14 May): 3 done\n")
    assert "Streak: 3 days in a row" in text
    assert f"  Sat 11 May  {'■■■':<24}  3 done\n" in text
    assert f"  Sun 12 May  {'':<24}  -\n" in text
    assert f"  Mon 13 May  {'■■□':<24}  2 done · 1 skipped\n" in text
    assert f"  Tue 14 May  {'■■■':<24}  3 done\n" in text
    assert "  Worked:  hip flexors (psoas) ×2, breathing (diaphragm) ×1," in text
    assert "  Not yet: calves, chest (pectorals)," in text
    assert all(len(line) <= 96 for line in text.splitlines() if "Recent" not in line)
    recent = text.split("Recent prompts\n")[1].splitlines()
    assert recent[0].split() == ["Tue", "14:00", "relax", "Shoulder", "drop", "snoozed"]
    assert recent[5].endswith("Upper trap stretch         skipped")


def test_no_records_is_a_friendly_empty_state() -> None:
    empty = build_history([], sample_exercises(), TODAY, TZ, has_log=False)
    assert empty.empty and history_text(empty) == EMPTY_NOTE + "\n"
    assert [d.total for d in empty.days] == [0] * 7 and empty.streak == 0


# -- the commands, on a real log --------------------------------------------------------------

@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TRAYBREAK_CONFIG", raising=False)
    return tmp_path / "data" / "traybreak"


def test_history_command_without_a_log_says_so_and_creates_nothing(
        data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 0
    assert capsys.readouterr().out == EMPTY_NOTE + "\n"
    assert not data_home.exists()


def test_history_command_reads_the_log_and_leaves_it_unchanged(
        data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now().astimezone()
    assert isinstance(now.tzinfo, timezone)
    log = write_sample_log(data_home / "log.sqlite3", now.date(), now.tzinfo)
    before = log.read_bytes()
    assert main(["history", "--days", "3", "--recent", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Today ({now:%a} {now.day:>2} {now:%b}): 3 done\n")
    assert out.count(f" {now:%b}  ") >= 3 and "Last 3 days" in out
    assert out.split("Recent prompts\n")[1].count("\n") == 2
    assert log.read_bytes() == before


def test_history_command_rejects_a_bad_day_count(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["history", "--days", "0"])
    assert "from 1 to 31" in capsys.readouterr().err


def test_window_commands_need_a_display(data_home: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    assert main(["history", "--window"]) == 4
    assert main(["about", "--window"]) == 4
    assert capsys.readouterr().err.count("DISPLAY is not set") == 2


def test_about_names_version_purpose_disclaimer_places_privacy_licence(
        data_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from traybreak import __version__

    config = tmp_path / "my.toml"
    assert main(["about", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"traybreak {__version__}\n")
    assert "not medical advice" in out
    assert f"Settings:             {config}\n" in out
    assert f"Break log:            {data_home / 'log.sqlite3'}\n" in out
    assert f"Your exercise packs:  {data_home / 'exercises'}\n" in out
    assert "stays on this computer" in out and "MIT" in out
    assert not data_home.exists()       # saying where things live creates nothing


def test_closed_line_is_json() -> None:
    from traybreak.cli.small_window_cmd import CLOSED_LINE

    assert json.loads(CLOSED_LINE) == {"closed": True}


@pytest.mark.parametrize("outcome", [o for o in Outcome if o is not Outcome.NATURAL])
def test_the_history_names_an_outcome_with_the_logs_word(outcome: Outcome) -> None:
    # One word per thing (#15): what `traybreak log` prints is what the history says.
    record = PromptRecord(rule="stretch", kind=Kind.STRETCH, due_at=datetime(2024, 5, 1, 9, 0),
                          outcome=outcome, reason=Reason.TIMEOUT)
    assert outcome_words(record).split(" (")[0] == outcome.value


def test_levels_and_feedback_are_in_the_history_and_its_text() -> None:
    """#16 point 4: exercises moved past level 1 and those resting after "This hurts" are
    listed; a recent row says what the user added after Done."""
    from dataclasses import replace

    from traybreak.catalog.load import load_catalog
    from traybreak.core.model import Feedback

    records = sample_records()
    for n, record in enumerate(records):
        if record.exercise_id == "seated_hip_flexor_stretch":
            records[n] = replace(record, feedback=Feedback.TOO_EASY, level=1 + (n > 0))
        elif record.exercise_id == "chin_tuck":
            records[n] = replace(record, feedback=Feedback.HURTS, level=1)
    history = build_history(records, list(load_catalog()), TODAY, TZ)
    assert [(r.name, r.describe()) for r in history.levels] == [
        ("Chin tuck", "level 1 of 3, resting until Sat 25 May (it hurt)"),
        ("Seated hip flexor stretch", "level 3 of 3"),
    ]
    assert "done · too easy" in [row.outcome for row in history.recent]
    text = history_text(history)
    assert "Progress (Too easy, Too hard and This hurts after Done move these)" in text
    assert "  Seated hip flexor stretch  level 3 of 3" in text
    assert outcome_words(records[3]) == "done"
