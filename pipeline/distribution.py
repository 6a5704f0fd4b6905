"""The distribution file: which clinic receives which handouts, in what paper size.

```yaml
clinics:
  north-valley-spine:               # the zip is north-valley-spine.zip
    manuscripts: [prp-spine-pain]   # slugs, required
    audiences: [patient]            # default: every audience of each manuscript
    languages: [en]                 # default: every language
    paper: letter                   # a4 (default) or letter
```

Every mistake is reported at its own line, all at once; a manuscript or
audience the release does not know is an error, not a silently smaller zip.
A release of some handouts (``partial``) gives each clinic the handouts of its
list that are in the release: the others are left out with a warning each,
and a clinic left with none gets no zip, with a warning naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import PipelineError, Problems, did_you_mean, yaml_problem
from .fields import SLUG
from .frontmatter import read_text
from .i18n import language_of, supported_languages
from .model import AUDIENCES, Manuscript

PAPERS = ("a4", "letter")
CLINIC_KEYS = ("manuscripts", "audiences", "languages", "paper", "name")


@dataclass(frozen=True)
class Edition:
    """One file a clinic receives: a manuscript's edition for one audience."""

    slug: str
    audience: str


@dataclass(frozen=True)
class Clinic:
    """One clinic of the distribution file, resolved against the released manuscripts."""

    key: str
    name: str
    paper: str
    editions: tuple[Edition, ...]
    line: int


@dataclass(frozen=True)
class Distribution:
    path: Path
    clinics: tuple[Clinic, ...]


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalars(node: yaml.Node, what: str, path: Path, problems: Problems
             ) -> list[tuple[str, int]]:
    """A list of text values with their lines; a single value counts as a list of one."""
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    out = []
    for item in items:
        if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
            problems.add(path, _line(item), f"{what} must be a list of names")
            continue
        out.append((str(item.value).strip(), _line(item)))
    return out


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, int]]:
    return {str(k.value): (v, _line(k)) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def load_distribution(path: Path, manuscripts: Mapping[str, Manuscript],
                      refused: frozenset[str] = frozenset(), partial: bool = False
                      ) -> tuple[Distribution, Problems]:
    """Read ``path`` against the manuscripts of the release (by slug).

    ``refused`` are slugs known to the release but left out of it; the clinics
    that name them get a warning each and go without.  Raises
    :class:`PipelineError` with every error found.
    """
    problems = Problems()
    try:
        # libyaml's reader stops at 1,000 levels; Python's overflows its stack first
        node = yaml.compose(read_text(path), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PipelineError.at(path, mark.line + 1 if mark else None,
                               f"not valid YAML: {yaml_problem(exc.problem)}", "distribution") from None
    if not isinstance(node, yaml.MappingNode) or "clinics" not in _mapping(node):
        raise PipelineError.at(path, _line(node) if node is not None else 1,
                               "a distribution file is a mapping with 'clinics:', each clinic "
                               "naming its 'manuscripts'", "distribution")
    top = _mapping(node)
    for key, (_value, line) in top.items():
        if key != "clinics":
            problems.add(path, line, f"unknown field '{key}'" + did_you_mean(key, ["clinics"]),
                         code="distribution")
    clinics_node, clinics_line = top["clinics"]
    if not isinstance(clinics_node, yaml.MappingNode) or not clinics_node.value:
        raise PipelineError.at(path, clinics_line, "'clinics' must map each clinic's name to "
                               "what it receives", "distribution")
    clinics = []
    for key, (value, line) in _mapping(clinics_node).items():
        clinic = _clinic(key, value, line, path, manuscripts, refused, problems, partial)
        if clinic is not None:
            clinics.append(clinic)
    problems.raise_if_errors()
    return Distribution(path, tuple(clinics)), problems


def _clinic(key: str, node: yaml.Node, line: int, path: Path,
            manuscripts: Mapping[str, Manuscript], refused: frozenset[str],
            problems: Problems, partial: bool = False) -> Clinic | None:
    errors_before = len(problems.errors)
    if not SLUG.match(key):
        problems.add(path, line, f"clinic '{key}': its name becomes a file name: use lower-case "
                     "letters, digits, '.', '_' or '-'", code="distribution")
    if not isinstance(node, yaml.MappingNode):
        problems.add(path, line, f"clinic '{key}' must list its 'manuscripts'",
                     code="distribution")
        return None
    fields = _mapping(node)
    for name, (_value, field_line) in fields.items():
        if name not in CLINIC_KEYS:
            problems.add(path, field_line, f"clinic '{key}': unknown field '{name}'"
                         + did_you_mean(name, CLINIC_KEYS), code="distribution")

    paper = "a4"
    if "paper" in fields:
        value, field_line = fields["paper"]
        paper = str(getattr(value, "value", "")).lower()
        if paper not in PAPERS:
            problems.add(path, _line(value), f"clinic '{key}': paper must be one of "
                         f"{', '.join(PAPERS)}, found '{getattr(value, 'value', '')}'",
                         code="distribution")
    audiences = list(AUDIENCES)
    if "audiences" in fields:
        audiences = []
        for audience, item_line in _scalars(fields["audiences"][0], f"clinic '{key}': "
                                            "'audiences'", path, problems):
            if audience not in AUDIENCES:
                problems.add(path, item_line, f"clinic '{key}': unknown audience '{audience}'; "
                             f"expected one of {', '.join(AUDIENCES)}"
                             + did_you_mean(audience, AUDIENCES), code="distribution")
            else:
                audiences.append(audience)
    languages: list[str] | None = None
    if "languages" in fields:
        languages = []
        supported = supported_languages()
        for lang, item_line in _scalars(fields["languages"][0], f"clinic '{key}': 'languages'",
                                        path, problems):
            if language_of(lang) not in supported:
                problems.add(path, item_line, f"clinic '{key}': language '{lang}' is not "
                             f"supported; supported: {', '.join(supported)}", code="distribution")
            else:
                languages.append(lang)
    if "manuscripts" not in fields:
        problems.add(path, line, f"clinic '{key}' must list its 'manuscripts' (slugs)",
                     code="distribution")
        return None

    editions: list[Edition] = []
    seen: set[str] = set()
    for slug, item_line in _scalars(fields["manuscripts"][0], f"clinic '{key}': 'manuscripts'",
                                    path, problems):
        if slug in seen:
            problems.add(path, item_line, f"clinic '{key}': manuscript '{slug}' is listed twice",
                         code="distribution")
            continue
        seen.add(slug)
        if slug in refused:
            problems.warn(path, item_line, f"clinic '{key}': manuscript '{slug}' was refused and "
                          "is left out of this clinic's files", code="distribution")
            continue
        m = manuscripts.get(slug)
        if m is None and partial and SLUG.match(slug):
            problems.warn(path, item_line, f"clinic '{key}': manuscript '{slug}' is not in this "
                          "release and is left out of this clinic's files", code="distribution")
            continue
        if m is None:
            problems.add(path, item_line, f"clinic '{key}': unknown manuscript '{slug}'; the "
                         f"release has: {', '.join(sorted(manuscripts)) or 'none'}"
                         + did_you_mean(slug, manuscripts), code="distribution")
            continue
        if languages is not None and not any(_language_matches(m.lang, lang)
                                             for lang in languages):
            problems.add(path, item_line, f"clinic '{key}': manuscript '{slug}' is in "
                         f"'{m.lang}', not in the clinic's languages ({', '.join(languages)})",
                         code="distribution")
            continue
        wanted = [a for a in m.audiences if a in audiences]
        if not wanted and audiences:  # no audiences left: each was reported above
            problems.add(path, item_line, f"clinic '{key}': manuscript '{slug}' has no "
                         f"{' or '.join(audiences)} edition (it has: {', '.join(m.audiences)})",
                         code="distribution")
            continue
        editions.extend(Edition(slug, a) for a in wanted)
    if len(problems.errors) > errors_before:
        return None
    if not editions:
        problems.warn(path, line, f"clinic '{key}' receives no file; no zip is made for it",
                      code="distribution")
        return None
    name = fields["name"][0].value if "name" in fields else key
    return Clinic(key, str(name), paper, tuple(editions), line)


def _language_matches(lang: str, wanted: str) -> bool:
    """'es' takes every Spanish manuscript; 'es-MX' only those tagged so."""
    if "-" in wanted:
        return lang.lower() == wanted.lower()
    return language_of(lang) == wanted.lower()
