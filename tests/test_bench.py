"""The benchmark measures what it says: a cold build renders everything, also in a --work
folder an earlier run left behind."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import ROOT


@pytest.mark.slow
def test_a_cold_build_in_a_work_folder_used_before_renders_every_output(tmp_path):
    cold = []
    for run in ("first", "again"):
        results = tmp_path / run
        proc = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--n", "2", "--stub-cold",
             "--format", "epub", "--skip", "alternative", "--skip", "floor", "--skip", "dask",
             "--work", str(tmp_path / "work"), "--results", str(results)],
            capture_output=True, text=True, check=False, timeout=300)
        assert proc.returncode == 0, proc.stderr
        report = json.loads(next(results.glob("*.json")).read_text())
        cold.append(report["results"]["cold"]["extra"]["built"])
    assert cold == [2, 2]
