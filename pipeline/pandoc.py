"""Run the pandoc binary that ships with pypandoc-binary.

A different ``pandoc`` on PATH is never used: its version would change the
output.  Calls go straight to the binary (no shell, no temporary files).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path
from typing import Any

READER = "markdown-raw_attribute"
# Some inputs take pandoc minutes (20,000 '[' in a row); a build never waits forever.
TIMEOUT = 60


class PandocFailure(RuntimeError):
    """pandoc exited non-zero; the message holds what it printed."""


@functools.cache
def pandoc_path() -> Path:
    import importlib.util

    # Found without importing pypandoc, which takes longer than a pandoc run.
    spec = importlib.util.find_spec("pypandoc")
    package = Path(spec.origin if spec and spec.origin else ".").parent
    binary = package / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
    if not binary.is_file():  # pragma: no cover - a broken install
        raise RuntimeError(f"pypandoc-binary's pandoc is missing at {binary}")
    return binary


def run_pandoc(args: list[str], stdin: bytes | str = b"", env: dict[str, str] | None = None,
               cwd: Path | None = None) -> bytes:
    """Run pandoc with ``args``; return its standard output."""
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PANDOC")}
    full_env.update(env or {})
    try:
        proc = subprocess.run(
            [str(pandoc_path()), *args], input=stdin, capture_output=True, env=full_env,
            cwd=cwd, check=False, timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise PandocFailure(f"pandoc did not finish within {TIMEOUT} s") from None
    if proc.returncode != 0:
        raise PandocFailure(proc.stderr.decode("utf-8", "replace").strip())
    return proc.stdout


SMALL_INPUT = 16_384


@functools.lru_cache(maxsize=64)
def _run_small(args: tuple[str, ...], stdin: bytes) -> bytes:
    return run_pandoc(list(args), stdin)


def _convert(args: list[str], text: str) -> bytes:
    """pandoc as the pure function of its input it is; small inputs are remembered.

    A worker converts the same disclaimers for every handout it renders: one
    pandoc run each is enough.  Large inputs (bodies) are unique: not kept.
    """
    data = text.encode("utf-8")
    if len(data) <= SMALL_INPUT:
        return _run_small(tuple(args), data)
    return run_pandoc(args, data)


def markdown_to_ast(text: str) -> dict[str, Any]:
    """Parse pandoc Markdown into pandoc's JSON AST (the single parse of a body).

    Stages that need the same body (validation, readability) share one pandoc
    run; each caller gets its own fresh tree.
    """
    return json.loads(_parsed(text))


@functools.lru_cache(maxsize=32)
def _parsed(text: str) -> bytes:
    return _convert(["--from", READER, "--to", "json"], text)


def ast_to(ast: dict[str, Any], fmt: str, extra: list[str] | None = None) -> str:
    """Write an AST with one of pandoc's writers (html5, plain, ...)."""
    out = _convert(["--from", "json", "--to", fmt, "--wrap=none", *(extra or [])],
                   json.dumps(ast))
    return out.decode("utf-8")


@functools.cache
def pandoc_version() -> str:
    return run_pandoc(["--version"]).decode().split("\n", 1)[0].split()[-1]
