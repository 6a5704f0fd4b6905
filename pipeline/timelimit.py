"""A time limit per manuscript: one that takes minutes to lay out fails alone.

WeasyPrint's layout grows faster than the text for some shapes of document
(thousands of footnotes, tables of thousands of columns): such a handout can
take many minutes while ``check`` reads it in seconds.  Each render job runs
under a limit (``--time-limit SECONDS``, ``$HANDOUT_TIME_LIMIT``, default
:data:`DEFAULT` seconds; 0 for none).  A job that overruns is stopped, its
manuscript reported at its first line, and nothing of it written or cached.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from .errors import WARNING, Problem, UsageError, display_path

DEFAULT = 300.0
ENV = "HANDOUT_TIME_LIMIT"


class TookTooLong(BaseException):
    """Raised into a render that ran past its time limit (not an ``Exception``: no
    library's ``except Exception`` may swallow it)."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


def parse_limit(text: str, option: str = "--time-limit") -> float:
    """Seconds from the command line or the environment; 0 means no limit."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise UsageError(f"{option}: expected a number of seconds (0 for no limit), "
                         f"found '{text}'")
    return value


def default_limit() -> float:
    """``$HANDOUT_TIME_LIMIT``, else :data:`DEFAULT`."""
    text = os.environ.get(ENV, "").strip()
    return parse_limit(text, ENV) if text else DEFAULT


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TookTooLong` into the block when it runs longer than ``seconds``.

    In the main thread a timer signal interrupts the block; in another thread
    (a Dask worker runs jobs in its threads) a watching thread raises it there
    (:func:`_thread_limit`).  ``None`` or 0: the block runs unlimited.
    """
    if not seconds:
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        with _thread_limit(seconds):
            yield
        return

    def expire(_signum: int, frame: FrameType | None) -> None:
        if importing(frame):  # a module stopped half-imported stays broken: a moment later
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        raise TookTooLong(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _thread_limit(seconds: float) -> Iterator[None]:
    """:func:`time_limit` for a thread other than the main one.

    A timer thread raises the exception into this thread between two of its
    Python instructions (``PyThreadState_SetAsyncExc``), as the signal does in
    the main thread: a render is Python code that returns from the text
    shaper often, so it stops within moments.  Not while the thread is
    importing a module, as for the signal; a raise not yet delivered when the
    block ends is taken back.
    """
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"open": True, "raised": False}
    overran = type("TookTooLong", (TookTooLong,), {"__init__": _fixed_init(seconds)})

    def expire() -> None:
        while True:
            with lock:
                if not state["open"]:
                    return
                if not importing(sys._current_frames().get(target)):
                    state["raised"] = _raise_in(target, overran)
                    return
            time.sleep(0.2)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["open"] = False
            timer.cancel()
            if state["raised"]:
                _raise_in(target, None)  # not yet delivered: withdrawn


def _fixed_init(seconds: float) -> Callable[[TookTooLong], None]:
    """``__init__`` of a :class:`TookTooLong` raised with no arguments, as a thread's is."""

    def init(self: TookTooLong) -> None:
        TookTooLong.__init__(self, seconds)

    return init


def _raise_in(thread: int, exception: type[BaseException] | None) -> bool:
    """Ask ``thread`` to raise ``exception`` at its next instruction (None: cancel that)."""
    done = ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), ctypes.py_object(exception) if exception else None)
    return done == 1


def importing(frame: FrameType | None) -> bool:
    """Whether the interrupted code is importing a module."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def too_long_problem(path: Path, body: str, wanted: tuple[tuple[str, str], ...],
                     seconds: float) -> Problem:
    """The manuscript's error: what took too long, what in it is large, what to do."""
    verb = "lay out" if any(fmt == "pdf" for _, fmt in wanted) else "render"
    large = ", ".join(sizes(body))
    return Problem(display_path(path), 1,
                   f"the handout took longer than {seconds:g} s to {verb}"
                   f"{f' ({large})' if large else ''}: split it into smaller handouts, or allow "
                   f"more time with --time-limit SECONDS or ${ENV}; nothing of it was written",
                   code="time-limit")


FOOTNOTE = re.compile(r"^\[\^[^\]\s]+\]:|\^\[", re.MULTILINE)
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]", re.MULTILINE)


def sizes(body: str) -> list[str]:
    """What is large in a body, in words (footnotes, table columns and rows, list items)."""
    found = []
    notes = len(FOOTNOTE.findall(body))
    if notes >= 100:
        found.append(f"{notes:,} footnotes")
    rows = [line for line in body.splitlines() if line.lstrip().startswith("|")]
    columns = max((line.count("|") - 1 for line in rows), default=0)
    if columns >= 50:
        found.append(f"a table of {columns:,} columns")
    if len(rows) >= 1000:
        found.append(f"{len(rows):,} table rows")
    items = len(LIST_ITEM.findall(body))
    if items >= 2000:
        found.append(f"{items:,} list items")
    return found


# Footnotes from which the PDF's layout takes minutes. Measured (CPU seconds of the layout,
# one worker): 200 footnotes 4 s, 400 9 s, 800 21 s, each doubling 2.4 times the time, so
# about 50 s for 1,500 and two minutes for 3,000; a table of 300 columns takes 3 s and
# 1,000 paragraphs (31 pages) 2 s.
SLOW_FOOTNOTES = 1500


def layout_warning(path: Path, body: str, body_line: int) -> Problem | None:
    """A warning when the body has so many footnotes that its PDF takes minutes."""
    if body.count("^") < SLOW_FOOTNOTES:
        return None
    notes = list(FOOTNOTE.finditer(body))
    if len(notes) < SLOW_FOOTNOTES:
        return None
    line = body_line + body.count("\n", 0, notes[0].start())
    return Problem(display_path(path), line,
                   f"{len(notes):,} footnotes take minutes to lay out in the PDF (the time grows "
                   f"faster than their number: 800 take about 20 s); a build stops a render "
                   f"after its time limit ({DEFAULT:g} s unless --time-limit says otherwise): "
                   f"move some into the text, or split the handout", WARNING, "slow-layout")
