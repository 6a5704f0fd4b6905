"""Formula drawings kept in the render cache: an unchanged formula is laid out once."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import build_fixed

from pipeline import math

PAGE = """---
title: "Kept formulas"
version: 1.0.0
status: approved
last_updated: 2025-06-01
reviewers: [{{name: Panel, role: Reviewer, date: 2025-05-30}}]
---

{opening}

Body surface area $\\sqrt{{\\frac{{h \\times w}}{{3600}}}}$ in m².

$$\\mathrm{{CrCl}} = \\frac{{(140 - \\text{{age}}) \\times w}}{{72 \\times S_{{\\mathrm{{Cr}}}}}}$$

Again $\\sqrt{{\\frac{{h \\times w}}{{3600}}}}$, and $x_i^2$.
"""


def _write(folder: Path, opening: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "kept.md"
    source.write_text(PAGE.format(opening=opening), encoding="utf-8")
    return source


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "formulas").rglob("*.json"))


def test_a_rebuild_reads_each_unchanged_formula_from_the_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    math.draw.cache_clear()
    build_fixed([_write(tmp_path / "a", "First words.")], tmp_path / "out-a", jobs=1,
                formats=("pdf",), use_cache=True, cache_dir=cache)
    entries = _entries(cache)
    assert len(entries) == 3  # three distinct formulas, one of them used twice
    kept = [json.loads(entry.read_text(encoding="utf-8")) for entry in entries]
    assert all(entry["svg"].startswith("<svg") and entry["width"] > 0 for entry in kept)

    # an edit elsewhere: the PDF is made again, its formulas are read back
    edited = _write(tmp_path / "b", "Other words.")
    math.draw.cache_clear()
    monkeypatch.setattr(math, "patched_ziamath", _refuse)
    build_fixed([edited], tmp_path / "out-b", jobs=1, formats=("pdf",), use_cache=True,
                cache_dir=cache)
    monkeypatch.undo()
    math.draw.cache_clear()
    build_fixed([edited], tmp_path / "fresh", jobs=1, formats=("pdf",))
    assert (tmp_path / "out-b" / "kept.clinician.pdf").read_bytes() == \
        (tmp_path / "fresh" / "kept.clinician.pdf").read_bytes()
    assert _entries(cache) == entries


def test_a_damaged_drawing_is_laid_out_again_and_kept_anew(tmp_path):
    cache = tmp_path / "cache"
    math.draw.cache_clear()
    build_fixed([_write(tmp_path / "a", "First words.")], tmp_path / "out-a", jobs=1,
                formats=("pdf",), use_cache=True, cache_dir=cache)
    entries = _entries(cache)
    good = entries[0].read_text(encoding="utf-8")
    entries[0].write_text(good[:len(good) // 2], encoding="utf-8")
    entries[1].write_text(json.dumps({**json.loads(entries[1].read_text()), "width": "wide"}),
                          encoding="utf-8")
    math.draw.cache_clear()
    build_fixed([_write(tmp_path / "b", "Other words.")], tmp_path / "out-b", jobs=1,
                formats=("pdf",), use_cache=True, cache_dir=cache)
    assert entries[0].read_text(encoding="utf-8") == good
    assert isinstance(json.loads(entries[1].read_text(encoding="utf-8"))["width"], float)
    math.draw.cache_clear()


def test_a_build_without_the_cache_keeps_no_drawings(tmp_path):
    math.draw.cache_clear()
    build_fixed([_write(tmp_path / "a", "First words.")], tmp_path / "out", jobs=1,
                formats=("pdf",), cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache" / "formulas").exists()
    math.draw.cache_clear()


def _refuse() -> None:
    raise AssertionError("a kept formula was laid out again")


def test_emptying_the_render_cache_removes_the_drawings_and_nothing_else(tmp_path):
    from pipeline import cache_folder

    folder = tmp_path / "cache"
    math.draw.cache_clear()
    build_fixed([_write(tmp_path / "a", "First words.")], tmp_path / "out", jobs=1,
                formats=("pdf",), use_cache=True, cache_dir=folder)
    assert len(_entries(folder)) == 3
    (folder / "formulas" / "notes.txt").write_text("someone else's", encoding="utf-8")
    removed, _kept = cache_folder.clear(folder)
    assert removed >= 3 and _entries(folder) == []
    assert [p.name for p in (folder / "formulas").iterdir()] == ["notes.txt"]
    math.draw.cache_clear()


def test_drawings_take_at_most_a_tenth_of_the_cache_least_recently_used_going_first(tmp_path):
    import os

    from helpers import ROOT

    from pipeline import formula_store
    from pipeline.cache import Cache
    from pipeline.cache_folder import usage

    cache = tmp_path / "cache"
    (cache / formula_store.FOLDER).mkdir(parents=True)
    written = []
    for n in range(6):
        digest = f"{n:02d}" + "ab" * 31
        entry = cache / formula_store.FOLDER / digest[:2] / f"{digest}.json"
        entry.parent.mkdir()
        entry.write_text(json.dumps({"key": digest, "svg": "x" * 990}))
        os.utime(entry, ns=(n * 10**9, n * 10**9))  # the first is the oldest
        written.append(digest)
    with formula_store.kept_in(cache):
        assert formula_store.load(written[0]) is not None  # used now: the most recent
    Cache(cache, ROOT / "styles", max_bytes=35_000).finish()  # a tenth: 3,500 bytes
    kept = sorted(p.name[:2] for p in (cache / formula_store.FOLDER).glob("*/*.json"))
    assert kept == ["00", "04", "05"]
    assert usage(cache)[0] <= 35_000
