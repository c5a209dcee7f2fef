"""Packaging: the wheel holds every package and the icons, and a non-editable install finds them."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _declared_packages() -> set[str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return set(tomllib.load(f)["tool"]["setuptools"]["packages"])


def _source_packages() -> set[str]:
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "traybreak").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    return found | {"traybreak.icons"}


def test_every_package_is_declared() -> None:
    """A package forgotten in pyproject's explicit list would be missing from the wheel."""
    assert _source_packages() == _declared_packages()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (found,) = out.glob("traybreak-*.whl")
    return found


@pytest.mark.slow
def test_wheel_ships_icons_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    icons = {p.name for p in (ROOT / "icons").iterdir() if p.suffix in (".png", ".zlib")}
    assert "traybreak.png" in icons and "tray-states.rgba.zlib" in icons
    for icon in icons:
        assert f"traybreak/icons/{icon}" in names
    for size in (16, 22, 24, 32, 48, 64, 128, 256):   # what `desktop-entry install` copies
        assert f"traybreak/icons/hicolor/{size}.png" in names
    assert "traybreak/sounds/chime.wav" in names   # the chime of [prompt] sound
    for pack in (ROOT / "traybreak" / "exercises").glob("*.toml"):
        assert f"traybreak/exercises/{pack.name}" in names
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("entry_points.txt"))
    ).decode()
    assert "traybreak = traybreak.cli:main" in entry_points
    assert "[gui_scripts]" in entry_points
    assert "traybreak-tray = traybreak.cli:tray_main" in entry_points


@pytest.mark.slow
def test_non_editable_install_loads_icon(wheel: Path, tmp_path: Path) -> None:
    """Install the wheel into a throwaway venv and read an icon through importlib.resources."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True, text=True,
    )
    probe = (
        "import sys, traybreak\n"
        "from importlib.resources import files\n"
        "icon = files('traybreak.icons').joinpath('traybreak.png').read_bytes()\n"
        "sys.stdout.buffer.write(icon[:24])\n"
        "print(file=sys.stderr, end=traybreak.__file__)\n"
    )
    result = subprocess.run(
        [str(python), "-c", probe], cwd=tmp_path, capture_output=True, check=True
    )
    head = result.stdout
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width >= 16 and height >= 16
    assert str(env_dir) in result.stderr.decode(), "imported the source tree, not the install"
    scripts = env_dir / ("Scripts" if os.name == "nt" else "bin")
    assert (scripts / "traybreak").exists() and (scripts / "traybreak-tray").exists()
