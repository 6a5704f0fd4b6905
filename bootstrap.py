"""Set up the project and run it: ``python3 bootstrap.py setup|build|test [ARGS...]``.

Creates ``.venv/`` when missing, installs the project with its test extras
when ``pyproject.toml`` changed since the last install, makes sure a Java
runtime exists for EPUBCheck and the W3C Nu checker and biber for the
bibliography tests (tests only), citeproc-js (the npm package the citation
tests compare against) is installed (set-up and tests only), and Chromium,
chromedriver, axe-core and DAISY Ace for the browser and EPUB accessibility
tests (tests only), then runs the build or the tests (in two pytest-xdist
workers on a machine with two CPUs or more).
Needs only Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".installed"


def ensure_venv() -> None:
    if not PYTHON.exists():
        print("creating .venv/", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    print("installing the project into .venv/ ...", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(digest)


def _apt_install(packages: list[str], why: str) -> None:
    """Install Debian packages (as root, else through sudo)."""
    apt = shutil.which("apt-get")
    if apt is None:
        sys.exit(f"{why} needs {', '.join(packages)}: install them")
    print(f"installing Debian's {' '.join(packages)} for {why} ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, apt, "-qq", "update"], check=True, env=env)
    subprocess.run([*sudo, apt, "-qq", "install", "-y", "--no-install-recommends", *packages],
                   check=True, env=env)


def ensure_java() -> None:
    """EPUBCheck runs on Java; install Debian's headless runtime when there is none."""
    if not shutil.which("java"):
        _apt_install(["default-jre-headless"], "EPUBCheck")


def ensure_biber() -> None:
    """biber, biblatex's own reader: the bibliography tests compare what the project reads
    with what it reads."""
    if not shutil.which("biber"):
        _apt_install(["biber"], "the bibliography tests")


def _npm_ci(folder: Path, what: str, scripts: bool = True) -> None:
    """``npm ci`` in ``folder`` when its package-lock.json changed since the last one.

    ``scripts=False`` skips install scripts (a browser download that would fail offline).
    """
    lock = folder / "package-lock.json"
    stamp = folder / "node_modules" / ".installed"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == digest and shutil.which("node"):
        return
    if not (shutil.which("node") and shutil.which("npm")):
        _apt_install(["nodejs", "npm"], what)
    print(f"installing {what} into {folder.relative_to(ROOT)}/ ...", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error",
                    *([] if scripts else ["--ignore-scripts"])], cwd=folder, check=True)
    stamp.write_text(digest)


def ensure_browser() -> None:
    """The browser tests drive Debian's Chromium through chromedriver and inject axe-core."""
    missing = [pkg for pkg, exe in (("chromium", "chromium"), ("chromium-driver", "chromedriver"))
               if not shutil.which(exe)]
    if missing:
        _apt_install(missing, "the browser tests")
    _npm_ci(ROOT / "tests" / "browser", "axe-core")
    # DAISY Ace runs axe-core on EPUBs through puppeteer, given Debian's Chromium.
    _npm_ci(ROOT / "tests" / "ace", "DAISY Ace", scripts=False)


def ensure_harfbuzz_subset() -> None:
    """WeasyPrint subsets fonts with HarfBuzz's subsetter (and warns without it, as future
    versions will require it): install Debian's libharfbuzz-subset0 when it is missing."""
    import ctypes.util

    if ctypes.util.find_library("harfbuzz-subset"):
        return
    apt = shutil.which("apt-get")
    if apt is None:
        print("note: libharfbuzz-subset is missing; WeasyPrint falls back to fontTools "
              "(install HarfBuzz's subset library with the system's package manager)",
              file=sys.stderr)
        return
    print("installing Debian's libharfbuzz-subset0 for WeasyPrint ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, apt, "-qq", "update"], check=True, env=env)
    subprocess.run([*sudo, apt, "-qq", "install", "-y", "--no-install-recommends",
                    "libharfbuzz-subset0"], check=True, env=env)


NODE_PROJECT = ROOT / "tests" / "citeproc-js"


def ensure_citeproc_js() -> None:
    """citeproc-js, the reference CSL processor the citation tests compare against.

    Installed from the npm registry with the versions pinned in
    ``tests/citeproc-js/package-lock.json``; Debian's Node.js when there is none.
    """
    _npm_ci(NODE_PROJECT, "citeproc-js")


def main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    if not argv or argv[0] not in ("build", "test", "setup"):
        given = f"unknown command '{argv[0]}'; " if argv else ""
        print(f"usage: python3 bootstrap.py setup|build|test [ARGS...]\n{given}setup "
              "sets up .venv/, build builds every handout into dist/, test runs the tests "
              "(--help says more)", file=sys.stderr)
        return 2
    ensure_venv()
    ensure_harfbuzz_subset()
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "setup":
        ensure_citeproc_js()
        return 0
    if command == "build":
        return subprocess.call([str(PYTHON), "-m", "pipeline", "build", *rest])
    ensure_java()
    ensure_biber()
    ensure_citeproc_js()
    ensure_browser()
    return subprocess.call([str(PYTHON), "-m", "pytest", *parallel(rest), *rest])


def parallel(args: list[str]) -> list[str]:
    """pytest-xdist's options: a worker per CPU (two at most), whole modules to each.

    Many tests wait on a child (pandoc, node, java, Chromium, a worker pool), so
    two workers use two CPUs where one pytest left one idle.  Each module runs
    in one worker, so that what it builds once is built once.  ``-n 0`` (or
    ``-p no:xdist``) runs the tests in this process, one after another.
    """
    given = any(a in ("-n", "--numprocesses", "no:xdist") or a.startswith(("-n", "--numprocesses="))
                for a in args)
    workers = min(len(os.sched_getaffinity(0)), 2)
    return [] if given or workers < 2 else ["-n", str(workers), "--dist", "loadfile"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
