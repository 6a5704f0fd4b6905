"""Shared fixtures: the example handouts built once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import EPOCH, ROOT

from pipeline.build import BuildOptions, build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ of the example manuscripts, built with a fixed SOURCE_DATE_EPOCH."""
    out = tmp_path_factory.mktemp("dist")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        report = build([ROOT / "manuscripts"], BuildOptions(out=out, use_cache=False, jobs=2))
    finally:
        mp.undo()
    assert report.ok, [str(p) for p in report.problems] + report.internal_errors
    return out


@pytest.fixture(scope="session")
def manifest(built: Path) -> dict:
    return json.loads((built / "manifest.json").read_text())
