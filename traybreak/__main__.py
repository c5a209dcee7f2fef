"""Entry point for ``python -m traybreak`` (also how the tray launches its window processes)."""

import sys

from traybreak.cli import main

sys.exit(main())
