"""The panel's pure decisions: menu JSON -> rows, keyboard order, chip and header wrapping, where
the popup opens, the result line and how the tray reads it; and the `panel` command's input
errors."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from traybreak.cli import main
from traybreak.errors import ExitStatus
from traybreak.ui.menu import SEPARATOR, MenuEntry, MenuFacts, build_menu
from traybreak.ui.panel.layout import (
    Choice,
    Row,
    focus_order,
    header_lines,
    popup_position,
    rows_from_entries,
)
from traybreak.ui.protocol import panel_args, parse_menu_json, read_panel_result, result_line
from traybreak.ui.toolkit.geometry import Area, chip_lines


def _menu_json(**facts: object) -> str:
    menu = build_menu(MenuFacts(**{"paused": False, **facts}))  # type: ignore[arg-type]
    return json.dumps([e.to_json() for e in menu])


def test_the_tray_menu_becomes_groups_items_a_checkbox_and_separators() -> None:
    rows = rows_from_entries(parse_menu_json(_menu_json(autostart=True, done_today=3)))
    assert [(r.kind, r.label) for r in rows] == [
        ("group", "Take a break now"), ("group", "Pause"), ("item", "Resume"),
        ("item", "Skip next break"), ("separator", ""), ("item", "Today: 3 done · 0 skipped"),
        ("item", "History"), ("item", "Settings…"), ("check", "Start at login"),
        ("separator", ""), ("item", "About traybreak"), ("item", "Quit"),
    ]
    take, pause = rows[0], rows[1]
    assert [(c.label, c.command) for c in take.choices] == [
        ("Stretch", "break-now stretch"), ("Strengthen", "break-now strengthen"),
        ("Relax", "break-now relax")]
    assert [c.command for c in pause.choices] == [
        "pause 30m", "pause 1h", "pause tomorrow", "pause indefinitely"]
    check = rows[8]
    assert check.checked is True and check.choices[0].command == "autostart off"


def test_disabled_entries_are_greyed_and_never_focused() -> None:
    rows = rows_from_entries(parse_menu_json(_menu_json(prompt_open=True)))
    resume = next(r for r in rows if r.label == "Resume")
    assert resume.enabled is False                      # not paused: Resume is greyed
    take = rows[0]
    assert take.enabled is False and not any(c.active for c in take.choices)
    order = focus_order(rows)
    focused = [rows[r].choices[c].command for r, c in order]
    assert "resume" not in focused and "break-now stretch" not in focused
    assert focused[0] == "pause 30m" and focused[-1] == "quit"


def test_separators_are_never_doubled_or_at_the_ends() -> None:
    quit_ = MenuEntry("Quit", "quit")
    rows = rows_from_entries((SEPARATOR, quit_, SEPARATOR, SEPARATOR, quit_, SEPARATOR))
    assert [r.kind for r in rows] == ["item", "separator", "item"]


def test_an_entry_without_a_command_is_a_greyed_label() -> None:
    (row,) = rows_from_entries((MenuEntry("Paused until 14:30"),))
    assert row.kind == "item" and row.enabled is False and focus_order((row,)) == []


@pytest.mark.parametrize(("text", "problem"), [
    ("[", "not valid JSON"),
    ("[]", "non-empty JSON list"),
    ('{"entries": 3}', "non-empty JSON list"),
    ('[{"command": "quit"}]', "needs a \"label\""),
    ('["quit"]', "malformed"),
])
def test_bad_menu_json_is_one_clear_error(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_menu_json(text)


def test_menu_json_may_be_wrapped_in_an_object() -> None:
    entries = parse_menu_json('{"entries": [{"label": "Quit", "command": "quit"}]}')
    assert entries == (MenuEntry("Quit", "quit"),)


def test_focus_order_is_reading_order_over_active_choices() -> None:
    rows = (Row("group", "G", (Choice("a", "a"), Choice("b", None), Choice("c", "c"))),
            Row("separator"), Row("item", "x", (Choice("x", "x"),)))
    assert focus_order(rows) == [(0, 0), (0, 2), (2, 0)]


def test_chips_wrap_when_the_line_is_full() -> None:
    assert chip_lines([50, 50, 50], 200, 10) == [[0, 1, 2]]
    assert chip_lines([90, 100, 60, 70], 200, 10) == [[0, 1], [2, 3]]
    assert chip_lines([300, 20], 200, 10) == [[0], [1]]   # a too-wide chip gets its own line
    assert chip_lines([], 200, 10) == []


def test_the_header_wraps_between_its_parts() -> None:
    six = ("Stretch in 12 min · Strengthen in 41 min · Water in 3 min · Eyes in 8 min · "
           "Walk at 12:30 · Relax at 15:30 · 5 done today")
    lines = header_lines(six, len, 40)
    assert lines == ["Stretch in 12 min · Strengthen in 41 min", "Water in 3 min · Eyes in 8 min",
                     "Walk at 12:30 · Relax at 15:30", "5 done today"]
    assert header_lines("Stretch in 12 min · 5 done today", len, 40) == [
        "Stretch in 12 min · 5 done today"]
    assert header_lines("Settings file not used (traybreak config check) · Paused", len, 20) == [
        "Settings file not used (traybreak config check)", "Paused"]   # too wide: a line alone


SCREEN = Area(0, 0, 1024, 768)


def test_popup_opens_below_right_of_the_pointer() -> None:
    assert popup_position((100, 100), (300, 400), SCREEN) == (102, 102)


def test_popup_flips_at_the_top_right_tray() -> None:
    x, y = popup_position((1010, 12), (300, 400), SCREEN)
    assert (x, y) == (1010 - 2 - 300, 14)


def test_popup_flips_above_a_bottom_tray() -> None:
    x, y = popup_position((1010, 760), (300, 400), SCREEN)
    assert (x, y) == (708, 760 - 2 - 400)


def test_popup_on_a_second_monitor_stays_on_it() -> None:
    right = Area(1920, 0, 1280, 1024)
    x, y = popup_position((3190, 1010), (300, 400), right)
    assert right.contains(x, y) and right.contains(x + 299, y + 399)


@given(px=st.integers(-50, 1100), py=st.integers(-50, 800), w=st.integers(1, 1024),
       h=st.integers(1, 768))
def test_popup_is_always_wholly_on_screen(px: int, py: int, w: int, h: int) -> None:
    x, y = popup_position((px, py), (w, h), SCREEN)
    assert x >= 0 and x + w <= 1024 and y >= 0 and y + h <= 768


def test_result_line_round_trips_through_the_tray_reader() -> None:
    assert json.loads(result_line("pause 30m", "click")) == {"command": "pause 30m",
                                                             "via": "click"}
    assert read_panel_result(result_line("pause 30m", "click") + "\n") == "pause 30m"
    assert read_panel_result("noise\n" + result_line(None, "escape")) is None


@pytest.mark.parametrize("text", ["", "oops", "[1]", '{"via": "x"}', '{"command": 3}'])
def test_the_tray_reader_rejects_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        read_panel_result(text)


def test_panel_args_round_trip_through_the_command_line(tmp_path: Path) -> None:
    from traybreak.cli import build_parser
    from traybreak.cli.small_window_cmd import read_menu

    menu = build_menu(MenuFacts(paused=True, paused_label="paused until 14:30", autostart=True))
    args = panel_args(menu, header="Paused · 5 done today", timeout_s=20, at=(1200, 24))
    parsed = build_parser().parse_args(["panel", *args])
    assert read_menu(parsed) == menu
    assert (parsed.header, parsed.timeout, parsed.at) == (
        "Paused · 5 done today", timedelta(seconds=20), (1200, 24))
    assert panel_args(menu)[-2:] == ["--timeout", "30s"]   # no header, no point: left out


def test_panel_command_rejects_a_bad_menu_before_needing_a_display(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    assert main(["panel", "--menu-json", "[{}]"]) == ExitStatus.BAD_INPUT
    assert "--menu-json: a menu entry is malformed" in capsys.readouterr().err
    missing = tmp_path / "menu.json"
    assert main(["panel", "--menu-file", str(missing)]) == ExitStatus.BAD_INPUT
    assert f"cannot read --menu-file {missing}" in capsys.readouterr().err
    missing.write_text(_menu_json(), encoding="utf-8")
    assert main(["panel", "--menu-file", str(missing)]) == ExitStatus.NO_DISPLAY
    assert "DISPLAY is not set" in capsys.readouterr().err


def test_panel_command_needs_a_sane_point(capsys: pytest.CaptureFixture[str]) -> None:
    # (`traybreak panel` with no menu asks the running tray for it: tests/cli/test_cli.py.)
    with pytest.raises(SystemExit):
        main(["panel", "--menu-json", "[]", "--at", "12"])
    assert "expected X,Y" in capsys.readouterr().err
