"""The long-lived tray process: wiring (tray_app), the engine thread and its commands
(engine_thread), the hands that carry out the engine's actions (action_sink), what the tray
shows (tray_facts), the settings file it watches (config_file), the control socket
(control_socket, with control_limits, control_wire and control_client) and single-instance lock
(instance_lock) with the request vocabulary it speaks (requests), launching child windows
(child_windows, window_process, window_lifeline), wall-clock jobs (clock_jobs, the only
``schedule`` import), start-up checks and logging (startup), and the side effects passed in
(environment, with the clocks in clocks).

May import every lower layer: core, config, catalog, store, platform, ui, paths, errors. Nothing
below imports app; only cli (and ``__main__``) do. The tray process never imports tkinter.
"""
