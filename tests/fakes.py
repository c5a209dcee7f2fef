"""Hand-written fakes and sample data shared by the tests (import as `from fakes import ...`)."""

from __future__ import annotations

from datetime import timedelta

from traybreak.core.model import Dosage, Exercise, Kind, Setting

# --- sample_exercises: the built-in manifest as Exercise objects (owner: rotation/stats tests) ---

# id, kind, setting, targets (space-separated), counters, as in the exercise manifest.
_SAMPLE_ROWS = (
    ("seated_hip_flexor_stretch", "stretch", "seated", "hip_flexors", "front_hip"),
    ("standing_hip_flexor_lunge", "stretch", "standing", "hip_flexors", "front_hip"),
    ("seated_hamstring_stretch", "stretch", "seated", "hamstrings", "back_of_legs"),
    ("standing_hamstring_stretch", "stretch", "standing", "hamstrings", "back_of_legs"),
    ("seated_figure_four", "stretch", "seated", "piriformis", "side_of_hip"),
    ("standing_figure_four", "stretch", "standing", "piriformis", "side_of_hip"),
    ("doorway_chest_stretch", "stretch", "standing", "chest", "rounded_shoulders"),
    ("seated_chest_opener", "stretch", "seated", "chest", "rounded_shoulders"),
    ("upper_trap_stretch", "stretch", "seated", "upper_traps neck", "forward_head"),
    ("levator_scapulae_stretch", "stretch", "seated", "upper_traps", "forward_head"),
    ("seated_neck_rotation", "stretch", "seated", "neck", "forward_head"),
    ("desk_lat_stretch", "stretch", "standing", "lats", "rounded_shoulders"),
    ("standing_side_reach", "stretch", "standing", "lats quadratus_lumborum", "side_of_hip"),
    ("seated_side_bend", "stretch", "seated", "quadratus_lumborum", "side_of_hip"),
    ("standing_calf_stretch", "stretch", "standing", "calves", "back_of_legs"),
    ("wrist_flexor_stretch", "stretch", "seated", "wrist_flexors", "forearms"),
    ("seated_thoracic_extension", "stretch", "seated", "thoracic_spine", "stiff_upper_back"),
    ("seated_thoracic_rotation", "stretch", "seated", "thoracic_spine", "stiff_upper_back"),
    ("standing_cat_cow", "stretch", "standing", "thoracic_spine spinal_erectors",
     "stiff_upper_back"),
    ("seated_glute_squeeze", "strengthen", "seated", "glute_max", "front_hip"),
    ("sit_to_stand", "strengthen", "standing", "glute_max", "back_of_legs"),
    ("glute_bridge", "strengthen", "floor", "glute_max", "front_hip"),
    ("standing_hip_abduction", "strengthen", "standing", "glute_med", "side_of_hip"),
    ("clamshell", "strengthen", "floor", "glute_med", "side_of_hip"),
    ("standing_hip_hike", "strengthen", "standing", "glute_med obliques", "side_of_hip"),
    ("seated_core_brace", "strengthen", "seated", "deep_core", "front_hip"),
    ("seated_march", "strengthen", "seated", "deep_core", "front_hip"),
    ("dead_bug", "strengthen", "floor", "deep_core", "front_hip"),
    ("wall_side_plank", "strengthen", "standing", "obliques", "side_of_hip"),
    ("scapular_squeeze", "strengthen", "seated", "rhomboids", "rounded_shoulders"),
    ("band_pull_apart", "strengthen", "standing", "rhomboids lower_traps", "rounded_shoulders"),
    ("wall_angel", "strengthen", "standing", "lower_traps", "rounded_shoulders"),
    ("standing_y_raise", "strengthen", "standing", "lower_traps", "forward_head"),
    ("chin_tuck", "strengthen", "seated", "deep_neck_flexors", "forward_head"),
    ("wall_chin_tuck", "strengthen", "standing", "deep_neck_flexors", "forward_head"),
    ("bird_dog", "strengthen", "floor", "spinal_erectors deep_core", "back_of_legs"),
    ("standing_hip_hinge", "strengthen", "standing", "spinal_erectors glute_max", "back_of_legs"),
    ("seated_back_extension", "strengthen", "seated", "spinal_erectors", "stiff_upper_back"),
    ("wrist_extensor_lift", "strengthen", "seated", "wrist_extensors", "forearms"),
    ("box_breathing", "relax", "seated", "breathing", "stress"),
    ("long_exhale_breathing", "relax", "seated", "breathing", "stress"),
    ("belly_breathing", "relax", "seated", "breathing", "stress"),
    ("shoulder_drop", "relax", "seated", "whole_body upper_traps", "stress"),
    ("progressive_relaxation", "relax", "seated", "whole_body", "stress"),
    ("body_scan", "relax", "seated", "whole_body", "stress"),
    ("eye_distance_rest", "relax", "seated", "eyes", "stress"),
    ("eye_palming", "relax", "seated", "eyes", "stress"),
    ("daily_wind_down", "relax", "seated", "breathing whole_body", "stress"),)


def sample_exercises() -> tuple[Exercise, ...]:
    """The manifest's built-in exercises as plain Exercise values, independent of the TOML pack.

    Only id, kind, setting, targets and counters carry meaning; the card text is filler.
    """
    return tuple(
        Exercise(
            id=ident, name=ident.replace("_", " ").capitalize(), kind=Kind(kind),
            targets=tuple(targets.split()), counters=counters, setting=Setting(setting),
            steps=("Do it gently.",), dosage=Dosage(hold_s=30), duration=timedelta(seconds=30),
            cautions=("Stop if it hurts.",), why="Sample.",
        )
        for ident, kind, setting, targets, counters in _SAMPLE_ROWS
    )
