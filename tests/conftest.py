"""Shared fixtures: the example handouts built once per test run.

With pytest-xdist (``-n 2``) the session fixtures that build something are
built once for all workers: the first worker to need one builds it in the
workers' common temporary folder while holding a lock, the others wait and
reuse it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ROOT, build_fixed

# The modules that cost the most CPU, in seconds (benchmarks/suite_cpu.py, whole suite),
# run first and costliest first; the others follow in file order.  Under pytest-xdist each
# module runs whole in one worker: a costly module started near the end (xdist's own order
# is by number of tests, so a module of two slow tests came last) keeps one worker busy
# long after the other has run out of work.
COSTLIEST: dict[str, float] = {
    "test_all_styles.py": 330, "test_dask.py": 140, "test_citeproc_styles.py": 138,
    "test_citeproc_styles_languages.py": 100, "test_browser.py": 83, "test_time_limit.py": 46,
    "test_preview.py": 35, "test_tasks.py": 28, "test_cache.py": 23, "test_csl_suite.py": 20,
    "test_hostile.py": 19, "test_atomic.py": 18, "test_citeproc_kinds.py": 18,
    "test_math.py": 17, "test_ace.py": 16, "test_single.py": 13, "test_fuzz.py": 13,
    "test_reproducible.py": 13, "test_dialects.py": 12, "test_narrative_citations.py": 12,
    "test_reference_readers.py": 11, "test_bad_input.py": 11,
}


def pytest_configure(config: pytest.Config) -> None:
    """pytest-xdist hands out the modules in the order below, not by their number of tests."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The costliest modules first (a stable sort: each module's tests keep their order)."""
    items.sort(key=lambda item: -COSTLIEST.get(item.path.name, 0.0))


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """The collector set aside once the tests are collected, as ``python -m pipeline`` does
    once its modules are loaded (``jobs.settle_collector``).

    Else the first in-process build settles it, after the costliest modules: until then
    each full collection walked every module and collected test (about 6% of the CPU of
    the citation comparisons, which run first).  What the tests assert is unchanged:
    collection order reaches no output.
    """
    from pipeline.jobs import settle_collector

    settle_collector()


def once_per_run(factory: pytest.TempPathFactory, name: str,
                 make: Callable[[Path], object]) -> Path:
    """A folder ``make`` filled once per test run, shared by every pytest-xdist worker."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = factory.mktemp(name)
        make(folder)
        return folder
    common = factory.getbasetemp().parent  # each worker's basetemp is a folder in it
    folder, done = common / name, common / f"{name}.done"
    with open(common / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed at it left it
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def render_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A render cache, empty at first, that later builds of the examples may reuse."""
    return once_per_run(tmp_path_factory, "render-cache", lambda folder: None)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, render_cache: Path) -> Path:
    """dist/ of the example manuscripts, built with a fixed SOURCE_DATE_EPOCH."""
    return once_per_run(tmp_path_factory, "dist", lambda folder: build_fixed(
        [ROOT / "manuscripts"], folder, use_cache=True, cache_dir=render_cache, jobs=2))


@pytest.fixture(scope="session")
def manifest(built: Path) -> dict:
    return json.loads((built / "manifest.json").read_text())


@pytest.fixture(scope="session")
def dosing_card(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ of the dosing card fixture: a long table with <br> in its cells."""
    def make(work: Path) -> None:
        source = ROOT / "tests" / "fixtures" / "constructs"
        (work / "src").mkdir()
        for name in ("dosing-card.md", "constructs.bib"):
            shutil.copy(source / name, work / "src" / name)
        build_fixed([work / "src"], work / "dist")

    return once_per_run(tmp_path_factory, "dosing-card", make) / "dist"


@pytest.fixture(scope="session")
def constructs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ of the constructs fixture (every block of the handout format), built once."""
    def make(work: Path) -> None:
        shutil.copytree(ROOT / "tests" / "fixtures" / "constructs", work / "src",
                        ignore=shutil.ignore_patterns("dosing-card.md"))  # see dosing_card
        build_fixed([work / "src"], work / "dist")

    return once_per_run(tmp_path_factory, "constructs", make) / "dist"


@pytest.fixture(scope="session")
def formulas_and_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The formula and code fixtures (tests/fixtures/math, tests/fixtures/code), built once."""
    fixtures = ROOT / "tests" / "fixtures"
    return once_per_run(tmp_path_factory, "formulas-and-code", lambda folder: build_fixed(
        [fixtures / "math" / "formulas.md", fixtures / "code" / "code.md"], folder, jobs=2))


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A separate virtual environment with the project installed from a copy, not editable.

    Its dependencies are this environment's (a path entry, so nothing is
    downloaded); the package and its styles are the installed copy only.
    """
    import subprocess
    import sys
    import sysconfig

    def make(base: Path) -> None:
        source = base / "source"
        source.mkdir()
        for name in ("pyproject.toml", "README.md", "pipeline", "styles"):
            copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
            copy(ROOT / name, source / name)  # type: ignore[operator]
        env = base / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
        purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        site = subprocess.run([str(env / "bin" / "python"), "-c", purelib], capture_output=True,
                              text=True, check=True)
        Path(site.stdout.strip(), "dependencies.pth").write_text(
            sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
        subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
                        f"{source}[distributed]"], check=True, capture_output=True, cwd=base)
        shutil.rmtree(source)  # nothing of a checkout is left

    return once_per_run(tmp_path_factory, "installed", make) / "venv" / "bin" / "python"
