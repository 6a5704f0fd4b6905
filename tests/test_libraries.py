"""WeasyPrint imported without searching for its libraries loads the very same libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: counts the processes started while WeasyPrint is imported
# and lists the system's shared libraries then mapped (Python's own modules left out).
PROBE = """
import json, subprocess, sys
started = []
original = subprocess.Popen.__init__
def counting(self, args, *rest, **kw):
    started.append(args if isinstance(args, str) else list(map(str, args)))
    original(self, args, *rest, **kw)
subprocess.Popen.__init__ = counting
if sys.argv[1] == "pipeline":
    from pipeline.formats.libraries import import_weasyprint
    import_weasyprint()
else:
    import weasyprint
from weasyprint.text import ffi
maps = open("/proc/self/maps").read().split("\\n")
libraries = sorted({line.split()[-1] for line in maps if ".so" in line
                    and "python" not in line and "site-packages" not in line})
print(json.dumps({"started": started, "libraries": libraries,
                  "subset": ffi.harfbuzz_subset is not None}))
"""


def probe(how: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, how], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search is skipped on Linux")
def test_same_libraries_without_searching():
    plain, quick = probe("weasyprint"), probe("pipeline")
    # WeasyPrint alone asks ldconfig (and more) for its libraries' first names
    assert any("ldconfig" in " ".join(args) for args in plain["started"])
    assert quick["started"] == []
    assert quick["libraries"] == plain["libraries"]
    assert any("libpango-1.0.so" in lib for lib in quick["libraries"])
    assert quick["subset"] == plain["subset"]


def test_search_restored_afterwards():
    import ctypes.util

    from pipeline.formats.libraries import no_library_search

    search = ctypes.util.find_library
    with no_library_search():
        assert ctypes.util.find_library("c") is None
    assert ctypes.util.find_library is search
    assert ctypes.util.find_library("c") is not None
