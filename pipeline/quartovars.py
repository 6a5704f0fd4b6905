"""Quarto's ``{{< var key >}}``: a value of the project's ``_variables.yml``.

Quarto reads ``_variables.yml`` at the root of its project; a handout reads
the nearest one from the manuscript's folder upward, stopping at the folder
that holds ``_quarto.yml`` or ``manuscripts/`` (the project's root).  A dotted
key (``dose.adult``) reads a nested value.  A key that names no text (none
found, a list, a table), and a file that cannot be read, leave the shortcode
out with a warning at its line that says why.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import yaml

from .errors import display_path

VARIABLES = "_variables.yml"
ROOT_MARKS = ("_quarto.yml", "_quarto.yaml", "manuscripts")
LARGEST = 256 * 1024  # bytes: a larger file is no list of variables


def variables_file(manuscript_path: Path) -> Path | None:
    """The ``_variables.yml`` a manuscript's ``{{< var >}}`` reads, if any."""
    folder = manuscript_path.parent
    for _ in range(32):
        candidate = folder / VARIABLES
        if candidate.is_file():
            return candidate
        if any((folder / mark).exists() for mark in ROOT_MARKS) or folder.parent == folder:
            return None
        folder = folder.parent
    return None


@functools.lru_cache(maxsize=16)
def _variables(path: Path, _mtime: int, _size: int) -> tuple[dict[str, Any] | None, str]:
    """The file's mapping, or None and why it was not read."""
    where = display_path(path)
    if _size > LARGEST:
        return None, f"{where} is larger than {LARGEST // 1024} KiB"
    try:
        # libyaml's reader stops at 1,000 levels; Python's overflows its stack first
        data = yaml.load(path.read_text(encoding="utf-8"),
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{where} cannot be read ({exc.__class__.__name__})"
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, f"{where}:{mark.line + 1 if mark else 1} is not valid YAML"
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, f"{where} is not a list of names and values"
    return data, ""


def var_value(manuscript_path: Path, key: str) -> tuple[str | None, str]:
    """The text of ``{{< var key >}}``, or None and why there is none."""
    path = variables_file(manuscript_path)
    if path is None:
        return None, (f"there is no {VARIABLES} beside the manuscript or in a folder above it "
                      "(up to the project's root)")
    stat = path.stat()
    data, why = _variables(path, stat.st_mtime_ns, stat.st_size)
    if data is None:
        return None, why
    value: Any = data
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None, f"{display_path(path)} has no '{key}'"
        value = value[part]
    if isinstance(value, (dict, list)) or value is None:
        return None, f"'{key}' in {display_path(path)} is no text"
    if isinstance(value, bool):
        return ("true" if value else "false"), ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(), ""
    return str(value), ""
