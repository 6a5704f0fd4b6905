"""``styles/kinds.yaml``: the kind of source shown beside each reference, read against a schema.

```yaml
keywords:   {guideline: Guideline, randomized controlled trial: Research}
types:      {book: Book}           # BibTeX/biblatex entry types
csl-types:  {article-journal: Research}
```

Each section maps a name to the kind shown.  Every mistake (broken YAML, an
unknown section, a list where a kind belongs) is a problem at its own line of
``styles/kinds.yaml``, all of them at once, as ``styles/site.yaml``'s are.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from .errors import ERROR, PipelineError, Problem, Problems, did_you_mean, yaml_problem
from .project import seen_from_here

try:  # the C loader reads the map some twenty times faster
    from yaml import CSafeLoader as _LOADER
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _LOADER  # type: ignore[assignment]

SHOWN = Path("styles") / "kinds.yaml"  # how editors know it, wherever the merged styles live
SECTIONS = ("keywords", "types", "csl-types")
STRING = "tag:yaml.org,2002:str"
SCALARS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
EXAMPLE = "such as 'keywords: {guideline: Guideline}'"

Kinds = dict[str, dict[str, str]]


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _found(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return f"'{node.value}'" if node.value else "nothing"


def read_kinds(text: str) -> tuple[Kinds, Problems]:
    """The sections of a kinds.yaml's ``text`` (names as written), with every problem at its line."""
    problems = Problems()
    kinds: Kinds = {section: {} for section in SECTIONS}

    def add(line: int | None, message: str) -> None:
        problems.add(SHOWN, line, message, code="kinds")

    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        add(mark.line + 1 if mark else None, f"not valid YAML: {yaml_problem(exc.problem)}")
        return kinds, problems
    if root is None:
        return kinds, problems
    if not isinstance(root, yaml.MappingNode):
        add(_line(root), f"must map {', '.join(SECTIONS)} to kinds, {EXAMPLE}; "
            f"found {_found(root)}")
        return kinds, problems
    for key, node in root.value:
        section = str(key.value)
        if not isinstance(key, yaml.ScalarNode) or section not in SECTIONS:
            add(_line(key), f"unknown section '{section}'"
                + (did_you_mean(section, SECTIONS) or f"; known: {', '.join(SECTIONS)}"))
            continue
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            continue
        if not isinstance(node, yaml.MappingNode):
            add(_line(node), f"'{section}' must map names to kinds, {EXAMPLE}; "
                f"found {_found(node)}")
            continue
        for name, kind in node.value:
            if not isinstance(name, yaml.ScalarNode) or name.tag not in SCALARS:
                add(_line(name), f"'{section}': a name must be text, found {_found(name)}")
            elif not isinstance(kind, yaml.ScalarNode) or kind.tag != STRING or not kind.value:
                add(_line(kind), f"'{section}': the kind of '{name.value}' must be text "
                    f"such as Guideline, found {_found(kind)}")
            else:
                kinds[section][str(name.value)] = str(kind.value)
    return kinds, problems


@functools.lru_cache(maxsize=8)
def _cached(text: str) -> tuple[Kinds, tuple[Problem, ...]]:
    kinds, problems = read_kinds(text)
    return kinds, tuple(problems.items)


def kinds_problems(path: Path) -> tuple[Kinds, tuple[Problem, ...]]:
    """The map in a kinds file and its problems (an empty map without the file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {section: {} for section in SECTIONS}, ()
    except (OSError, UnicodeDecodeError) as exc:
        return {section: {} for section in SECTIONS}, (
            Problem(str(SHOWN), None, f"cannot read: {exc}", ERROR, "kinds"),)
    found, problems = _cached(text)
    return found, seen_from_here(problems)


def load_kinds(path: Path) -> Kinds:
    """A kinds file's map; raises :class:`PipelineError` when it is wrong."""
    kinds, problems = kinds_problems(path)
    if any(p.is_error for p in problems):
        raise PipelineError(problems)
    return kinds
