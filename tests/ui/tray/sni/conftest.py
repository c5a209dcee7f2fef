"""pystray picks a backend when first imported (xorg needs a display): import it the way the app
does for the SNI backend, which needs none, so these tests can use its Menu and MenuItem."""

from __future__ import annotations

import pytest

from traybreak.ui.tray.icon import load_pystray

with pytest.MonkeyPatch.context() as _env:
    _env.setenv("PYSTRAY_BACKEND", "sni")
    load_pystray()
