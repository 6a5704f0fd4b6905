"""The command line ends without the interpreter's teardown, everything else of an exit kept."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest
from helpers import ROOT

SCRIPT = textwrap.dedent("""
    import atexit, signal, sys, threading, time
    from pipeline import quickexit

    quickexit.install()

    class Held:
        def __del__(self):  # runs only when the interpreter frees what modules hold
            sys.__stdout__.write("freed one by one\\n")

    held = Held()
    atexit.register(lambda: print("exit handler ran"))
    threading.Thread(target=lambda: (time.sleep(0.3), print("thread joined"))).start()
    print("built", end="")
    {end}
""")


def _as_at_a_terminal() -> None:
    """Ctrl-C's default, as at a terminal: a job started in the background ignores it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(end: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT.format(end=end)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False,
                          preexec_fn=_as_at_a_terminal)


def test_the_status_is_kept_and_everything_but_the_teardown_runs():
    done = run("quickexit.run(lambda: 3)")
    assert done.returncode == 3
    # the buffered output flushed, the thread joined and the handlers run first
    assert done.stdout == "built" + "thread joined\n" + "exit handler ran\n"
    assert done.stderr == ""


def test_an_escaping_exception_ends_with_pythons_status_and_its_traceback():
    done = run("quickexit.run(lambda: 1 / 0)")
    assert done.returncode == 1
    assert done.stderr.rstrip().endswith("ZeroDivisionError: division by zero")
    assert done.stdout == "built" + "thread joined\n" + "exit handler ran\n"


@pytest.mark.parametrize(("end", "status"), [
    ("quickexit.run(lambda: sys.exit(4))", 4),  # main exiting itself
    ("quickexit.run(lambda: None)", 0),
    ("quickexit.run(lambda: sys.exit('no manuscripts'))", 1),  # a message: printed, then 1
])
def test_the_status_is_the_one_sys_exit_would_give(end, status):
    done = run(end)
    assert done.returncode == status
    assert done.stderr == ("no manuscripts\n" if status == 1 else "")


def test_an_interrupt_ends_the_process_by_the_signal_as_python_does():
    done = run("quickexit.run(lambda: signal.raise_signal(signal.SIGINT))")
    assert done.returncode == -signal.SIGINT
    assert done.stderr.rstrip().endswith("KeyboardInterrupt")
    assert done.stdout == "built" + "thread joined\n" + "exit handler ran\n"


def test_without_it_the_interpreter_frees_each_object():
    """The contrast the tests above rely on: a plain exit runs ``__del__`` at the teardown."""
    plain = subprocess.run(
        [sys.executable, "-c", SCRIPT.replace("quickexit.install()", "").format(
            end="sys.exit(3)")], cwd=ROOT, capture_output=True, text=True, timeout=60,
        check=False)
    assert plain.returncode == 3
    assert plain.stdout == "built" + "thread joined\n" + "exit handler ran\n" \
        + "freed one by one\n"


def test_the_command_line_sets_aside_its_loaded_modules_for_the_collector_before_running():
    """``python -m pipeline`` settles the collector (see ``jobs.settle_collector``) once its
    modules are loaded: a build's collections then walk only what the build made."""
    probe = textwrap.dedent("""
        import gc, runpy
        import pipeline.cli
        pipeline.cli.main = lambda: print(gc.get_freeze_count(), gc.get_threshold()[0]) or 0
        runpy.run_module("pipeline", run_name="__main__")
    """)
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    frozen, young = map(int, done.stdout.split())
    assert frozen > 10_000 and young == 10_000
