"""Time the citation stage: 200 citations and a 200-entry reference list in AMA.

    python benchmarks/bench_citations.py            # 5 runs, each in a fresh process
    python benchmarks/bench_citations.py --runs 10 --style apa
    invoke bench-citations

A manuscript body cites 200 sources 200 times (single cites, groups of two
to five, locators, narrative and suppressed-author cites); the sources are
articles, books and chapters with 1 to 12 authors.  The body is parsed by
pandoc and the BibTeX read before the clock starts; what is timed is
``format_citations``, the stage a build runs: the style prepared, every
citation formatted, disambiguated and collapsed, and the reference list
sorted and formatted.  Each run is a new Python process, so the first
formatting includes loading the style and its locale.  Target: under 1 s.
Results go to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from fresh import fresh_runs, load, median, save, summary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_SECONDS = 1.0
SOURCES = 200
CITATIONS = 200
FAMILY = ["Müller", "García", "van der Berg", "O'Connor", "Nguyen", "Axford", "Østergaard",
          "Håkansson", "Smith", "Lee", "Kim", "Dubois"]
GIVEN = ["Ana", "ME", "Jörg", "Søren", "François", "Li", "J. P."]


def bibliography() -> str:
    """200 entries: articles, books and chapters with 1 to 12 authors."""
    out = []
    for i in range(SOURCES):
        names = " and ".join(f"{FAMILY[(i + k) % len(FAMILY)]}, {GIVEN[(i * 3 + k) % len(GIVEN)]}"
                             for k in range(1 + i % 12))
        year = 1995 + i % 30
        if i % 3 == 0:
            out.append(f"@article{{s{i}, author = {{{names}}}, title = {{Outcomes of treatment "
                       f"{i}: a randomised trial}}, journal = {{Pain Medicine}}, year = {year}, "
                       f"volume = {i % 40 + 1}, number = {i % 12 + 1}, pages = {{{i}--{i + 12}}},"
                       f" doi = {{10.1000/pm.{i}}}}}")
        elif i % 3 == 1:
            out.append(f"@book{{s{i}, author = {{{names}}}, title = {{Handbook of pain {i}}}, "
                       f"publisher = {{Elsevier}}, address = {{London}}, year = {year}, "
                       f"edition = {{2}}}}")
        else:
            out.append(f"@incollection{{s{i}, author = {{{names}}}, title = {{Chapter {i}}}, "
                       f"booktitle = {{Regenerative medicine}}, editor = {{Hart, Owen and Stone, "
                       f"Dana}}, publisher = {{Mosby}}, year = {year}, pages = {{1--{i + 9}}}}}")
    return "\n\n".join(out) + "\n"


def body() -> str:
    """A body with 200 citations of the 200 sources."""
    parts = []
    for i in range(CITATIONS):
        key = f"s{i}"
        if i % 10 == 3:
            parts.append(f"Sentence {i} [@{key}; @s{(i + 1) % SOURCES}; @s{(i + 2) % SOURCES}].")
        elif i % 10 == 5:
            parts.append(f"Sentence {i} [@{key}, p. {i + 3}].")
        elif i % 10 == 7:
            parts.append(f"As @{key} found in sentence {i}.")
        elif i % 10 == 9:
            parts.append(f"Sentence {i} [see @{key}; @s{(i * 7) % SOURCES}, chap. 2].")
        else:
            parts.append(f"Sentence {i} [@{key}].")
    return "\n\n".join(" ".join(parts[i:i + 5]) for i in range(0, len(parts), 5)) + "\n"


RUN = """
import json, sys, time, datetime
from pathlib import Path
start = time.perf_counter()
from pipeline import citations
from pipeline.bibtex import load_bibliographies, to_csl
from pipeline.body import parse_body
from pipeline.csl import load_style
from pipeline.errors import Problems
from pipeline.i18n import messages
from pipeline.manuscript import load_manuscript
imported = time.perf_counter()
manuscript, problems = load_manuscript(Path(sys.argv[1]), Path(sys.argv[1]).parent)
problems = Problems()
ast = parse_body(manuscript, problems)
entries = load_bibliographies(manuscript.bibliography, problems)
cited = citations.citation_keys(ast)
items = to_csl([entries[k] for k in cited], problems)
words = messages("en-US", Path(sys.argv[2]))
ready = time.perf_counter()
cpu = time.process_time()
style = load_style(manuscript.csl, manuscript.path, None)
cited_ast, references = citations.format_citations(manuscript, ast, entries, items, style,
                                                   "en-US", words, problems)
first = time.perf_counter()
cpu = time.process_time() - cpu
citations.format_citations(manuscript, ast, entries, items, style, "en-US", words, problems)
again = time.perf_counter()
print(json.dumps({{"import": imported - start, "first": first - ready, "again": again - first, "cpu": cpu,
                  "references": len(references), "errors": len(problems.errors)}}))
"""


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a line and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--style", default="american-medical-association")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "refs.bib").write_text(bibliography(), encoding="utf-8")
        (folder / "cites.md").write_text(
            f"---\ntitle: Citations\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n"
            f"bibliography: [refs.bib]\ncsl: {args.style}\n---\n\n{body()}", encoding="utf-8")
        runs = fresh_runs(RUN.format(), [str(folder / "cites.md"), str(ROOT / "styles")],
                          args.runs)
    result = summary(runs, "first", TARGET_SECONDS, style=args.style, sources=SOURCES,
                     citations=CITATIONS)
    line = (f"{args.style}: {CITATIONS} citations and a {runs[0]['references']}-entry reference "
            f"list formatted in median {result['median_seconds']:.3f} s, max "
            f"{result['max_seconds']:.3f} s over {args.runs} fresh processes (CPU time "
            f"{median(runs, 'cpu'):.3f} s; style and locale loaded each time; a second "
            f"formatting in the same process {median(runs, 'again'):.3f} s; target < "
            f"{TARGET_SECONDS:.0f} s; {load()})")
    return save("citations", "Citation benchmark", result, line)


if __name__ == "__main__":
    sys.exit(main())
