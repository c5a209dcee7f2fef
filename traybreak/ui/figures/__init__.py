"""Exercise figures: the pose library as data and its kinematics (poses, pose_schema; pure
Python), their Pillow drawing (draw, props; the only Pillow drawing of figures) and the drawn
figures kept on disk for the prompt window (cache).

May import core, errors and the built-in pose data; never config, store, app or cli.
"""
