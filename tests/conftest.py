"""Shared fixtures: the example handouts built once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import ROOT, build_fixed


@pytest.fixture(scope="session")
def render_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A render cache, empty at first, that later builds of the examples may reuse."""
    return tmp_path_factory.mktemp("render-cache")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, render_cache: Path) -> Path:
    """dist/ of the example manuscripts, built with a fixed SOURCE_DATE_EPOCH."""
    return build_fixed([ROOT / "manuscripts"], tmp_path_factory.mktemp("dist"),
                       use_cache=True, cache_dir=render_cache, jobs=2)


@pytest.fixture(scope="session")
def manifest(built: Path) -> dict:
    return json.loads((built / "manifest.json").read_text())


@pytest.fixture(scope="session")
def dosing_card(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ of the dosing card fixture: a long table with <br> in its cells."""
    import shutil

    work = tmp_path_factory.mktemp("dosing-card")
    source = ROOT / "tests" / "fixtures" / "constructs"
    (work / "src").mkdir()
    for name in ("dosing-card.md", "constructs.bib"):
        shutil.copy(source / name, work / "src" / name)
    return build_fixed([work / "src"], work / "dist")


@pytest.fixture(scope="session")
def formulas_and_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The formula and code fixtures (tests/fixtures/math, tests/fixtures/code), built once."""
    fixtures = ROOT / "tests" / "fixtures"
    return build_fixed([fixtures / "math" / "formulas.md", fixtures / "code" / "code.md"],
                       tmp_path_factory.mktemp("formulas-and-code"), jobs=2)
