"""Where render jobs run: in-process, a pool of warm local workers, or Dask.

Every runner takes :class:`~pipeline.jobs.RenderJob` objects and yields
``(job, RenderResult | exception)`` as jobs finish; the parent alone writes
files.  The local pool is the default and needs nothing beyond the standard
library; Dask is imported only when a scheduler address is given.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import socket
import uuid
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar

from .bundle import same_bundle, styles_bundle
from .errors import UsageError, display_path
from .jobs import RenderJob, RenderResult, carry, run_job

if TYPE_CHECKING:
    from .single import PdfWorker

Outcome = tuple[RenderJob, "RenderResult | BaseException"]
Job = TypeVar("Job")  # a RenderJob, or what becomes one (anything with cost, wanted, ...)


def available_cpus() -> int:
    """CPUs this process may use (affinity and container limits aside, os.cpu_count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Runner:
    """Runs render jobs; results come back in completion order."""

    workers: int = 1
    name: str = "runner"

    def submit(self, job: RenderJob) -> None:
        raise NotImplementedError

    @property
    def in_flight(self) -> int:
        """Jobs submitted whose outcome has not been taken yet."""
        raise NotImplementedError

    def completed(self) -> Iterator[Outcome]:
        """Every submitted job's outcome, as each finishes."""
        raise NotImplementedError

    def close(self) -> None:
        """Stop the workers; jobs not yet finished are cancelled."""

    def __enter__(self) -> Self:
        return self

    def abort(self) -> None:
        """Stop at once (the build was interrupted): unfinished work is dropped."""
        self.close()

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is not None and issubclass(exc_type, BaseException) \
                and not issubclass(exc_type, Exception):
            self.abort()  # Ctrl-C, SIGTERM: never wait for renders nobody will use
        else:
            self.close()


class InlineRunner(Runner):
    """Runs each job in this process when its result is asked for (``--jobs 1``)."""

    name = "in-process"

    def __init__(self) -> None:
        self._queue: list[RenderJob] = []

    def submit(self, job: RenderJob) -> None:
        self._queue.append(job)

    @property
    def in_flight(self) -> int:
        return len(self._queue)

    def completed(self) -> Iterator[Outcome]:
        while self._queue:
            job = self._queue.pop(0)
            try:
                yield job, self._run(job)
            except Exception as exc:  # noqa: BLE001 - handed to the caller like a pool would
                yield job, exc

    def _run(self, job: RenderJob) -> RenderResult:
        return run_job(job)


class LocalPoolRunner(Runner):
    """Long-lived worker processes, forked from the build with its modules loaded.

    A worker imports WeasyPrint at its first PDF job and keeps it, with its
    parsed stylesheets and font configuration, for every job after.

    A worker that dies (killed, out of memory) breaks the standard library's
    pool; the jobs it took down are then given to a fresh pool, ``retries``
    times at most.
    """

    name = "local pool"

    def __init__(self, workers: int, retries: int = 1):
        self.workers = workers
        self.retries = retries
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self._context = multiprocessing.get_context(method)
        self._pool = self._new_pool()
        self._pending: dict[cf.Future, tuple[RenderJob, int, cf.Executor]] = {}

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=self._context,
                                      initializer=_ignore_interrupts)

    def _submit(self, job: RenderJob, attempt: int) -> None:
        future = self._pool.submit(run_job, job)
        self._pending[future] = (job, attempt, self._pool)

    def submit(self, job: RenderJob) -> None:
        self._submit(job, 0)

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def completed(self) -> Iterator[Outcome]:
        while self._pending:
            done, _ = cf.wait(list(self._pending), return_when=cf.FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: self._pending[f][0].manuscript.slug):
                job, attempt, pool = self._pending.pop(future)
                try:
                    result = future.result()
                    if any(p.code == "time-limit" for p in result.problems):
                        self._replace_pool(pool)  # its worker was stopped mid-render
                    yield job, result
                except BrokenProcessPool as exc:
                    if attempt >= self.retries:
                        yield job, exc
                        continue
                    if pool is self._pool:  # the first job to notice replaces the pool
                        self._pool.shutdown(wait=False, cancel_futures=True)
                        self._pool = self._new_pool()
                    self._submit(job, attempt + 1)
                except Exception as exc:  # noqa: BLE001 - reported against the manuscript
                    yield job, exc

    def _replace_pool(self, pool: cf.ProcessPoolExecutor) -> None:
        """A fresh pool for ``pool``, whose worker overran its time limit: a render stopped
        midway may leave that worker's modules half-built.  The jobs still running in the
        other workers start again in the new pool, not counted as a retry."""
        if pool is not self._pool:
            return
        self._pool = self._new_pool()
        unfinished = [(f, job, attempt) for f, (job, attempt, p) in self._pending.items()
                      if p is pool and not f.done()]
        stop_pool(pool)
        for future, job, attempt in unfinished:
            del self._pending[future]
            self._submit(job, attempt)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        stop_pool(self._pool)


def stop_pool(pool: cf.ProcessPoolExecutor) -> None:
    """End a pool's workers at once, running jobs and all."""
    # The standard library has no way to stop running jobs: end the workers
    # (they hold nothing but a render in memory; the parent writes files).
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops them and reports once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler: end quietly
    end_with_parent()


PARENT_WATCH = 1.0  # seconds between a worker's looks at its parent


def end_with_parent() -> None:
    """In a worker: end it once the process that started it is gone.

    A build killed outright (SIGKILL, a CI job cancelled, the system out of
    memory) cannot stop its pool, and the standard library's workers, each
    holding the pool's queue open for the others, would wait on it forever
    with their resident pandoc.
    """
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(PARENT_WATCH)
            if os.getppid() != parent:
                os._exit(1)  # nothing to save: the parent alone writes files

    threading.Thread(target=watch, name="parent watch", daemon=True).start()


class DaskRunner(Runner):
    """Jobs go to a Dask distributed cluster; rendered bytes come back.

    Workers need only the installed package: each job carries its input
    files, and the styles travel once per worker as a bundle named by its
    digest (sent once per worker and build, unpacked once per worker and kept).
    A result is released on the cluster as soon as it is here.

    A worker that dies mid-job is replaced by the scheduler, which runs the
    job again elsewhere (up to ``distributed.scheduler.allowed-failures``
    deaths); a job that raises is run again ``retries`` times.
    """

    name = "dask"

    def __init__(self, address: str, retries: int = 1, timeout: float = 30):
        try:
            from distributed import Client, as_completed
        except ImportError as exc:
            raise UsageError("--scheduler needs Dask: pip install 'handout-pipeline"
                             "[distributed]'") from exc
        try:
            _probe(address)
            self.client = Client(address, set_as_default=False, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.retries = retries
        self.address = address
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self._as_completed = as_completed(loop=self.client.loop, with_results=False)
        self._jobs: dict[str, tuple[RenderJob, Any]] = {}
        self._styles: dict[Path, tuple[str, Any]] = {}

    def _styles_of(self, folder: Path) -> tuple[str, Any]:
        if folder not in self._styles:
            digest, data = styles_bundle(folder)
            # A task rather than scattered data: the scheduler can make it again
            # when the worker holding it dies.
            self._styles[folder] = digest, self.client.submit(
                same_bundle, data, key=f"handout-styles-{digest[:32]}", pure=False)
        return self._styles[folder]

    def submit(self, job: RenderJob) -> None:
        digest, bundle = self._styles_of(job.styles)
        key = f"render-{job.manuscript.slug}-{uuid.uuid4().hex[:12]}"
        future = self.client.submit(run_job, carry(job, digest), bundle, key=key, pure=False,
                                    retries=self.retries)
        self._jobs[future.key] = job, future
        self._as_completed.add(future)

    @property
    def in_flight(self) -> int:
        return len(self._jobs)

    def completed(self) -> Iterator[Outcome]:
        for future in self._as_completed:
            job, _ = self._jobs.pop(future.key)
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - reported against the manuscript
                yield job, exc
                continue
            finally:
                future.release()  # the worker may drop the bytes now
            problems = tuple(replace(p, path=display_path(p.path)) for p in result.problems)
            yield job, replace(result, problems=problems)

    def close(self) -> None:
        pending = [f for _, f in self._jobs.values() if not f.done()]
        if pending:
            self.client.cancel(pending)
        self._jobs.clear()
        self._styles.clear()
        self.client.close()


def _probe(address: str) -> None:
    """Fail at once when nothing listens at a ``tcp://`` address (Dask would retry)."""
    if not address.startswith("tcp://"):
        return
    host, _, port = address[len("tcp://"):].rpartition(":")
    with socket.create_connection((host.strip("[]"), int(port)), timeout=10):
        pass


def split_for(jobs: list[Job], workers: int) -> list[Job]:
    """Jobs ordered largest first, split per output when there are fewer jobs than workers.

    One job per manuscript lets its editions share the parsing and citation
    work; with idle workers, rendering its PDF and EPUB side by side wins.
    Largest first keeps a long job from starting last and running alone.
    Only the first part of a split job measures the reading grade.
    """
    if len(jobs) < workers:
        jobs = [replace(j, wanted=(pair,), measure_reading=j.measure_reading and not i)
                for j in jobs for i, pair in enumerate(j.wanted)]
    return sorted(jobs, key=lambda j: (-j.cost, j.manuscript.slug, j.wanted))


def open_runner(work: list[Job], jobs: int | None = None, scheduler: str | None = None,
                styles: Path | None = None, pdf_worker: PdfWorker | None = None
                ) -> tuple[Runner, list[Job]]:
    """The runner for ``work`` and the jobs to submit to it, in order.

    Dask when ``scheduler`` is given; else at most ``jobs`` local workers
    (default: CPUs), never more than there are jobs.  A single manuscript is
    prepared once in this process: its PDFs go to one worker that loads
    WeasyPrint meanwhile (``single.py``), its other formats are written here;
    without a PDF, or with ``jobs=1``, it all runs here.  ``work`` may hold
    what becomes jobs when they are handed out (see ``build._render``).
    ``pdf_worker``, a ``single.PdfWorker`` started ahead, serves the single
    manuscript's PDFs; any other runner stops it.
    """
    cap = jobs or available_cpus()
    pdf = len(work) == 1 and any(fmt == "pdf" for _, fmt in work[0].wanted)
    if pdf_worker is not None and (scheduler or cap < 2 or not pdf or styles is None):
        pdf_worker.stop()
    if scheduler:
        runner: Runner = DaskRunner(scheduler)
        return runner, split_for(work, runner.workers)
    if len(work) == 1:
        if cap > 1 and pdf and styles is not None:
            from .single import SingleRunner

            return SingleRunner(styles, pdf_worker), list(work)
        return InlineRunner(), list(work)
    ordered = split_for(work, cap)
    workers = min(cap, len(ordered))
    runner = LocalPoolRunner(workers) if workers > 1 else InlineRunner()
    return runner, ordered
