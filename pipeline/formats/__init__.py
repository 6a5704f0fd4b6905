"""Output formats as a registry: a new format is one module with one class.

Each format declares its name, file suffix and media type as class
attributes and registers itself; a second format under a taken name is
refused.  Formats import their heavy renderers lazily, inside ``render``.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ..errors import Problem
from ..model import CitedDocument, RenderOptions

FORMATS: dict[str, type[OutputFormat]] = {}


class OutputFormat:
    """Base of the output formats."""

    name: ClassVar[str]
    suffix: ClassVar[str]
    media_type: ClassVar[str]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name in FORMATS:
            raise ValueError(f"output format '{cls.name}' is already registered by "
                             f"{FORMATS[cls.name].__module__}")
        FORMATS[cls.name] = cls

    def __init__(self) -> None:
        # Warnings found while rendering the last document (a table too wide for the page).
        self.warnings: list[Problem] = []

    def render(self, doc: CitedDocument, options: RenderOptions, styles: Path) -> bytes:
        """The bytes of ``doc`` in this format; warnings found meanwhile go to ``warnings``."""
        raise NotImplementedError


def get_format(name: str) -> OutputFormat:
    return FORMATS[name]()


def format_names() -> list[str]:
    return list(FORMATS)


from . import epub, pdf, web  # noqa: F401  (registration)
