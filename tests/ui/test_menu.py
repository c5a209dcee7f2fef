"""The menu model: entries, commands and states, without any tray backend."""

from __future__ import annotations

from traybreak.ui.menu import MenuEntry, MenuFacts, build_menu, find_command


def _labels(entries: tuple[MenuEntry, ...]) -> list[str]:
    return [e.label for e in entries if e.label != "-"]


def test_menu_holds_every_action_the_issue_names() -> None:
    menu = build_menu(MenuFacts(paused=False, done_today=5, skipped_today=1))
    assert _labels(menu) == [
        "Take a break now", "Pause", "Resume", "Skip next break", "Today: 5 done · 1 skipped",
        "History", "Settings…", "Start at login", "About traybreak", "Quit",
    ]
    assert find_command(menu, ["Take a break now", "Strengthen"]) == "break-now strengthen"
    assert find_command(menu, ["Pause", "30 minutes"]) == "pause 30m"
    assert find_command(menu, ["Pause", "1 hour"]) == "pause 1h"
    assert find_command(menu, ["Pause", "Until tomorrow"]) == "pause tomorrow"
    assert find_command(menu, ["Pause", "Until I resume"]) == "pause indefinitely"
    assert find_command(menu, ["Settings…"]) == "open-settings"
    assert find_command(menu, ["Quit"]) == "quit"


def test_resume_only_when_paused_and_says_until_when() -> None:
    running = build_menu(MenuFacts(paused=False))
    paused = build_menu(MenuFacts(paused=True, paused_label="paused until 14:30"))
    assert next(e for e in running if e.command == "resume").enabled is False
    resume = next(e for e in paused if e.command == "resume")
    assert resume.enabled and resume.label == "Resume (paused until 14:30)"
    assert next(e for e in paused if e.command == "skip-next").enabled is False


def test_autostart_checkbox_reflects_state() -> None:
    on = build_menu(MenuFacts(paused=False, autostart=True))
    off = build_menu(MenuFacts(paused=False, autostart=False))
    # a click asks for the state opposite to the box shown (#15: a toggle inverted a stale box)
    assert next(e for e in on if e.command == "autostart off").checked is True
    assert next(e for e in off if e.command == "autostart on").checked is False


def test_no_second_break_while_a_prompt_is_open() -> None:
    menu = build_menu(MenuFacts(paused=False, prompt_open=True))
    take = next(e for e in menu if e.label == "Take a break now")
    assert take.enabled is False and all(not c.enabled for c in take.children)


def test_json_round_trip() -> None:
    menu = build_menu(MenuFacts(paused=True, autostart=True))
    assert tuple(MenuEntry.from_json(e.to_json()) for e in menu) == menu
