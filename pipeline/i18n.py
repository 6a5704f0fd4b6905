"""Message catalogues and locale data for the fixed strings of a handout.

Catalogues live in ``styles/locales/<language>.yaml``; a language without a
catalogue is an error rather than a half-translated handout.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import yaml

from .errors import PipelineError, did_you_mean

STYLES = Path(__file__).resolve().parent.parent / "styles"


def language_of(lang: str) -> str:
    """The primary language subtag: ``es-MX`` -> ``es``."""
    return lang.split("-")[0].lower()


def supported_languages(styles: Path = STYLES) -> list[str]:
    return sorted(p.stem for p in (styles / "locales").glob("*.yaml"))


@functools.cache
def _catalogue(path: Path) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def messages(lang: str, styles: Path = STYLES) -> dict[str, str]:
    """The catalogue for ``lang``; English strings fill any key it lacks."""
    language = language_of(lang)
    path = styles / "locales" / f"{language}.yaml"
    if not path.is_file():
        raise PipelineError.at(styles / "locales", None, f"no message catalogue for '{lang}'")
    base = dict(_catalogue(styles / "locales" / "en.yaml"))
    base.update(_catalogue(path))
    return base


def check_language(lang: str, where: Path, line: int | None, styles: Path = STYLES) -> None:
    supported = supported_languages(styles)
    if language_of(lang) not in supported:
        raise PipelineError.at(
            where, line,
            f"language '{lang}' is not supported; supported: {', '.join(supported)}"
            + did_you_mean(language_of(lang), supported),
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
