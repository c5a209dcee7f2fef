"""The idle-source chooser and the null source (no X server needed)."""

from __future__ import annotations

import pytest

from traybreak.platform.idle.base import IdleSource
from traybreak.platform.idle.choose import PROBES, candidate_modules, choose_idle_source
from traybreak.platform.idle.null import NullIdleSource


def test_null_source_says_unknown() -> None:
    source = NullIdleSource("testing")
    assert source.idle() is None
    source.close()
    source.close()
    assert source.idle() is None
    assert isinstance(source, IdleSource)
    assert source.name == "null"


def test_chooser_picks_null_without_display() -> None:
    source = choose_idle_source(env={}, platform="linux")
    assert isinstance(source, NullIdleSource)
    assert source.idle() is None
    assert "linux" in source.reason


@pytest.mark.parametrize("platform", ["sunos5", "aix"])
def test_chooser_picks_null_where_no_module_exists(platform: str) -> None:
    source = choose_idle_source(env={"DISPLAY": ":0"}, platform=platform)
    assert isinstance(source, NullIdleSource)


@pytest.mark.parametrize(("platform", "module"), [("win32", "win32_idle"),
                                                  ("darwin", "macos_idle")])
def test_windows_and_macos_have_their_module(platform: str, module: str) -> None:
    assert candidate_modules(platform, {"DISPLAY": ":0"}) == (module,)
    # Off their OS the calls do not load: the chooser says so instead of failing.
    source = choose_idle_source(env={}, platform=platform)
    assert isinstance(source, NullIdleSource) and module in source.reason


def test_chooser_picks_null_when_the_display_does_not_answer() -> None:
    # A display number nobody serves: the X11 module is tried, fails, and we degrade.
    source = choose_idle_source(env={"DISPLAY": ":9999"}, platform="linux")
    assert isinstance(source, NullIdleSource)
    assert "x11_idle" in source.reason


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        # The compositor's notifier is asked (here nobody answers: no XDG_RUNTIME_DIR).
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"},
         "no idle source answered (tried wayland_idle)"),
        ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"},
         "no idle source for this session (platform linux, Wayland)"),
    ],
)
def test_wayland_sessions_do_not_trust_xwayland_idle(env: dict[str, str], reason: str) -> None:
    assert "x11_idle" not in candidate_modules("linux", env)
    source = choose_idle_source(env=env, platform="linux", names=frozenset())
    assert isinstance(source, NullIdleSource)
    assert source.reason == reason


MUTTER, FDO = "org.gnome.Mutter.IdleMonitor", "org.freedesktop.ScreenSaver"


@pytest.mark.parametrize(("env", "names", "expected"), [
    # GNOME Wayland: Mutter; Xwayland's counter never.
    ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, {MUTTER}, ("gnome_idle", "wayland_idle")),
    # GNOME X11: Mutter first (the monitor GNOME blanks and locks by), X11 as the fallback.
    ({"DISPLAY": ":0"}, {MUTTER}, ("gnome_idle", "x11_idle")),
    # KDE Wayland: the Wayland protocol before ScreenSaver (which says NotSupported there).
    ({"WAYLAND_DISPLAY": "wayland-0"}, {FDO}, ("wayland_idle", "freedesktop_idle")),
    # KDE X11: the X server first.
    ({"DISPLAY": ":0"}, {FDO}, ("x11_idle", "freedesktop_idle")),
    # Env vars alone offer nothing on the bus.
    ({"XDG_CURRENT_DESKTOP": "GNOME", "XDG_SESSION_TYPE": "wayland"}, set(), ()),
])
def test_candidates_follow_what_the_bus_offers(env: dict[str, str], names: set[str],
                                               expected: tuple[str, ...]) -> None:
    assert candidate_modules("linux", env, frozenset(names)) == expected


def test_a_candidate_without_a_module_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(PROBES, "wayland_idle")
    source = choose_idle_source(env={"WAYLAND_DISPLAY": "wayland-0"}, platform="linux",
                                names=frozenset())
    assert isinstance(source, NullIdleSource)
    assert source.reason == "no idle source for this session (platform linux, Wayland)"


def test_x11_is_the_candidate_on_an_x_session() -> None:
    assert candidate_modules("linux", {"DISPLAY": ":0"}) == ("x11_idle",)
    assert candidate_modules("freebsd14", {"DISPLAY": ":0"}) == ("x11_idle",)
