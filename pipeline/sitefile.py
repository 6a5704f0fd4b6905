"""``styles/site.yaml``: what every web page of the folder shares, read against a schema.

```yaml
editorial_policy: https://example.org/editorial-policy   # the link beside "Last updated"
```

Each setting is one line of :data:`SCHEMA`: its name and the small check
that turns its YAML node into a value or says what was expected.  Every
mistake (an unknown name, a list where an address belongs, broken YAML) is a
problem at its own line of ``styles/site.yaml``, all of them at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .addresses import host_problem
from .errors import ERROR, PipelineError, Problem, Problems, did_you_mean, yaml_problem
from .model import SiteSettings
from .project import seen_from_here

if TYPE_CHECKING:  # read only when there is a site.yaml
    import yaml

FILE = "site.yaml"
SHOWN = Path("styles") / FILE  # how editors know it, wherever the merged styles live
STRING = "tag:yaml.org,2002:str"
KINDS = {"tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number",
         "tag:yaml.org,2002:bool": "true or false", "tag:yaml.org,2002:null": "nothing",
         "tag:yaml.org,2002:timestamp": "a date"}


class Invalid(ValueError):
    """A setting's value is not what its schema line expects."""


def _found(node: yaml.Node) -> str:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return KINDS.get(node.tag, "text")


def web_address(node: yaml.Node) -> str:
    """An http(s) address, or a path relative to the pages (an intranet page)."""
    import yaml

    expected = "a web address (https://... or a path relative to the pages)"
    if not isinstance(node, yaml.ScalarNode) or node.tag != STRING:
        raise Invalid(f"must be {expected}, found {_found(node)}")
    value = str(node.value).strip()
    scheme = urlsplit(value).scheme.lower()
    if not value or any(c.isspace() for c in value) or scheme not in ("", "http", "https"):
        raise Invalid(f"must be {expected}, found '{value}'")
    if why := host_problem(value):
        raise Invalid(f"must be {expected}, found '{value}'{why}")
    return value


# One line per setting: the name, and the check that reads its value.
SCHEMA: dict[str, Callable[[yaml.Node], object]] = {
    "editorial_policy": web_address,
}


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def read_site_settings(text: str) -> tuple[SiteSettings, Problems]:
    """The settings in ``text`` (a site.yaml), with every problem found at its line."""
    import yaml

    problems = Problems()
    try:
        # libyaml's reader stops at 1,000 levels; Python's overflows its stack first
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.add(SHOWN, mark.line + 1 if mark else None, f"not valid YAML: {yaml_problem(exc.problem)}",
                     code="site-settings")
        return SiteSettings(), problems
    if root is None:
        return SiteSettings(), problems
    if not isinstance(root, yaml.MappingNode):
        problems.add(SHOWN, _line(root), "must map setting names to values, such as "
                     "'editorial_policy: https://...'; found " + _found(root),
                     code="site-settings")
        return SiteSettings(), problems
    values: dict[str, object] = {}
    for key, node in root.value:
        name = str(key.value)
        if not isinstance(key, yaml.ScalarNode) or name not in SCHEMA:
            problems.add(SHOWN, _line(key), f"unknown setting '{name}'"
                         + (did_you_mean(name, SCHEMA) or f"; known: {', '.join(SCHEMA)}"),
                         code="site-settings")
            continue
        if name in values:
            problems.add(SHOWN, _line(key), f"'{name}' is given twice", code="site-settings")
            continue
        try:
            values[name] = SCHEMA[name](node)
        except Invalid as exc:
            problems.add(SHOWN, _line(node), f"'{name}' {exc}", code="site-settings")
    return SiteSettings(**values), problems  # type: ignore[arg-type]


@functools.lru_cache(maxsize=8)
def _cached(text: str) -> tuple[SiteSettings, tuple[Problem, ...]]:
    settings, problems = read_site_settings(text)
    return settings, tuple(problems.items)


def site_problems(styles: Path) -> tuple[SiteSettings, tuple[Problem, ...]]:
    """The settings of a styles folder and the problems of its site.yaml (none without one)."""
    try:
        text = (styles / FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return SiteSettings(), ()
    except (OSError, UnicodeDecodeError) as exc:
        return SiteSettings(), (Problem(str(SHOWN), None, f"cannot read: {exc}", ERROR,
                                        "site-settings"),)
    found, problems = _cached(text)
    return found, seen_from_here(problems)


def site_settings(styles: Path) -> SiteSettings:
    """``site.yaml`` of a styles folder; raises :class:`PipelineError` when it is wrong."""
    settings, problems = site_problems(styles)
    if any(p.is_error for p in problems):
        raise PipelineError(problems)
    return settings
