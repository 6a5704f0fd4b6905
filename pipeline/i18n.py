"""Message catalogues and locale data for the fixed strings of a handout.

Catalogues live in ``styles/locales/<language>.yaml``.  A language without a
catalogue, or a catalogue that lacks a key the English one has, is an error
rather than a half-translated handout.  Keys ``csl.<term>`` refine the CSL
locale's terms for that language (citeproc-py's own locale leaves some in
English); keys ``kind_<kind>`` name the kinds of source in reference lists.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

from .bundle import package_styles
from .errors import PipelineError, did_you_mean, yaml_problem

STYLES = package_styles()


def language_of(lang: str) -> str:
    """The primary language subtag: ``es-MX`` -> ``es``."""
    return lang.split("-")[0].lower()


def supported_languages(styles: Path = STYLES) -> list[str]:
    return sorted(p.stem for p in (styles / "locales").glob("*.yaml"))


@functools.cache
def _catalogue(path: Path) -> dict[str, str]:
    import yaml  # here: loading the format registry needs no catalogue

    try:
        data = yaml.load(path.read_text(encoding="utf-8"),
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:  # a project's own styles/locales/ may hold a typo
        mark = exc.problem_mark or exc.context_mark
        raise PipelineError.at(path, mark.line + 1 if mark else None,
                               f"not valid YAML: {yaml_problem(exc.problem)}",
                               "catalogue") from None
    if not isinstance(data, dict):
        raise PipelineError.at(path, 1, "a message catalogue maps each key to its text, one a "
                               "line, such as 'page_counter: Page'", "catalogue")
    return {str(k): str(v) for k, v in data.items()}


CSL_TERM = "csl."
OPTIONAL_PREFIXES = (CSL_TERM, "kind_")


def messages(lang: str, styles: Path = STYLES) -> dict[str, str]:
    """The catalogue for ``lang``; it must have every key of the English one."""
    language = language_of(lang)
    path = styles / "locales" / f"{language}.yaml"
    if not path.is_file():
        raise PipelineError.at(styles / "locales", None, f"no message catalogue for '{lang}'",
                               "bad-lang")
    words = dict(_catalogue(path))
    reference = _catalogue(styles / "locales" / "en.yaml")
    missing = sorted(k for k in reference if k not in words and not k.startswith(OPTIONAL_PREFIXES))
    if missing:
        raise PipelineError.at(path, None, f"the '{language}' catalogue lacks "
                               f"{', '.join(repr(k) for k in missing)}: every fixed string of a "
                               "handout must be translated", "catalogue")
    return words


def csl_terms(words: dict[str, str]) -> dict[str, str]:
    """The CSL term overrides of a catalogue: {'accessed': 'consultado', ...}."""
    return {k[len(CSL_TERM):]: v for k, v in words.items() if k.startswith(CSL_TERM)}


def with_csl_terms(style_xml: bytes, locale: str, terms: dict[str, str]) -> bytes:
    """A CSL style with ``terms`` as an in-style locale for ``locale``, which CSL prefers."""
    if not terms:
        return style_xml
    return _with_terms(style_xml, locale, tuple(sorted(terms.items())))


@functools.lru_cache(maxsize=32)  # a worker formats many handouts in few styles and languages
def _with_terms(style_xml: bytes, locale: str, terms: tuple[tuple[str, str], ...]) -> bytes:
    from lxml import etree

    ns = "http://purl.org/net/xbiblio/csl"
    root = etree.fromstring(style_xml)
    element = etree.Element(f"{{{ns}}}locale")
    element.set("{http://www.w3.org/XML/1998/namespace}lang", locale)
    terms_element = etree.SubElement(element, f"{{{ns}}}terms")
    for name, text in terms:
        etree.SubElement(terms_element, f"{{{ns}}}term", name=name).text = text
    info = root.find(f"{{{ns}}}info")
    (info.addnext(element) if info is not None else root.insert(0, element))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def kind_label(kind: str, words: dict[str, str]) -> str:
    """The kind of a source ('Research', 'Guideline', ...) in the catalogue's language."""
    return words.get("kind_" + "_".join(kind.lower().split()), kind)


def check_language(lang: str, where: Path, line: int | None, styles: Path = STYLES) -> None:
    supported = supported_languages(styles)
    if language_of(lang) not in supported:
        raise PipelineError.at(
            where, line,
            f"language '{lang}' is not supported; supported: {', '.join(supported)}"
            + (did_you_mean(language_of(lang), supported) or
               f" (to add it, translate styles/locales/en.yaml as "
               f"styles/locales/{language_of(lang)}.yaml and each disclaimer, "
               f"styles/disclaimers/NAME.en.md, as NAME.{language_of(lang)}.md)"),
            "bad-lang",
        )


def format_date(date: dt.date, lang: str) -> str:
    """A date as readers of ``lang`` write it: 'September 18, 2025', '18 de septiembre de 2025'."""
    from babel.dates import format_date as babel_format

    return babel_format(date, format="long", locale=lang.replace("-", "_"))


@functools.cache
def csl_locale(lang: str) -> str:
    """The citeproc-py locale for a BCP 47 tag."""
    import citeproc

    folder = Path(citeproc.__file__).parent / "data" / "locales"
    if (folder / f"locales-{lang}.xml").is_file():
        return lang
    dialects = json.loads((folder / "locales.json").read_text())["primary-dialects"]
    return dialects.get(language_of(lang), "en-US")
