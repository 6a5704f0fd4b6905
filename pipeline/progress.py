"""Progress of a build: a bar on a terminal, one line per output elsewhere."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class Progress:
    def __init__(self, total: int = 0, stream: TextIO | None = sys.stderr,
                 tty: bool | None = None):
        self.stream = stream
        self.tty = stream is not None and (stream.isatty() if tty is None else tty)
        self.total = total
        self.done = 0
        self.started = time.perf_counter()

    def start(self, total: int) -> None:
        self.total = total
        self.started = time.perf_counter()

    def advance(self, name: str, what: str) -> None:
        self.done += 1
        if self.stream is None:
            return
        if self.tty:
            elapsed = time.perf_counter() - self.started
            eta = elapsed / self.done * (self.total - self.done) if self.done else 0
            width = 28
            filled = int(width * self.done / max(self.total, 1))
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total}  ETA {eta:4.0f}s  "
                              f"{name[:40]:<40}")
        else:
            self.stream.write(f"[{self.done}/{self.total}] {what} {name}\n")
        self.stream.flush()

    def finish(self, report: Any) -> None:
        if self.stream is None:
            return
        if self.tty:
            self.stream.write("\r" + " " * 100 + "\r")
        self.stream.write(
            f"built {report.built}, reused {report.reused} from cache, "
            f"failed {len(report.failed)}, in {report.seconds:.1f}s\n")
        self.stream.flush()
