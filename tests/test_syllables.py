"""The CMU dictionary's syllable counts kept as a compact table in the render cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT

from pipeline import cache, cache_folder, syllables
from pipeline.manuscript import load_manuscript
from pipeline.readability import assess, measure

PROSE = ("Intra-articular corticosteroid administration notwithstanding, multidisciplinary "
         "rehabilitation demonstrates considerably superior outcomes. Take the tablets with "
         "water. Rest when you feel tired, and call the clinic's nurse if it hurts.")

PATIENT_PAGE = """---
title: Syllables kept
version: 1.0.0
status: approved
last_updated: 2025-03-01
reviewers: [{name: A Reviewer, role: Pharmacist, date: 2025-02-27}]
audiences: [clinician, patient]
---

::: {audience="patient"}
""" + PROSE + """
:::
"""


@pytest.fixture(autouse=True)
def fresh_tables():
    """Each test reads its tables afresh, as a new process would."""
    syllables._table.cache_clear()
    yield
    syllables._table.cache_clear()


@pytest.fixture(scope="module")
def dictionary() -> dict[str, int]:
    """The counts read from the dictionary's own text."""
    return syllables.parse_dictionary(syllables._dictionary().read_text(encoding="utf-8"))


def _tables(folder: Path) -> list[Path]:
    return sorted(folder.glob("syllables-*.bin"))


def test_the_table_gives_every_word_of_the_dictionary_its_count(dictionary):
    table = syllables.decode(syllables.encode(dictionary))
    assert table is not None and len(table) == len(dictionary) > 100_000
    assert {word: table.get(word) for word in dictionary} == dictionary
    # words the dictionary lacks, before its first, after its last, and between two
    for word in ("", "0", "aaaaaa", "zzzzzzzz", "naïve", "corticosteroidx", "über"):
        assert word not in dictionary
        assert table.get(word) is None
    assert dictionary["administration"] == table.get("administration") == 5


def test_kept_hyphenation_patterns_hyphenate_as_pyphen_does(dictionary):
    import pyphen

    english = pyphen.Pyphen(lang="en")
    patterns = syllables._plain_patterns(english.hd)
    assert patterns is not None and len(patterns) > 1000
    table = syllables.decode(syllables.encode({}, patterns))
    assert table is not None and table.patterns == patterns
    words = list(dictionary)[::40] + ["intraarticular", "proprioceptive", "naïveté",
                                       "haemoglobinopathies", "x", "qwrtzp"]
    words += [word + "ness" for word in words[::3]]
    assert {w: table.syllables(w) for w in words} == {
        w: len(english.positions(w)) + 1 for w in words}


def test_a_build_with_the_cache_writes_the_table_and_the_next_process_reads_it(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    without = measure([PROSE], "en-US")
    with syllables.kept_in(folder):
        written = measure([PROSE], "en-US")
    [kept] = _tables(folder)
    assert kept.stat().st_size > 1_000_000
    syllables._table.cache_clear()  # a new process
    with syllables.kept_in(folder):
        assert isinstance(syllables.table().dictionary, syllables.Sorted)
        assert syllables.table().patterns
        read = measure([PROSE], "en-US")
    assert without == written == read
    assert read.words == 28 and read.syllables > 2 * read.words


def test_the_render_cache_keeps_the_table_when_it_measures_a_manuscript(tmp_path):
    source = tmp_path / "kept.md"
    source.write_text(PATIENT_PAGE, encoding="utf-8")
    m, _ = load_manuscript(source, tmp_path)
    store = cache.Cache(tmp_path / "cache", ROOT / "styles")
    reading = store.remember_reading(m)
    assert reading == assess(m)
    assert len(_tables(tmp_path / "cache")) == 1


def test_a_damaged_table_reads_as_missing_and_is_written_again(tmp_path):
    with syllables.kept_in(tmp_path):
        expected = measure([PROSE], "en-US")
    [kept] = _tables(tmp_path)
    whole = kept.read_bytes()
    for damaged in (whole[: len(whole) // 2], whole[:-1] + bytes([whole[-1] ^ 1]), b""):
        assert syllables.decode(damaged) is None
        kept.write_bytes(damaged)
        syllables._table.cache_clear()
        with syllables.kept_in(tmp_path):
            assert measure([PROSE], "en-US") == expected
        assert kept.read_bytes() == whole


def test_a_table_of_another_dictionary_is_replaced(tmp_path):
    other = tmp_path / ("syllables-" + "0" * 64 + ".bin")
    other.write_bytes(b"an older dictionary's table")
    notes = tmp_path / "syllables-notes.txt"
    notes.write_text("someone else's", encoding="utf-8")
    with syllables.kept_in(tmp_path):
        syllables.table()
    assert [p.name for p in _tables(tmp_path)] != [other.name]
    assert not other.exists() and notes.exists()


def test_a_cache_that_cannot_be_written_still_counts(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    with syllables.kept_in(blocked):
        assert measure([PROSE], "en-US") == measure([PROSE], "en")
    assert blocked.read_text(encoding="utf-8") == "a file where the cache folder should be"


def test_emptying_the_cache_removes_the_table_and_nothing_else(tmp_path):
    with syllables.kept_in(tmp_path):
        syllables.table()
    notes = tmp_path / "syllables-notes.txt"
    notes.write_text("someone else's", encoding="utf-8")
    removed, kept = cache_folder.clear(tmp_path)
    assert removed == 1 and kept == 1
    assert _tables(tmp_path) == [] and notes.exists()


def test_check_keeps_the_table_in_the_render_cache_unless_told_not_to(tmp_path):
    from pipeline.build import BuildOptions, check

    source = tmp_path / "kept.md"
    source.write_text(PATIENT_PAGE, encoding="utf-8")
    folder = tmp_path / "cache"
    folder.mkdir()
    uncached = check([source], BuildOptions(cache_dir=folder, use_cache=False)).readings["kept"]
    assert _tables(folder) == []
    syllables._table.cache_clear()
    written = check([source], BuildOptions(cache_dir=folder)).readings["kept"]
    assert len(_tables(folder)) == 1
    syllables._table.cache_clear()
    with syllables.kept_in(folder):
        assert isinstance(syllables.table().dictionary, syllables.Sorted)
    assert check([source], BuildOptions(cache_dir=folder)).readings["kept"] \
        == written == uncached
