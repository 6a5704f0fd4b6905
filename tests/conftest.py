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


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A separate virtual environment with the project installed from a copy, not editable.

    Its dependencies are this environment's (a path entry, so nothing is
    downloaded); the package and its styles are the installed copy only.
    """
    import shutil
    import subprocess
    import sys
    import sysconfig

    base = tmp_path_factory.mktemp("installed")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "pipeline", "styles"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name)  # type: ignore[operator]
    env = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(python), "-c", purelib], capture_output=True, text=True,
                          check=True)
    Path(site.stdout.strip(), "dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--disable-pip-version-check", f"{source}[distributed]"],
                   check=True, capture_output=True, cwd=base)
    shutil.rmtree(source)  # nothing of a checkout is left
    return python
