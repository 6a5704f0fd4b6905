"""Groups (and macros) suppressed as CSL 1.0.2 says: by the variables they called."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .cluster import RENDERING
from .registry import patch
from .substitute import SUBSTITUTE_RECORDS


class _GroupFrame:
    """What the elements of one group (or macro) rendered, as citeproc-js tracks it."""

    __slots__ = ("attempt", "success", "term")

    def __init__(self) -> None:
        self.attempt = self.success = self.term = False

    def close(self) -> bool:
        """Whether the group is kept; tells the enclosing group what happened."""
        kept = self.success or (self.term and not self.attempt)
        if GROUP_FRAMES:
            parent = GROUP_FRAMES[-1]
            if kept:
                parent.success = True
            else:
                parent.attempt = parent.attempt or self.attempt
        return kept


GROUP_FRAMES: list[_GroupFrame] = []
_ALWAYS_RENDERED = ("year-suffix", "citation-number")


def _non_empty(text: Any) -> bool:
    return text is not None and str(text) != ""


def _has_names(names: Any, item: Any) -> bool:
    """Whether the item has any of the name variables ``names`` calls."""
    reference = item.reference
    return any(role in reference for role in names.get("variable").split())


def tracked(render: Callable[..., Any], names: bool = False) -> Callable[..., Any]:
    """A rendering element's render that reports called variables and terms to its group.

    ``names``: the element is a ``<names>``, which counts as a variable that rendered
    only when the item has one of its names; what its substitute printed in their
    place reports itself, so a macro whose names fall back to a term alone (the
    'anonymous' term) is left out, as citeproc-js leaves it out.
    """

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        attrib = self.attrib
        calls_variable = "variable" in attrib
        if "macro" in attrib and not calls_variable:
            GROUP_FRAMES.append(_GroupFrame())
            try:
                text = render(self, *args, **kwargs)
            finally:
                frame = GROUP_FRAMES.pop()
            return text if frame.close() else None
        frame = GROUP_FRAMES[-1] if GROUP_FRAMES else None
        try:
            text = render(self, *args, **kwargs)
        except Exception:
            if frame is not None and calls_variable:
                if self.get("variable") in _ALWAYS_RENDERED:
                    frame.success = True
                else:
                    frame.attempt = True
            raise
        printed = _non_empty(text)
        if printed and RENDERING["printed"] is False:
            RENDERING["printed"] = True
        if printed and calls_variable and SUBSTITUTE_RECORDS:
            SUBSTITUTE_RECORDS[-1].extend((self.tag, v) for v in self.get("variable").split())
        if frame is not None:
            if calls_variable:
                if printed and names and not _has_names(self, args[0]):
                    frame.attempt = True  # its substitute printed, and told the group what
                elif printed or self.get("variable") in _ALWAYS_RENDERED:
                    frame.success = True
                else:
                    frame.attempt = True
            elif printed:
                frame.term = True
        return text

    return wrapper


@patch
def group_suppressed_by_rendered_variables() -> None:
    """A group is left out when the variables it called were all empty.

    CSL 1.0.2: a group is suppressed when it calls variables and all of them
    are empty; a group with only terms is kept.  citeproc-py decides from the
    variables its children could call in any branch of a ``<choose>``, so APA's
    thesis entries got a lone '(Publication)' from a group whose number is
    empty.  As in citeproc-js, a macro behaves as a group, and a nested group
    (or macro) that is kept counts as a variable that rendered.
    """
    from citeproc import model

    for cls in (model.Text, model.Number, model.Date, model.Names):
        cls.render = tracked(cls.render, names=cls is model.Names)

    def process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        output = []
        delimiter = self.get("delimiter", "")
        GROUP_FRAMES.append(_GroupFrame())
        try:
            for child in self.iterchildren():
                try:
                    if isinstance(child, model.Choose):
                        text = child.render(item, context=context, delimiter=delimiter,
                                            **kwargs)
                    else:
                        text = child.render(item, context=context, **kwargs)
                except model.VariableError:
                    continue
                if text is not None:
                    output.append(text)
        finally:
            frame = GROUP_FRAMES.pop()
        if frame.close() and output:
            return self.join(output)
        raise model.VariableError

    model.Group.process = process
