"""The test suite's CPU time, per test, fixture and module: a pytest plugin and its report.

The machine is shared, so wall time says little; CPU time does.  Each test
(with its fixtures' set-up and tear-down) is charged the CPU of the pytest
process, of the children it reaped meanwhile (pandoc, node, java, Chromium,
worker pools) and of the children still running (a JVM or browser kept for
the session), each CPU second once.

    PYTHONPATH=benchmarks .venv/bin/python -m pytest -p suite_cpu tests/test_x.py
    PYTHONPATH=benchmarks .venv/bin/python -m pytest -p suite_cpu -n 2 --dist loadfile tests
    .venv/bin/python benchmarks/suite_cpu.py report [suite-cpu.json] [--top N]

``SUITE_CPU_OUT`` names the file written (default ``suite-cpu.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import defaultdict
from typing import Any

import pytest

_ROWS: list[tuple[str, float, float, float]] = []  # (test id, own CPU, children's CPU, wall)
_FIXTURES: list[tuple[str, str, str, float, float]] = []  # (name, scope, test id, own, children)


def _sample() -> tuple[float, float, dict[int, float]]:
    """(own CPU, reaped children's CPU, each live descendant's CPU by process id)."""
    import psutil

    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    live = {}
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        live[child.pid] = times.user + times.system + times.children_user + times.children_system
    return (own.ru_utime + own.ru_stime, reaped.ru_utime + reaped.ru_stime, live)


def _spent(before: tuple, after: tuple) -> tuple[float, float]:
    """(own, children's) CPU between two samples.

    A child that ended between them is reaped with its whole life's CPU (into
    ``RUSAGE_CHILDREN``, or into a live parent's children's time), of which what
    it had spent by the first sample was counted live already: only the rest is
    new.  Counted twice, a JVM or worker pool kept for a module was charged
    again to the test whose tear-down stopped it.
    """
    live = sum(cpu - before[2].get(pid, 0.0) for pid, cpu in after[2].items())
    counted = sum(cpu for pid, cpu in before[2].items() if pid not in after[2])
    return after[0] - before[0], after[1] - before[1] + live - counted


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Charge a test the CPU of its set-up, call and tear-down."""
    before, start = _sample(), time.monotonic()
    yield
    own, children = _spent(before, _sample())
    _ROWS.append((item.nodeid, own, children, time.monotonic() - start))


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> Any:
    """Keep the fixtures whose set-up took more than half a second of CPU."""
    before = _sample()
    yield
    own, children = _spent(before, _sample())
    if own + children > 0.5:
        _FIXTURES.append((fixturedef.argname, fixturedef.scope, request.node.nodeid, own,
                          children))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """Under pytest-xdist: a worker's rows, sent back as it ends, join the controller's."""
    rows = getattr(node, "workeroutput", {}).get("suite_cpu")
    if rows:
        _ROWS.extend(tuple(r) for r in rows["tests"])
        _FIXTURES.extend(tuple(r) for r in rows["fixtures"])


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the rows to ``SUITE_CPU_OUT`` (a pytest-xdist worker hands them back instead)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["suite_cpu"] = {"tests": _ROWS, "fixtures": _FIXTURES}
        return
    with open(os.environ.get("SUITE_CPU_OUT", "suite-cpu.json"), "w", encoding="utf-8") as out:
        json.dump({"tests": _ROWS, "fixtures": _FIXTURES}, out)


def report(path: str, top: int) -> list[str]:
    """CPU per module (most first), then the ``top`` tests and fixtures."""
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    modules: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for test, own, children, wall in data["tests"]:
        row = modules[test.split("::")[0]]
        row[0] += 1
        row[1] += own
        row[2] += children
        row[3] += wall
    lines = [f"{'module':48} {'tests':>5} {'own s':>7} {'child s':>7} {'CPU s':>7} {'wall s':>7}"]
    for module, (n, own, children, wall) in sorted(modules.items(),
                                                  key=lambda kv: -kv[1][1] - kv[1][2]):
        lines.append(f"{module:48} {n:5d} {own:7.1f} {children:7.1f} {own + children:7.1f} "
                     f"{wall:7.1f}")
    total = [sum(row[i] for row in modules.values()) for i in range(4)]
    lines.append(f"{'total':48} {total[0]:5.0f} {total[1]:7.1f} {total[2]:7.1f} "
                 f"{total[1] + total[2]:7.1f} {total[3]:7.1f}")
    if top:
        lines.append("")
        for test, own, children, _wall in sorted(data["tests"], key=lambda r: -r[1] - r[2])[:top]:
            lines.append(f"{own + children:7.1f}  {test}")
        lines.append("")
        for name, scope, test, own, children in sorted(data["fixtures"],
                                                       key=lambda r: -r[3] - r[4])[:top]:
            lines.append(f"{own + children:7.1f}  {scope} fixture {name}"
                         + (f" ({test})" if test else ""))
    return lines


def main(argv: list[str]) -> int:
    """``report [FILE] [--top N]``: print the CPU per module, test and fixture."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["report"])
    parser.add_argument("path", nargs="?", default="suite-cpu.json")
    parser.add_argument("--top", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    print("\n".join(report(args.path, args.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
