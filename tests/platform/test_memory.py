"""platform/memory.py: the heap pages start-up freed go back to the OS."""

from __future__ import annotations

import subprocess
import sys

import pytest

from traybreak.platform.memory import give_back_freed_memory

CHILD = """
import re, sys
from traybreak.platform.memory import give_back_freed_memory
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
# Garbage as start-up leaves it: many mid-sized blocks (C heap, not Python's arenas), most
# freed, a few kept alive in between so that the freed pages are not at the heap's top.
blocks = [bytearray(4000) for _ in range(20000)]
kept = blocks[::50]
del blocks
before = rss()
asked = give_back_freed_memory()
print(asked, before - rss())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim: Linux")
def test_freed_heap_pages_go_back_to_the_os() -> None:
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                         check=True).stdout.split()
    asked, saved_kb = out[0] == "True", int(out[1])
    assert asked
    assert saved_kb > 20_000, f"only {saved_kb} KB given back of ~78 MB freed"


def test_elsewhere_it_says_it_could_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert give_back_freed_memory() is False
