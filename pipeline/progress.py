"""Progress of a build: a bar on a terminal, lines in a log.

On a terminal one line is redrawn in place (at most ten times a second):
a bar, the outputs done out of all, counts built / reused / failed and an
estimate of the time left, from the pace of rendering so far (outputs taken
from the cache are instant and do not count towards the pace).  Elsewhere
(CI logs, pipes) each output gets one line as it is done when there are at
most :data:`EVERY_OUTPUT_UP_TO`; above that, a log of thousands of files
gets a line with the counts at each twentieth of the way, after a pause of
:data:`LOG_PAUSE` seconds, and for every output that failed.  Both end with
a summary: built, reused, failed and the time taken.  While outputs render,
a log that heard nothing for :data:`HEARTBEAT` seconds (one handout of thousands
of citations renders for minutes) gets a line saying that the build goes on, and a
terminal's bar names what is under way with the seconds so far.  ``check`` reports
its manuscripts the same way, as checked or failed.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

STATUSES = ("built", "reused", "failed")
EVERY_OUTPUT_UP_TO = 100  # outputs: a log names each one
LOG_STEPS = 20  # above that, a line at each 5 % of the outputs
LOG_PAUSE = 10.0  # seconds: and one when nothing was said for that long
HEARTBEAT = 30.0  # seconds without a line in a log while rendering: say it goes on
TTY_BEAT = 1.0  # seconds: a terminal's bar is redrawn with the time so far


def format_duration(seconds: float) -> str:
    """``42s``, ``3m05s``, ``1h02m``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress:
    """Reports outputs as they are done; silent when ``stream`` is None."""

    def __init__(self, total: int = 0, stream: TextIO | None = sys.stderr,
                 tty: bool | None = None, clock: Callable[[], float] = time.perf_counter,
                 width: int | None = None, statuses: tuple[str, ...] = STATUSES,
                 doing: str = "rendering"):
        self.stream = stream
        self.statuses = statuses  # ("checked", "failed") for a check
        self.doing = doing  # what the heartbeat says goes on
        self.tty = stream is not None and (_isatty(stream) if tty is None else tty)
        self.clock = clock
        self.width = width
        self.total = total
        self.planned = 0
        self.done = 0
        self.counts = dict.fromkeys(statuses, 0)
        self.current = ""  # what is being worked on, for a terminal's bar
        self.started = clock()
        self.render_total = 0
        self.render_done = 0
        self.render_started: float | None = None
        self._drawn = 0.0
        self._step = 0  # the twentieth of the outputs last logged
        self._said = clock()  # when the log last got a line
        self._lock = threading.RLock()  # the heartbeat writes from a thread of its own

    def start(self, total: int) -> None:
        """``total`` more outputs are planned.

        A release builds once per paper size with one ``Progress``: the
        counter goes on from the outputs already done, so it never reads
        ``[13/4]``.
        """
        if self.done == 0:
            self.started = self.clock()
        self.total = max(self.done + total, self.planned)

    def plan(self, total: int) -> None:
        """``total`` outputs in all, over the builds still to start (a release's paper sizes)."""
        self.planned = self.done + total
        self.total = max(self.total, self.planned)

    def rendering(self, count: int) -> None:
        """``count`` of the outputs are to be rendered (the rest come from the cache)."""
        self.render_total = count
        self.render_done = 0
        self.render_started = self.clock()

    def eta(self) -> float | None:
        """Seconds left, from the pace of rendering; None before the first output."""
        if self.render_started is None or self.render_total == 0:
            return 0.0 if self.done >= self.total else None
        if self.render_done == 0:
            return None
        elapsed = self.clock() - self.render_started
        return elapsed / self.render_done * (self.render_total - self.render_done)

    def advance(self, name: str, status: str) -> None:
        """One output is done: ``status`` is built, reused or failed."""
        self.done += 1
        self.counts[status] = self.counts.get(status, 0) + 1
        if status != "reused" and self.render_started is not None:
            self.render_done += 1
        if self.stream is None:
            return
        if not self.tty:
            self._log_line(name, status)
            return
        now = self.clock()
        if self.done < self.total and now - self._drawn < 0.1:
            return
        self._drawn = now
        self._draw(name)

    def _log_line(self, name: str, status: str) -> None:
        line = f"[{self.done}/{self.total}] {status} {name}"
        if self.total > EVERY_OUTPUT_UP_TO:
            now = self.clock()
            step = self.done * LOG_STEPS // self.total
            if status != "failed" and step == self._step and self.done < self.total \
                    and now - self._drawn < LOG_PAUSE:
                return
            self._step, self._drawn = step, now
            eta = self.eta() if self.done < self.total else None
            line += f" ({', '.join(f'{self.counts[s]} {s}' for s in self.statuses)}" + (
                f", ETA {format_duration(eta)})" if eta is not None else ")")
        self._write(line)

    def say(self, line: str) -> None:
        """A line of its own, in a log and on a terminal alike (the bar is drawn again later)."""
        if self.stream is None:
            return
        if self.tty:
            self.stream.write("\r\x1b[K")
        self._write(line)

    def _write(self, line: str) -> None:
        assert self.stream is not None
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()
            self._said = self.clock()

    def working(self, name: str) -> None:
        """``name`` is started: a terminal's bar names it at once (a log waits for its line)."""
        self.current = name
        if self.stream is not None and self.tty:
            self._draw(name)

    def _draw(self, name: str) -> None:
        assert self.stream is not None
        with self._lock:
            self.stream.write("\r" + self._bar_line(name) + "\x1b[K")
            self.stream.flush()

    @contextlib.contextmanager
    def heartbeat(self, every: float | None = None) -> Iterator[None]:
        """While the block runs, a log that heard nothing for ``every`` seconds (default
        :data:`HEARTBEAT`) is told the work goes on; a terminal's bar counts the seconds."""
        if self.stream is None:
            yield
            return
        every = (TTY_BEAT if self.tty else HEARTBEAT) if every is None else every
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(max(every - (self.clock() - self._said), every / 10)):
                with self._lock:  # not after the last output's line
                    if self.clock() - self._said < every or self.done >= self.total \
                            or stop.is_set():
                        continue
                    so_far = format_duration(self.clock() - self.started)
                    if self.tty:
                        self._draw(f"{self.current} ({so_far} so far)".lstrip())
                        self._said = self.clock()
                    else:
                        self._write(f"[{self.done}/{self.total}] still {self.doing} "
                                    f"({so_far} so far)")

        thread = threading.Thread(target=beat, name="progress heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def _bar_line(self, name: str) -> str:
        columns = self.width or shutil.get_terminal_size((100, 24)).columns
        eta = self.eta()
        filled = int(24 * self.done / max(self.total, 1))
        counts = ", ".join(f"{self.counts[s]} {s}" for s in self.statuses)
        line = (f"[{'#' * filled}{'-' * (24 - filled)}] {self.done}/{self.total} ({counts})"
                f"  ETA {format_duration(eta) if eta is not None else '--'}  {name}")
        return line[:max(columns - 1, 20)]

    def clear(self) -> None:
        """A terminal's bar wiped, for the lines that follow (a log keeps its lines)."""
        if self.stream is not None and self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def finish(self, report: Any) -> None:
        """The summary line."""
        if self.stream is None:
            return
        if self.tty:
            self.stream.write("\r\x1b[K")
        self.stream.write(
            f"built {report.built}, reused {report.reused} from cache, "
            f"failed {len(report.failed)}, in {report.seconds:.1f}s\n")
        self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
