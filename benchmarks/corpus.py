"""A synthetic but realistic corpus of handouts for the benchmark.

``make_corpus(folder, n)`` writes ``n`` manuscripts under
``folder/manuscripts/`` and one shared ``folder/bibliography/corpus.bib``.
Manuscripts vary in length (about 1 to 12 pages), cite 5 to 40 sources
each, and carry tables, nested lists, footnotes and one audience each; the
same seed gives the same files.  ``make_big`` writes one long manuscript
(about 300 pages) for the memory measurement.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

TOPICS = [
    ("low back pain", "lumbar"), ("knee osteoarthritis", "knee"), ("tennis elbow", "elbow"),
    ("rotator cuff tendinopathy", "shoulder"), ("plantar fasciitis", "heel"),
    ("neck pain", "cervical"), ("hip osteoarthritis", "hip"), ("migraine", "headache"),
    ("sacroiliac joint pain", "sacroiliac"), ("Achilles tendinopathy", "ankle"),
    ("fibromyalgia", "widespread"), ("carpal tunnel syndrome", "wrist"),
]
TREATMENTS = ["platelet-rich plasma", "prolotherapy", "mesenchymal stem cells",
              "corticosteroid injection", "physical therapy", "exercise therapy",
              "radiofrequency ablation", "hyaluronic acid", "acupuncture",
              "cognitive behavioural therapy", "topical NSAIDs", "bone marrow aspirate"]
NOUNS = ["evidence", "trial", "cohort", "response", "outcome", "dose", "follow-up", "effect",
         "benefit", "risk", "injection", "protocol", "patient group", "review", "guideline",
         "function score", "pain score", "adverse event", "placebo arm", "meta-analysis"]
VERBS = ["supports", "suggests", "shows", "indicates", "questions", "confirms", "favours",
         "does not exclude", "highlights", "reports"]
ADJECTIVES = ["moderate", "limited", "consistent", "short-term", "long-term", "significant",
              "modest", "clinically relevant", "heterogeneous", "robust", "early", "sustained"]
JOURNALS = ["Pain Medicine", "The Journal of Pain", "Regional Anesthesia and Pain Medicine",
            "Pain Physician", "Arthroscopy", "The Spine Journal", "BMJ", "The Lancet Rheumatology",
            "American Journal of Sports Medicine", "Clinical Journal of Pain"]
SURNAMES = ["Smith", "García", "Nguyen", "Müller", "Okafor", "Rossi", "Kowalski", "Tanaka",
            "Dubois", "Andersson", "Silva", "Cohen", "Patel", "O'Brien", "Jensen", "Ivanova"]
CATEGORIES = ["Research", "Review", "Guideline", "Research", "Research"]


def _sentence(rng: random.Random, topic: str, keys: list[str]) -> str:
    words = [rng.choice(ADJECTIVES).capitalize(), rng.choice(NOUNS), rng.choice(VERBS),
             "that", rng.choice(TREATMENTS), "may help with", topic]
    if rng.random() < 0.4:
        words += ["in", rng.choice(["older adults", "athletes", "chronic cases",
                                    "early disease", "primary care"])]
    text = " ".join(words)
    if keys and rng.random() < 0.55:
        cited = rng.sample(keys, k=min(len(keys), rng.choice([1, 1, 1, 2, 3])))
        if rng.random() < 0.1:
            text += f" [@{cited[0]}, p. {rng.randint(2, 300)}]"
        else:
            text += " [" + "; ".join(f"@{k}" for k in cited) + "]"
    return text + "."


def _paragraph(rng: random.Random, topic: str, keys: list[str]) -> str:
    text = " ".join(_sentence(rng, topic, keys) for _ in range(rng.randint(3, 7)))
    if rng.random() < 0.08:
        text += f"^[{_sentence(rng, topic, [])}]"
    return textwrap.fill(text, 92)


def _table(rng: random.Random, topic: str) -> str:
    rows = ["| Treatment | Evidence level | Typical effect | Follow-up |",
            "|---|---|---|---|"]
    for treatment in rng.sample(TREATMENTS, rng.randint(3, 7)):
        rows.append(f"| {treatment} | {rng.choice(['I', 'II', 'III', 'IV'])} | "
                    f"{rng.choice(ADJECTIVES)} | {rng.randint(1, 24)} months |")
    return "\n".join(rows) + f"\n\n: Options for {topic}\n"


def _list(rng: random.Random, topic: str, keys: list[str]) -> str:
    ordered = rng.random() < 0.4
    lines = []
    for i in range(rng.randint(3, 6)):
        mark = f"{i + 1}." if ordered else "-"
        lines.append(f"{mark} {_sentence(rng, topic, keys)}")
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                lines.append(f"    - {_sentence(rng, topic, keys)}")
    return "\n".join(lines)


def manuscript_text(rng: random.Random, index: int, keys: list[str], sections: int,
                    slug: str) -> str:
    topic, _ = TOPICS[index % len(TOPICS)]
    treatment = TREATMENTS[index % len(TREATMENTS)]
    audience = "clinician" if index % 3 else "patient"
    status = rng.choice(["approved", "approved", "draft", "under-review"])
    front = [
        "---",
        f'title: "{treatment.capitalize()} for {topic}: handout {index + 1}"',
        f"version: 1.{index % 7}.{index % 3}",
        f"status: {status}",
        f"last_updated: 2025-{(index % 9) + 1:02d}-{(index % 27) + 1:02d}",  # before the epoch
        f"slug: {slug}",
        "authors:",
        "  - {name: Clinical Editorial Team, role: Writer}",
    ]
    if status == "approved":
        reviewer = "{name: Pain Medicine Review Panel, role: Clinical reviewer, date: 2025-10-01}"
        front += ["reviewers:", f"  - {reviewer}"]
    front += [f"audiences: [{audience}]", "lang: en-US", "bibliography: [corpus.bib]", "---", ""]
    body: list[str] = []
    remaining = list(keys)
    rng.shuffle(remaining)
    for s in range(sections):
        body.append(f"## {rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)} "
                    f"in {topic} ({s + 1})\n")
        # every key is cited at least once: hand them out section by section
        share = remaining[:max(1, len(keys) // sections + 1)]
        remaining = remaining[len(share):]
        pool = share or keys
        for p in range(rng.randint(2, 6)):
            body.append(_paragraph(rng, topic, pool if p == 0 else keys) + "\n")
            roll = rng.random()
            if roll < 0.15:
                body.append(_table(rng, topic))
            elif roll < 0.4:
                body.append(_list(rng, topic, keys) + "\n")
        if share:
            body.append(" ".join(f"See [@{k}]." for k in share) + "\n")
    for k in remaining:
        body.append(f"See also [@{k}].\n")
    return "\n".join(front) + "\n".join(body)


def bib_entry(rng: random.Random, key: str, i: int) -> str:
    authors = " and ".join(f"{rng.choice(SURNAMES)}, {chr(65 + rng.randint(0, 25))}."
                           for _ in range(rng.randint(1, 6)))
    topic, _ = TOPICS[i % len(TOPICS)]
    title = (f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)} of "
             f"{rng.choice(TREATMENTS)} in {topic}")
    kind = rng.choice(["article", "article", "article", "book", "techreport"])
    fields = [f"  author = {{{authors}}}", f"  title = {{{title}}}",
              f"  year = {{{rng.randint(1995, 2025)}}}",
              f"  category = {{{rng.choice(CATEGORIES)}}}"]
    if kind == "article":
        fields += [f"  journal = {{{rng.choice(JOURNALS)}}}",
                   f"  volume = {{{rng.randint(1, 60)}}}", f"  number = {{{rng.randint(1, 12)}}}",
                   f"  pages = {{{rng.randint(1, 900)}--{rng.randint(901, 999)}}}",
                   f"  doi = {{10.{rng.randint(1000, 9999)}/bench.{i}}}"]
    elif kind == "book":
        fields += ["  publisher = {Medical Press}", "  address = {London}"]
    else:
        fields += ["  institution = {{National Pain Guideline Group}}"]
    return f"@{kind}{{{key},\n" + ",\n".join(fields) + "\n}\n"


def make_corpus(folder: Path, n: int = 100, seed: int = 7, bib_size: int = 400) -> list[Path]:
    """Write ``n`` manuscripts and a shared .bib under ``folder``; return the manuscripts."""
    rng = random.Random(seed)
    (folder / "manuscripts").mkdir(parents=True, exist_ok=True)
    (folder / "bibliography").mkdir(parents=True, exist_ok=True)
    keys = [f"ref{i:04d}" for i in range(bib_size)]
    (folder / "bibliography" / "corpus.bib").write_text(
        "\n".join(bib_entry(rng, k, i) for i, k in enumerate(keys)), encoding="utf-8")
    paths = []
    for i in range(n):
        cited = rng.sample(keys, rng.randint(5, 40))
        sections = rng.choice([2, 3, 3, 4, 5, 6, 8, 10, 12])
        slug = f"handout-{i:03d}"
        path = folder / "manuscripts" / f"{slug}.md"
        path.write_text(manuscript_text(rng, i, cited, sections, slug), encoding="utf-8")
        paths.append(path)
    return paths


def make_big(folder: Path, sections: int = 300, seed: int = 11) -> Path:
    """One long manuscript: ``sections`` sections of about a page each.

    Each section is a heading, a cited paragraph and a long evidence table, so
    that 300 pages stay under the project's limit on a manuscript's size.
    """
    rng = random.Random(seed)
    (folder / "manuscripts").mkdir(parents=True, exist_ok=True)
    (folder / "bibliography").mkdir(parents=True, exist_ok=True)
    keys = [f"ref{i:04d}" for i in range(400)]
    (folder / "bibliography" / "corpus.bib").write_text(
        "\n".join(bib_entry(rng, k, i) for i, k in enumerate(keys)), encoding="utf-8")
    cited = rng.sample(keys, 40)
    text = manuscript_text(rng, 1, cited, 1, "big-handout").replace(
        'handout 2"', 'evidence tables"')
    parts = [text]
    for s in range(sections):
        topic, _ = TOPICS[s % len(TOPICS)]
        parts.append(f"## Evidence table {s + 1}: {topic}\n")
        parts.append(_sentence(rng, topic, cited) + " " + _sentence(rng, topic, cited) + "\n")
        rows = ["| Option | Level | Effect | Months |", "|---|---|---|---|"]
        rows += [f"| {rng.choice(TREATMENTS)} | {rng.choice(['I', 'II', 'III', 'IV'])} | "
                 f"{rng.choice(ADJECTIVES)} | {rng.randint(1, 24)} |" for _ in range(28)]
        parts.append("\n".join(rows) + "\n")
    path = folder / "manuscripts" / "big-handout.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def edit_one(path: Path) -> None:
    """A small editorial change: one sentence appended to the last paragraph."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + " One more sentence from the editor.\n",
                    encoding="utf-8")
