"""Tasks for the handout pipeline (``invoke --list``).

Each task is a thin wrapper over ``python -m pipeline`` or the test suite.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from invoke import Context, Exit, task

ROOT = Path(__file__).resolve().parent
PY = sys.executable


def _run(c: Context, command: str) -> None:
    result = c.run(command, warn=True, pty=sys.stdout.isatty())
    if result is None or not result.ok:
        raise Exit(f"failed: {command}", code=result.exited if result else 1)


@task(help={"paths": "manuscript files or folders (default: manuscripts/)",
            "out": "output folder (default: dist/)", "jobs": "worker processes (default: CPUs)",
            "paper": "a4 or letter", "strict": "treat warnings as errors",
            "no_cache": "render everything again"})
def build(c, paths="", out="dist", jobs=0, paper="a4", strict=False, no_cache=False):
    """Build every handout (PDF + EPUB per audience) and dist/manifest.json."""
    args = [paths] if paths else []
    args += ["--out", out, "--paper", paper]
    if jobs:
        args += ["--jobs", str(jobs)]
    if strict:
        args.append("--strict")
    if no_cache:
        args.append("--no-cache")
    _run(c, f"{PY} -m pipeline build {' '.join(args)}")


@task(help={"paths": "manuscript files or folders (default: manuscripts/)",
            "strict": "treat warnings as errors"})
def check(c, paths="", strict=False):
    """Validate manuscripts, bibliographies and styles without rendering."""
    _run(c, f"{PY} -m pipeline check {paths} {'--strict' if strict else ''}")


@task(help={"paths": "manuscript files or folders (default: manuscripts/)",
            "out": "output folder (default: dist/); the release goes to OUT/release/<id>/",
            "distribution": "which clinic receives which handouts (default: distribution.yaml)",
            "skip_refused": "release the others when a manuscript is refused",
            "jobs": "worker processes (default: CPUs)"})
def release(c, paths="", out="dist", distribution="distribution.yaml", skip_refused=False,
            jobs=0):
    """Build the approved handouts to send to clinics: checksums and one zip per clinic."""
    args = [paths] if paths else []
    args += ["--out", out]
    if distribution:
        args += ["--distribution", distribution]
    if skip_refused:
        args.append("--skip-refused")
    if jobs:
        args += ["--jobs", str(jobs)]
    _run(c, f"{PY} -m pipeline release {' '.join(args)}")


@task(help={"k": "only tests matching this expression"})
def test(c, k=""):
    """Run the test suite."""
    _run(c, f"{PY} -m pytest -q {'-k ' + repr(k) if k else ''}")


@task(help={"out": "write the images here instead of tests/golden/ (to compare first)"})
def update_golden(c, out=""):
    """Render the first page of each example again and refresh the visual check's images."""
    folder = Path(out).resolve() if out else ROOT / "tests" / "golden"
    _run(c, f"HANDOUT_UPDATE_GOLDEN=1 HANDOUT_GOLDEN_DIR={shlex.quote(str(folder))} "
            f"{PY} -m pytest -q tests/test_visual.py")
    print(f"wrote {folder}/: look at the images before committing them")


@task
def lint(c):
    """Check the code with ruff."""
    _run(c, f"{PY} -m ruff check pipeline tests tasks.py benchmarks")


@task
def clean(c):
    """Remove dist/ and the render cache (.cache/, and $HANDOUT_CACHE_DIR when set)."""
    folders = [ROOT / "dist", ROOT / ".cache"]
    if os.environ.get("HANDOUT_CACHE_DIR"):
        folders.append(Path(os.environ["HANDOUT_CACHE_DIR"]))
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
        shown = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
        print(f"removed {shown}/")
