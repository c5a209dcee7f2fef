"""Exercise figures (ui/figures/draw.py): all built-ins render, frames differ, mirror, user
pictures."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageOps

from traybreak.catalog.load import load_builtin
from traybreak.core.model import Exercise, Kind, Setting
from traybreak.ui.figures import draw as figure_draw
from traybreak.ui.figures import props as figure_props
from traybreak.ui.figures.draw import Frame, pose_ids, render_exercise, render_frames
from traybreak.ui.figures.poses import View, load_library, solve

BUILTINS = load_builtin()


def _body_pixels(image: Image.Image) -> int:
    """Pixels in the figure's own colours (body or highlight): the figure is really there."""
    colours = {figure_props.BODY[:3], figure_props.ACCENT[:3]}
    return sum(count for count, colour in image.convert("RGB").getcolors(1 << 20) or ()
               if colour in colours)


def _exercise(kind: Kind = Kind.STRETCH, **changes: object) -> Exercise:
    base = next(ex for ex in BUILTINS if ex.kind is kind)
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("exercise", BUILTINS, ids=lambda ex: ex.id)
def test_every_builtin_renders_all_frames_at_1x_and_2x(exercise: Exercise) -> None:
    keyframes = len(load_library()[exercise.id].frames)
    for scale in (1, 2):
        frames = render_exercise(exercise, size=240, scale=scale)
        assert len(frames) == keyframes
        for frame in frames:
            assert frame.image.mode == "RGBA"
            assert frame.image.size == (240 * scale, 240 * scale)
            assert frame.hold_ms >= 100
            assert _body_pixels(frame.image) > 400 * scale * scale
            assert frame.image.getpixel((0, 0))[3] == 0      # rounded, transparent corner
            centre = frame.image.getpixel((120 * scale, 120 * scale))
            assert centre[3] == 255


def test_no_two_exercises_share_a_first_frame() -> None:
    seen: dict[str, str] = {}
    for exercise in BUILTINS:
        digest = hashlib.sha256(render_exercise(exercise)[0].image.tobytes()).hexdigest()
        assert digest not in seen, f"{exercise.id} looks exactly like {seen.get(digest)}"
        seen[digest] = exercise.id


def test_keyframes_of_a_pose_differ() -> None:
    for key in sorted(pose_ids()):
        images = [frame.image.tobytes() for frame in render_frames(key, size=96)]
        assert len(set(images)) > 1, f"{key}: every keyframe is the same picture"


def test_mirror_flips_a_sided_pose() -> None:
    sided = [key for key, pose in load_library().items() if pose.sided]
    assert "seated_figure_four" in sided
    for key in ("seated_figure_four", "standing_hip_flexor_lunge"):
        plain = render_frames(key, size=120)
        flipped = render_frames(key, size=120, mirror=True)
        for a, b in zip(plain, flipped, strict=True):
            assert a.image.tobytes() != b.image.tobytes()
            assert ImageOps.mirror(a.image).tobytes() == b.image.tobytes()
            assert a.hold_ms == b.hold_ms


def test_tweens_add_in_between_frames() -> None:
    keys = render_frames("chin_tuck", size=96)
    smooth = render_frames("chin_tuck", size=96, tweens=3)
    assert len(smooth) == len(keys) * 4
    assert smooth[0].image.tobytes() == keys[0].image.tobytes()
    assert smooth[1].image.tobytes() not in {f.image.tobytes() for f in keys}
    assert sum(f.hold_ms for f in smooth) > sum(f.hold_ms for f in keys)


def test_unknown_pose_id_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no pose named 'nope'"):
        render_frames("nope")


def test_exercise_pose_key_is_honoured() -> None:
    borrowed = _exercise(id="my_lunge", pose="standing_hip_flexor_lunge")
    assert (render_exercise(borrowed)[0].image.tobytes()
            == render_frames("standing_hip_flexor_lunge")[0].image.tobytes())


def test_user_picture_is_fitted_not_stretched(tmp_path: Path) -> None:
    picture = tmp_path / "wide.png"
    Image.new("RGB", (300, 100), (200, 30, 30)).save(picture)
    frames = render_exercise(_exercise(image=str(picture)), size=120, scale=2)
    assert len(frames) == 1
    image = frames[0].image
    assert image.size == (240, 240) and image.mode == "RGBA"
    assert image.getpixel((120, 120))[:3] == (200, 30, 30)
    assert image.getpixel((120, 20))[:3] == figure_props.BACKGROUND[:3]   # letterboxed
    left_edge = next(x for x in range(240) if image.getpixel((x, 120))[:3] == (200, 30, 30))
    assert left_edge < 15                                             # but as wide as fits


@pytest.mark.parametrize("content", [None, b"not a picture"])
def test_missing_or_broken_picture_falls_back_to_the_neutral_figure(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes | None) -> None:
    picture = tmp_path / "pic.png"
    if content is not None:
        picture.write_bytes(content)
    exercise = _exercise(Kind.STRENGTHEN, image=str(picture))
    with caplog.at_level(logging.WARNING, logger="traybreak.ui.figures.draw"):
        frames = render_exercise(exercise, size=96)
    generic = render_frames(f"neutral_{exercise.setting.value}", size=96)
    assert [f.image.tobytes() for f in frames] == [f.image.tobytes() for f in generic]
    assert str(picture) in caplog.text and exercise.id in caplog.text


def test_unknown_pose_key_falls_back_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    exercise = _exercise(Kind.RELAX, id="mine", pose="no_such_pose")
    with caplog.at_level(logging.WARNING, logger="traybreak.ui.figures.draw"):
        frames = render_exercise(exercise, size=96)
    neutral = render_frames(f"neutral_{exercise.setting.value}", size=96)
    assert frames[0].image.tobytes() == neutral[0].image.tobytes()
    assert "no_such_pose" in caplog.text


@pytest.mark.parametrize("setting", list(Setting))
def test_a_card_without_picture_or_pose_gets_a_neutral_figure_of_its_setting(
        setting: Setting, caplog: pytest.LogCaptureFixture) -> None:
    """A pack's card with no figure of its own must not borrow another exercise's (#16 point
    5: it used to get a squat): a person at rest in its setting, nothing lit, no marks."""
    exercise = _exercise(Kind.STRENGTHEN, id="pack_card", pose=None, setting=setting)
    with caplog.at_level(logging.WARNING, logger="traybreak.ui.figures.draw"):
        frames = render_exercise(exercise, size=96)
    expected = render_frames(f"neutral_{setting.value}", size=96)
    assert [f.image.tobytes() for f in frames] == [f.image.tobytes() for f in expected]
    assert not caplog.records   # expected for a pack card: nothing to warn about
    pose = load_library()[f"neutral_{setting.value}"]
    assert not any(frame.highlight or frame.marks for frame in pose.frames)
    assert not [p for p in pose.props if p.type in figure_props.IN_FRONT]
    builtin = {f.image.tobytes() for ex in BUILTINS for f in render_exercise(ex, size=96)}
    assert not builtin & {f.image.tobytes() for f in frames}


def test_frames_are_cached() -> None:
    first = render_frames("bird_dog", size=100)
    again = render_frames("bird_dog", size=100)
    assert first is not again and all(a is b for a, b in zip(first, again, strict=True))
    assert isinstance(first[0], Frame)


@pytest.mark.parametrize("key", ["seated_thoracic_extension", "levator_scapulae_stretch"])
def test_a_hand_behind_the_head_is_drawn_before_the_head(
        key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fingers laced behind the head were drawn over the face, a blob of arms (#16 point 5):
    the arm whose hand rests behind the head is drawn first and the head covers it."""
    order: list[str] = []
    real_limb, real_head = figure_draw._limb, figure_draw._head

    def limb(*args: Any, far: bool) -> None:   # (canvas, frame, joints, side, part)
        order.append(f"{args[3]}_{args[4]}")
        real_limb(*args, far=far)

    def head(*args: Any) -> None:
        order.append("head")
        real_head(*args)

    monkeypatch.setattr(figure_draw, "_limb", limb)
    monkeypatch.setattr(figure_draw, "_head", head)
    pose = load_library()[key]
    held = pose.frames[-1]
    joints = solve(held, pose.view)
    behind = [s for s in "lr" if figure_draw.hand_behind_head(pose.view, held, joints, s)]
    assert behind
    figure_draw._draw(pose, held, 120, False)
    for side in behind:
        assert order.index(f"{side}_arm") < order.index("head")
    in_front = {"r"} - set(behind) if pose.view is View.SIDE else {"l", "r"} - set(behind)
    for side in in_front:   # a hand not on the back of the head still shows in front of it
        assert order.index(f"{side}_arm") > order.index("head")
