"""The pose library (pure ui/figures/poses.py + ui/figures/pose_schema.py): coverage,
kinematics, format errors."""

from __future__ import annotations

import math

import pytest

from traybreak.catalog.load import load_builtin
from traybreak.ui.figures.pose_schema import LENGTHS, SEGMENTS, PoseError, View
from traybreak.ui.figures.poses import load_library, load_poses, solve, tween

# The ids fixed by the exercise manifest; the catalog must keep them, every one needs a figure.
MANIFEST_IDS = frozenset((
    "seated_hip_flexor_stretch", "standing_hip_flexor_lunge", "seated_hamstring_stretch",
    "standing_hamstring_stretch", "seated_figure_four", "standing_figure_four",
    "doorway_chest_stretch", "seated_chest_opener", "upper_trap_stretch",
    "levator_scapulae_stretch", "seated_neck_rotation", "desk_lat_stretch", "standing_side_reach",
    "seated_side_bend", "standing_calf_stretch", "wrist_flexor_stretch",
    "seated_thoracic_extension", "seated_thoracic_rotation", "standing_cat_cow",
    "seated_glute_squeeze", "sit_to_stand", "glute_bridge", "standing_hip_abduction", "clamshell",
    "standing_hip_hike", "seated_core_brace", "seated_march", "dead_bug", "wall_side_plank",
    "scapular_squeeze", "band_pull_apart", "wall_angel", "standing_y_raise", "chin_tuck",
    "wall_chin_tuck", "bird_dog", "standing_hip_hinge", "seated_back_extension",
    "wrist_extensor_lift", "box_breathing", "long_exhale_breathing", "belly_breathing",
    "shoulder_drop", "progressive_relaxation", "body_scan", "eye_distance_rest", "eye_palming",
    "daily_wind_down",
))

BASES = """
[bases.stand]
view = "side"
root = [50, 50]
spine_low = 180
spine_high = 180
neck = 180
head = 180
l_upper_arm = 0
l_forearm = 0
r_upper_arm = 0
r_forearm = 0
l_thigh = 0
l_shin = 0
l_foot = 90
r_thigh = 0
r_shin = 0
r_foot = 90
"""


def _pose(body: str) -> str:
    return BASES + '\n[poses.demo]\nbase = "stand"\n' + body


def test_every_manifest_and_catalog_exercise_has_a_pose() -> None:
    poses = load_library()
    assert len(MANIFEST_IDS) == 48   # the manifest says 47, but lists 9 relax moves, not 8
    assert MANIFEST_IDS.issubset(poses)
    assert {ex.id for ex in load_builtin()} <= set(poses)
    assert {"neutral_standing", "neutral_seated", "neutral_floor"} <= set(poses)


def test_every_pose_has_two_to_four_keyframes_with_hold_times() -> None:
    for key, pose in load_library().items():
        assert 2 <= len(pose.frames) <= 4, key
        assert all(100 <= frame.hold_ms <= 10000 for frame in pose.frames), key
        assert set(SEGMENTS) - {"l_hand", "r_hand"} <= set(pose.frames[0].angles), key


def test_kinematics_keep_segment_lengths_and_stand_on_the_floor() -> None:
    poses = load_poses({"p.toml": _pose("[[poses.demo.frames]]\n[[poses.demo.frames]]\n")})
    joints = solve(poses["demo"].frames[0], View.SIDE)
    assert joints["head"][1] < joints["top"][1] < joints["hip"][1] < joints["r_ankle"][1]
    assert joints["r_ankle"] == pytest.approx((50, 50 + LENGTHS["r_thigh"] + LENGTHS["r_shin"]))
    assert joints["r_toe"][0] > joints["r_ankle"][0]   # 90 degrees points forward (right)
    for segment, (start, end) in SEGMENTS.items():
        if segment not in ("l_hand", "r_hand"):
            assert math.dist(joints[start], joints[end]) == pytest.approx(LENGTHS[segment])


def test_front_view_puts_the_figures_left_on_the_page_right() -> None:
    frame = next(iter(load_library()["neutral_standing"].frames))
    joints = solve(frame, View.FRONT)
    assert joints["l_shoulder"][0] > joints["r_shoulder"][0]
    assert joints["l_hip"][0] > joints["r_hip"][0]


def test_frames_inherit_from_the_frame_before_and_marks_do_not() -> None:
    text = _pose("""
[[poses.demo.frames]]
r_thigh = 40
marks = [{ type = "arrow", x0 = 1, y0 = 1, x1 = 5, y1 = 5 }]
[[poses.demo.frames]]
l_thigh = 20
""")
    first, second = load_poses({"p.toml": text})["demo"].frames
    assert second.angles["r_thigh"] == 40 and second.angles["l_thigh"] == 20
    assert first.marks and not second.marks


def test_tween_goes_the_short_way_round() -> None:
    a, b = load_library()["neutral_standing"].frames
    a = a.__class__(**{**a.__dict__, "angles": {**a.angles, "head": 170.0}})
    b = b.__class__(**{**b.__dict__, "angles": {**b.angles, "head": -170.0}})
    assert abs(tween(a, b, 0.5).angles["head"]) == pytest.approx(180)
    assert tween(a, b, 0.0).angles["l_upper_arm"] == pytest.approx(a.angles["l_upper_arm"])


@pytest.mark.parametrize(("body", "expected"), [
    ("[[poses.demo.frames]]\nl_elbo = 10\n[[poses.demo.frames]]\n",
     "pose 'demo' frame 1: unknown joint 'l_elbo'"),
    ("[[poses.demo.frames]]\n",
     "pose 'demo': field 'frames': needs 2–4 keyframes"),
    ("frames = []\n", "pose 'demo': field 'frames': needs 2–4 keyframes"),
    ("[[poses.demo.frames]]\n[[poses.demo.frames]]\nr_shin = 200\n",
     "pose 'demo' frame 2: field 'r_shin': 200 is out of range (-180..180)"),
    ("[[poses.demo.frames]]\nhold_ms = 5\n[[poses.demo.frames]]\n",
     "pose 'demo' frame 1: field 'hold_ms': 5 is out of range"),
    ("props = [{ type = \"sofa\" }]\n[[poses.demo.frames]]\n[[poses.demo.frames]]\n",
     "pose 'demo' props[0]: field 'type': unknown prop 'sofa'"),
    ("props = [{ type = \"chair\", x = 3 }]\n[[poses.demo.frames]]\n[[poses.demo.frames]]\n",
     "pose 'demo' props[0]: field 'y': a chair needs it"),
    ("[[poses.demo.frames]]\nmarks = [{ type = \"glow\", at = \"elbow\" }]\n"
     "[[poses.demo.frames]]\n",
     "pose 'demo' frame 1 marks[0]: field 'at': unknown joint 'elbow'"),
    ("[[poses.demo.frames]]\nhighlight = [\"tail\"]\n[[poses.demo.frames]]\n",
     "pose 'demo' frame 1: field 'highlight': unknown joint 'tail'"),
    ("colour = 3\n[[poses.demo.frames]]\n[[poses.demo.frames]]\n",
     "pose 'demo': unknown field 'colour'"),
])
def test_bad_pose_data_names_the_file_pose_and_field(body: str, expected: str) -> None:
    with pytest.raises(PoseError) as err:
        load_poses({"mine.toml": _pose(body)})
    assert str(err.value).startswith(f"mine.toml: {expected}")
    assert "\n" not in str(err.value)


def test_unknown_base_and_missing_angles_are_named() -> None:
    text = BASES + '[poses.demo]\nbase = "sit"\n[[poses.demo.frames]]\n[[poses.demo.frames]]\n'
    with pytest.raises(PoseError, match="pose 'demo': field 'base': unknown base 'sit'"):
        load_poses({"p.toml": text})
    text = "[poses.demo]\n[[poses.demo.frames]]\nneck = 10\n[[poses.demo.frames]]\n"
    with pytest.raises(PoseError, match="pose 'demo' frame 1: no angle for head, l_foot"):
        load_poses({"p.toml": text})


def test_broken_toml_and_duplicate_poses_are_named() -> None:
    with pytest.raises(PoseError, match=r"bad\.toml: not valid TOML"):
        load_poses({"bad.toml": "[poses.x\n"})
    good = _pose("[[poses.demo.frames]]\n[[poses.demo.frames]]\n")
    again = '[poses.demo]\nbase = "stand"\n[[poses.demo.frames]]\n[[poses.demo.frames]]\n'
    with pytest.raises(PoseError, match=r"b\.toml: pose 'demo' is defined twice"):
        load_poses({"a.toml": good, "b.toml": again})
