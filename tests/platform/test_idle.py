"""The idle-source chooser and the null source (no X server needed)."""

from __future__ import annotations

import pytest

from traybreak.platform.idle import IdleSource, candidate_modules, choose_idle_source
from traybreak.platform.null_idle import NullIdleSource


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


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_chooser_picks_null_where_no_module_exists_yet(platform: str) -> None:
    source = choose_idle_source(env={"DISPLAY": ":0"}, platform=platform)
    assert isinstance(source, NullIdleSource)


def test_chooser_picks_null_when_the_display_does_not_answer() -> None:
    # A display number nobody serves: the X11 module is tried, fails, and we degrade.
    source = choose_idle_source(env={"DISPLAY": ":9999"}, platform="linux")
    assert isinstance(source, NullIdleSource)
    assert "x11_idle" in source.reason


@pytest.mark.parametrize(
    "env",
    [
        {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"},
        {"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"},
    ],
)
def test_wayland_sessions_do_not_trust_xwayland_idle(env: dict[str, str]) -> None:
    assert candidate_modules("linux", env) == ()
    source = choose_idle_source(env=env, platform="linux")
    assert isinstance(source, NullIdleSource)
    assert "Wayland" in source.reason


def test_x11_is_the_candidate_on_an_x_session() -> None:
    assert candidate_modules("linux", {"DISPLAY": ":0"}) == ("x11_idle",)
    assert candidate_modules("freebsd14", {"DISPLAY": ":0"}) == ("x11_idle",)
