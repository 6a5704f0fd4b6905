"""Set up the project and run it: ``python3 bootstrap.py build|test [ARGS...]``.

Creates ``.venv/`` when missing, installs the project with its test extras
when ``pyproject.toml`` changed since the last install, makes sure a Java
runtime exists for EPUBCheck and citeproc-js (the npm package the citation
tests compare against) is installed (set-up and tests only), then runs the build or the tests.
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


def ensure_java() -> None:
    """EPUBCheck runs on Java; install Debian's headless runtime when there is none."""
    if shutil.which("java"):
        return
    apt = shutil.which("apt-get")
    if apt is None:
        sys.exit("EPUBCheck needs Java: install a Java runtime (java on PATH)")
    print("installing Debian's default-jre-headless for EPUBCheck ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, apt, "-qq", "update"], check=True, env=env)
    subprocess.run([*sudo, apt, "-qq", "install", "-y", "--no-install-recommends",
                    "default-jre-headless"], check=True, env=env)


NODE_PROJECT = ROOT / "tests" / "citeproc-js"


def ensure_citeproc_js() -> None:
    """citeproc-js, the reference CSL processor the citation tests compare against.

    Installed from the npm registry with the versions pinned in
    ``tests/citeproc-js/package-lock.json``; Debian's Node.js when there is none.
    """
    lock = NODE_PROJECT / "package-lock.json"
    stamp = NODE_PROJECT / "node_modules" / ".installed"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == digest and shutil.which("node"):
        return
    if not (shutil.which("node") and shutil.which("npm")):
        apt = shutil.which("apt-get")
        if apt is None:
            sys.exit("the citation tests need Node.js: install node and npm")
        print("installing Debian's nodejs and npm for citeproc-js ...", flush=True)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*sudo, apt, "-qq", "update"], check=True, env=env)
        subprocess.run([*sudo, apt, "-qq", "install", "-y", "--no-install-recommends",
                        "nodejs", "npm"], check=True, env=env)
    print("installing citeproc-js into tests/citeproc-js/ ...", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=NODE_PROJECT, check=True)
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("build", "test", "setup"):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    ensure_venv()
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "setup":
        ensure_citeproc_js()
        return 0
    if command == "build":
        return subprocess.call([str(PYTHON), "-m", "pipeline", "build", *rest])
    ensure_java()
    ensure_citeproc_js()
    return subprocess.call([str(PYTHON), "-m", "pytest", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
