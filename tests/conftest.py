"""Shared fixtures: the example handouts built once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import EPOCH, ROOT

from pipeline.build import BuildOptions, build


@pytest.fixture(scope="session")
def render_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A render cache, empty at first, that later builds of the examples may reuse."""
    return tmp_path_factory.mktemp("render-cache")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, render_cache: Path) -> Path:
    """dist/ of the example manuscripts, built with a fixed SOURCE_DATE_EPOCH."""
    out = tmp_path_factory.mktemp("dist")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        report = build([ROOT / "manuscripts"], BuildOptions(out=out, cache_dir=render_cache,
                                                            jobs=2))
    finally:
        mp.undo()
    assert report.ok, [str(p) for p in report.problems] + report.internal_errors
    return out


@pytest.fixture(scope="session")
def manifest(built: Path) -> dict:
    return json.loads((built / "manifest.json").read_text())
