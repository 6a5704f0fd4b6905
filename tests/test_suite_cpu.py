"""The suite's CPU report charges each CPU second of a child once.

A child kept for a module (a JVM, a browser, a worker pool) is counted while it
runs; when a tear-down stops it, it is reaped with its whole life's CPU, which
must not be charged a second time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import ROOT

BURN = 0.8  # CPU seconds the kept child spends, then it waits to be stopped

MODULE = f'''
import subprocess, sys, time

import psutil
import pytest

CHILD = ("import time\\n"
         "end = time.process_time() + {BURN}\\n"
         "while time.process_time() < end: pass\\n"
         "print('done', flush=True)\\n"
         "time.sleep(600)\\n")


@pytest.fixture(scope="module")
def kept(tmp_path_factory):
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    yield child
    times = psutil.Process(child.pid).cpu_times()
    (tmp_path_factory.getbasetemp() / "child-cpu").write_text(str(times.user + times.system))
    child.kill()
    child.wait()


def test_the_child_works(kept):
    assert kept.stdout.readline() == "done\\n"


def test_the_last_test_stops_it(kept):
    pass
'''


def test_a_child_kept_for_a_module_is_charged_its_cpu_once(tmp_path):
    (tmp_path / "test_kept.py").write_text(MODULE, encoding="utf-8")
    out = tmp_path / "suite-cpu.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "benchmarks"), "SUITE_CPU_OUT": str(out)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "suite_cpu", "-p", "no:xdist", "-p",
         "no:cacheprovider", "-q", "--basetemp", str(tmp_path / "base"), "test_kept.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    spent = float((tmp_path / "base" / "child-cpu").read_text())
    assert spent >= BURN
    rows = json.loads(out.read_text())["tests"]
    charged = {test.split("::")[1]: children for test, _own, children, _wall in rows}
    assert abs(charged["test_the_child_works"] - spent) < 0.25, charged
    assert charged["test_the_last_test_stops_it"] < 0.25, charged  # was charged it again
