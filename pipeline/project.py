"""The project a command works on: the nearest folder upward holding ``manuscripts/``.

As git finds its repository from any folder inside it, a command run in
``manuscripts/`` or a folder below it uses that project's ``styles/``,
``bibliography/``, ``manuscripts/`` (the default paths), ``dist/`` and render
cache; never the pipeline's own checkout's.  With no such folder above, the
working folder is the project.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .errors import Problem


def project_folder(start: Path | None = None) -> Path:
    """The nearest folder from ``start`` (default: the working folder) upward that holds
    ``manuscripts/``; ``start`` itself when none does."""
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        if (folder / "manuscripts").is_dir():
            return folder
    return here


def in_project(name: str) -> Path:
    """``name`` in the project: as given (relative) when the project is the working folder."""
    here = Path.cwd()
    project = project_folder(here)
    return Path(name) if project == here else project / name


def elsewhere() -> Path | None:
    """The project when it is not the working folder (a command run below it), else None."""
    here = Path.cwd()
    project = project_folder(here)
    return None if project == here else project


def seen_from_here(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Problems of a project file named as in the project (``styles/kinds.yaml``), named as
    seen from the working folder (``../styles/kinds.yaml`` from ``manuscripts/``)."""
    project = elsewhere()
    if project is None or not problems:
        return problems
    return tuple(replace(p, path=os.path.relpath(project / p.path)) for p in problems)
