"""The web folder around the HTML editions: ``assets/`` and ``index.html``.

``assets/`` holds what every page shares: the stylesheets, the project's
fonts (with their licence) and the content-named images the pages show.
``index.html`` lists every handout the folder's manifest describes, with its
status, version, dates and a link to each edition in each format.  Both are
written only when their bytes change, atomically, and depend on nothing but
their inputs, so two builds write the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import i18n
from .errors import PipelineError, Problems, is_file
from .formats.web import ASSETS, image_name
from .html import render_template
from .images import screen_copy
from .manuscript import load_manuscript
from .model import HandoutSummary, Manuscript
from .output import cannot_write, read_manifest, write_atomic

FORMAT_ORDER = ("html", "pdf", "epub")
FORMAT_LABELS = {"html": "HTML", "pdf": "PDF", "epub": "EPUB"}
IMAGE_LINK = re.compile(rf'"{ASSETS}/images/([0-9a-f]+\.[A-Za-z0-9]+)"')


def summaries(manifest: Mapping[str, Any], known: Mapping[str, Manuscript],
              bibliography_dir: Path) -> list[HandoutSummary]:
    """One summary per handout of ``manifest``, with the dates its entries recorded.

    The dates are those of the manuscript that made the files, so a later edit
    that fails to build leaves them as they were.  Entries of an older manifest
    without dates take them from ``known`` (manuscripts already loaded, by slug)
    or from their source read again; a source that no longer reads leaves them out.
    """
    by_slug: dict[str, list[dict]] = {}
    for entry in manifest.get("artifacts", []):
        by_slug.setdefault(entry["manuscript"], []).append(entry)
    out = []
    for slug, entries in sorted(by_slug.items()):
        first = entries[0]
        last_updated, next_review = _dates(first)
        if last_updated is None:  # a manifest written before entries carried the dates
            m = known.get(slug) or _reload(Path(first["source"]), bibliography_dir)
            if m is not None and m.slug == slug:
                last_updated, next_review = m.last_updated, m.next_review
        files = tuple(sorted((e["audience"], e["format"], e["path"]) for e in entries))
        grade = next((e["reading_grade"] for e in entries if e.get("reading_grade") is not None),
                     None)
        out.append(HandoutSummary(
            slug=slug, title=first["title"], status=first["status"], version=first["version"],
            source=first["source"], lang=first.get("lang", "en-US"),
            last_updated=last_updated, next_review=next_review,
            audiences=tuple(dict.fromkeys(a for a, _f, _p in files)), files=files,
            reading_grade=grade))
    return out


def _dates(entry: Mapping[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    """The dates a manifest entry recorded for its manuscript's files (ISO), if any."""
    def day(value: Any) -> dt.date | None:
        try:
            return dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None
    return day(entry.get("last_updated")), day(entry.get("next_review"))


def _reload(source: Path, bibliography_dir: Path) -> Manuscript | None:
    try:
        return load_manuscript(source, bibliography_dir)[0]
    except (PipelineError, OSError):
        return None


def index_context(handouts: Iterable[HandoutSummary]) -> dict[str, Any]:
    """What the index template shows: one row per handout, English labels."""
    words = i18n.messages("en")
    rows = []
    for h in handouts:
        editions = []
        for audience in h.audiences:
            links = [{"label": FORMAT_LABELS.get(fmt, fmt.upper()), "href": path,
                      "name": f"{words[f'audience_{audience}']}, {FORMAT_LABELS.get(fmt, fmt)}"}
                     for fmt in FORMAT_ORDER
                     for a, f, path in h.files if a == audience and f == fmt]
            editions.append({"label": words[f"audience_{audience}"], "links": links})
        main = next((p for _a, f, p in h.files if f == "html"), "")
        rows.append({
            "slug": h.slug, "title": h.title, "href": main, "status": h.status, "lang": h.lang,
            "status_label": words.get(f"status_{h.status}", h.status), "version": h.version,
            "last_updated": i18n.format_date(h.last_updated, "en-US") if h.last_updated else "",
            "last_updated_iso": h.last_updated.isoformat() if h.last_updated else "",
            "next_review": i18n.format_date(h.next_review, "en-US") if h.next_review
            else words["not_scheduled"],
            "next_review_iso": h.next_review.isoformat() if h.next_review else "",
            "editions": editions, "problems": list(h.problems),
        })
    return {"words": words, "rows": rows, "assets": ASSETS, "lang": "en"}


def index_html(handouts: Iterable[HandoutSummary], styles: Path) -> str:
    """The index page of a folder of handouts."""
    return render_template(styles / "templates", "index.html.j2", index_context(handouts))


def _write_if_changed(path: Path, data: bytes, what: str = "the file") -> None:
    """Write ``path`` unless it holds ``data``; a failure is reported at the file itself."""
    if not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
        try:
            write_atomic(path, data)
        except OSError as exc:
            raise PipelineError.at(path, None, cannot_write(path, exc, what), "write") from None


def write_assets(out: Path, styles: Path, manuscripts: Iterable[Manuscript],
                 images: Iterable[Path] | None = None) -> None:
    """Stylesheets, fonts and every image an HTML edition in ``out`` links to.

    ``images`` are the files the manuscripts' bodies refer to, when known
    (else found in their bodies).
    """
    from .cache_keys import referenced_files

    folder = out / ASSETS
    for name in ("fonts.css", "web.css", "code.css", "callouts.css", "lists.css"):
        _write_if_changed(folder / "css" / name, (styles / "css" / name).read_bytes())
    for font in sorted((styles / "fonts").iterdir()):
        if font.suffix.lower() in (".ttf", ".otf", ".woff", ".woff2") or font.name.startswith("OFL"):
            _write_if_changed(folder / "fonts" / font.name, font.read_bytes())
    sources: dict[str, Path] = {}
    if images is None:
        images = [image for m in manuscripts for image in referenced_files(m)]
    for image in images:
        if is_file(image):
            sources[image_name(image)] = image
    wanted: set[str] = set()
    for page in sorted(out.glob("*.html")):
        wanted.update(IMAGE_LINK.findall(page.read_text(encoding="utf-8", errors="replace")))
    images = folder / "images"
    for name in sorted(wanted):
        if name in sources:
            _write_if_changed(images / name, screen_copy(sources[name])[0])
    if images.is_dir():  # images no page shows any more
        for old in images.iterdir():
            if old.name not in wanted:
                old.unlink()


def write_site(out: Path, styles: Path, manuscripts: Iterable[Manuscript],
               bibliography_dir: Path, images: Iterable[Path] | None = None) -> Problems:
    """``assets/`` and ``index.html`` for the folder ``out`` as its manifest describes it.

    ``images``: see :func:`write_assets`.
    """
    problems = Problems()
    known = {m.slug: m for m in manuscripts}
    manifest = read_manifest(out)
    if not (out / "index.html").is_file() and not any(
            entry.get("format") == "html" for entry in manifest.get("artifacts", [])):
        return problems  # no web page yet: nothing for an index to list
    try:
        write_assets(out, styles, known.values(), images)
        handouts = summaries(manifest, known, bibliography_dir)
        _write_if_changed(out / "index.html", index_html(handouts, styles).encode("utf-8"),
                          "the index")
    except PipelineError as exc:
        problems.extend(exc.problems)
    except OSError as exc:
        problems.add(out / "index.html", None, cannot_write(out / "index.html", exc, "the index"),
                     code="write")
    return problems
