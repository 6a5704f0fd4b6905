"""References between the objects of a PDF as pydyf writes them (``b"12 0 R"``)."""

from __future__ import annotations

from typing import Any


def object_number(reference: Any) -> int | None:
    """The object number of a ``b"12 0 R"`` reference, else None."""
    if isinstance(reference, bytes | str):
        parts = reference.split()
        if len(parts) == 3 and parts[2] in (b"R", "R"):
            return int(parts[0])
    return None


def resolved(objects: list[Any], value: Any) -> Any:
    """``value``, or the object a reference to one of ``objects`` names."""
    number = object_number(value)
    return value if number is None else objects[number]
