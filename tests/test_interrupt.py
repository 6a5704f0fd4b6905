"""Ctrl-C during a parallel build: a prompt, quiet exit that leaves no workers behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, interruptible


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False).stdout
    return [int(p) for p in out.split()]


def test_ctrl_c_stops_the_workers_and_exits_130(tmp_path):
    env = {**os.environ, "HANDOUT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--jobs", "2", "--no-cache",
         "--out", str(tmp_path / "out")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=interruptible)  # noqa: PLW1509 - only resets a signal disposition
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # until the workers are rendering
    workers = _children(proc.pid)
    assert workers, "the pool never started"
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err and err.strip().endswith("interrupted")
    for pid in workers:
        stat = Path(f"/proc/{pid}/stat")
        assert not stat.exists() or stat.read_text().split()[2] == "Z"  # gone or reaped
    leftovers = [p.name for p in (tmp_path / "out").glob("*") if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.slow
def test_a_build_killed_outright_leaves_no_worker_behind(tmp_path):
    """SIGKILL (a cancelled CI job, the system out of memory) gives the build no say: its
    workers and their resident pandoc end by themselves."""
    env = {**os.environ, "HANDOUT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--jobs", "2", "--no-cache",
         "--out", str(tmp_path / "out")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = _children(proc.pid)
    assert workers, "the pool never started"
    time.sleep(0.5)
    started = [pid for worker in workers for pid in (worker, *_children(worker))]
    proc.kill()
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10

    def alive() -> list[int]:
        return [pid for pid in started if Path(f"/proc/{pid}/stat").exists()
                and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"]

    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    left = alive()
    for pid in left:  # not to leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == []
