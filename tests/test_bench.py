"""The benchmark measures what it says: a cold build renders everything, also in a --work
folder an earlier run left behind, and is compared with the floor over pairs measured in turn."""

from __future__ import annotations

import json
import statistics
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


@pytest.mark.slow
def test_the_cold_build_is_compared_with_the_floor_by_the_medians_of_pairs_measured_in_turn(
        tmp_path):
    results = tmp_path / "results"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--n", "1", "--repeat", "2",
         "--format", "epub", "--skip", "alternative", "--skip", "dask",
         "--work", str(tmp_path / "work"), "--results", str(results)],
        capture_output=True, text=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(next(results.glob("*.json")).read_text())
    pairs = report["cold_vs_floor"]
    assert pairs["repeat"] == 2
    assert [run["built"] for run in pairs["cold"]] == [1, 1]  # each from an empty cache
    assert [run["failures"] for run in pairs["cold"] + pairs["floor"]] == [0] * 4
    assert all(run["pages"] > 0 for run in pairs["floor"])
    assert pairs["cold"][0]["wall"] == report["results"]["cold"]["wall"]
    assert pairs["floor"][0]["wall"] == report["results"]["floor"]["wall"]
    cold = statistics.median(run["wall"] for run in pairs["cold"])
    floor = statistics.median(run["wall"] for run in pairs["floor"])
    assert report["ratios"]["cold_vs_floor"] == pairs["ratio"] == cold / floor
    table = next(results.glob("*.md")).read_text()
    assert "| cold within 1.2x of the floor (median of 2 cold builds / median of as many " \
           f"floors, measured in turn) | {cold / floor:.3f} |" in table
    rows = [line for line in table.splitlines() if line.startswith(("| 1 |", "| 2 |"))]
    assert [row.split(" | ")[1] for row in rows] == [
        f"{run['wall']:.2f}" for run in pairs["cold"]]
    assert f"| **median** | {cold:.2f} |" in table
