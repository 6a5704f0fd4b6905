"""Ending a command-line run without the interpreter's teardown.

When a Python process exits it joins its threads, runs its exit handlers,
and then frees every object it still holds, one by one: after a build of a
thousand handouts (their plans, the parsed styles and bibliography, the
reading-grade dictionary) that last step alone takes about a tenth of a
second of the user's wait, after everything was written.  The operating
system frees a process's memory at once.

:func:`install`, called before anything else registers an exit handler,
registers one that therefore runs last: the threads were joined, every
other handler has run (finalizers: the resident pandoc and the worker
processes waited for); it flushes the standard streams and ends the process
with the status of the run (:func:`run`).  When an exception ended the run
(its traceback already printed) the status is Python's own: 1, or death by
SIGINT for an interrupt.  Only the command line (``python -m pipeline``) and
the benchmark's runner use it; a library caller's process ends as it would.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from collections.abc import Callable
from typing import NoReturn

_status: list[int | None] = [None]  # None: no status came back, an exception ended the run


def install() -> None:
    """Register the last exit handler (see the module's text); call before other imports."""
    atexit.register(_end)


def run(main: Callable[[], int | None]) -> NoReturn:
    """Call ``main`` and exit with its status as ``sys.exit`` would, without the teardown."""
    try:
        status = main()
    except SystemExit as exc:
        status = exc.code
    if status is None or isinstance(status, int):
        _status[0] = status or 0
    else:
        _status[0] = 1  # sys.exit prints it and exits with 1
    sys.exit(status)


def _end() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):  # closed, or none
            pass
    if _status[0] is None and isinstance(getattr(sys, "last_value", None), KeyboardInterrupt):
        # as Python ends after an interrupt: by the signal, for the caller to see
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(1 if _status[0] is None else _status[0])
