"""Time reading a 500-entry .bib and converting the 50 entries a manuscript cites.

    python benchmarks/bench_bibliography.py            # 5 runs, each in a fresh process
    python benchmarks/bench_bibliography.py --runs 10
    python benchmarks/bench_bibliography.py --entries 5000 --cited 500   # a large export
    invoke bench-bibliography

The file mixes what reference managers write (Zotero, Better BibLaTeX,
Mendeley, EndNote, JabRef): accents in every notation, particles, corporate
authors, math in titles, ``@string`` and ``#``, crossref and xdata parents,
``%`` comments inside entries, and, every 25 entries, something wrong: an
unclosed entry, a duplicate key, a repeated field, an underscore type.  Each
run is a new Python process (no warm caches): it reads the file, resolves
inheritance and converts the cited entries to CSL-JSON, as a build does for a
manuscript.  The target is under 1 s of wall time; the CPU time of the same
work (pandoc's included) is reported too, since on a machine shared with
other work the wall time measures the load as much as the code.  Results go
to ``benchmarks/results/``.
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
ENTRIES = 500
CITED = 50

GIVEN = ["Ana", "J{\\\"o}rg", "S{\\o}ren", "Fran\\c{c}ois", "Th\\'{i} Lan", "ME", "Åsa"]
FAMILY = ["M{\\\"u}ller", "de la Cruz", "van der Berg", "O'Connor", "Nguy\\~{\\^e}n", "Axford",
          "{\\v{S}}imek", "Stra{\\ss}er"]


def entry(i: int) -> str:
    """One entry in the manner of exporter ``i % 5``, with a fault every 25 entries."""
    names = " and ".join(f"{FAMILY[(i + k) % len(FAMILY)]}, {GIVEN[(i + k) % len(GIVEN)]}"
                         for k in range(1 + i % 4))
    fault = i % 25 == 24
    style = i % 5
    if style == 0:
        text = (f"@article{{e{i},\n\ttitle = {{Uptake of $^{{\\textrm{{18}}}}${{F}}{{AV}} in "
                f"{{Cohort}} {i}}},\n\tauthor = {{{names}}},\n\tjournal = jpr # \" Suppl\",\n"
                f"\tyear = {{{1990 + i % 30}}},\n\tmonth = mar,\n\tvolume = {{{i}}},\n"
                f"\tpages = {{{i}--{i + 9}}},\n\tkeywords = {{Humans, Practice Guideline}},\n}}")
    elif style == 1:
        text = (f"@incollection{{e{i},\n  % chapter of the parent below\n  title = {{Chapter "
                f"{i}: {{\\em in vivo}} results}},\n  author = {{{names}}},\n  crossref = "
                f"{{book{i % 10}}},\n  pages = {{1--{i}}},\n}}")
    elif style == 2:
        text = (f"@book_section{{e{i},\nauthor = {{{names}}},\ntitle = {{{{Pain \\& "
                f"function {i}}}}},\nbooktitle = {{Essentials}},\npublisher = {{Elsevier}},\n"
                f"year = {{2020}}\n}}")
    elif style == 3:
        text = (f"@article{{e{i},\n   author = {{{names}}},\n   title = {{Trial {i} --- a "
                f"randomised study at 5\\({{}}^{{\\mbox{{th}}}}\\) year}},\n   journal = {{Pain}},"
                f"\n   year = {{2021}},\n   type = {{Journal Article}},\n   keywords = "
                f"{{Randomised Controlled Trial; Pain}}\n}}")
    else:
        text = (f"@Video{{e{i},\n  editor = {{{names}}},\n  editortype = {{director}},\n  "
                f"title = {{Film {i}}},\n  date = {{2019-04-{1 + i % 28:02d}}},\n  xdata = "
                f"{{studio}},\n}}")
    if fault:
        text = [text.rstrip("}").rstrip(),  # never closed
                text.replace("title =", "title = {Again},\n  title =", 1),
                text][i // 25 % 3]
    return text


def bibliography(count: int = ENTRIES) -> str:
    """The ``count``-entry file, with its @strings, parents and a duplicate key."""
    parts = ["Exported by several reference managers.\n", "@string{jpr = {J Pain Res}}",
             "@xdata{studio, publisher = {Northlight Films}, location = {London}}"]
    parts += [f"@book{{book{k}, title = {{Handbook {k}}}, editor = {{Hart, Owen}}, "
              f"publisher = {{Mosby}}, year = {{2015}}}}" for k in range(10)]
    parts += [entry(i) for i in range(count)]
    parts.append("@article{e3, title = {A second e3}, year = 2000}")
    return "\n\n".join(parts) + "\n"


RUN = """
import json, os, sys, time
from pathlib import Path
start = time.perf_counter()
from pipeline.bibtex import load_bibliographies, to_csl
from pipeline.errors import Problems
imported = time.perf_counter()
before = os.times()
problems = Problems()
cited = [f"e{{10 * k + k % 5}}" for k in range({cited})]  # every exporter's manner
entries = load_bibliographies((Path(sys.argv[1]),), problems, cited)
read = time.perf_counter()
items = to_csl([entries[k] for k in cited if k in entries], problems)
done = time.perf_counter()
after = os.times()
cpu = sum(after[:4]) - sum(before[:4])  # this process and pandoc, reading and converting
print(json.dumps({{"import": imported - start, "read": read - imported,
                  "convert": done - read, "total": done - imported, "items": len(items),
                  "problems": len(problems.items), "cpu": cpu}}))
"""


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entries", type=int, default=ENTRIES, help="entries in the file")
    parser.add_argument("--cited", type=int, default=CITED,
                        help="entries cited (at most a tenth of --entries)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.entries < 10 or not 1 <= args.cited <= args.entries // 10:
        parser.error("--runs at least 1, --entries at least 10, --cited 1 to a tenth of --entries")
    with tempfile.TemporaryDirectory() as scratch:
        bib = Path(scratch) / "refs.bib"
        bib.write_text(bibliography(args.entries), encoding="utf-8")
        code = RUN.format(entries=args.entries, cited=args.cited)
        runs = fresh_runs(code, [str(bib)], args.runs)
    result = summary(runs, "total", TARGET_SECONDS, entries=args.entries, cited=args.cited)
    line = (f"read {args.entries} entries and converted {runs[0]['items']} cited ones "
            f"({runs[0]['problems']} problems reported): median {result['median_seconds']:.3f} s, "
            f"max {result['max_seconds']:.3f} s over {args.runs} fresh processes "
            f"(target < {TARGET_SECONDS:.0f} s; read {median(runs, 'read'):.3f}"
            f" s, convert {median(runs, 'convert'):.3f} s; CPU time of both, "
            f"pandoc's included: {median(runs, 'cpu'):.3f} s; {load()})")
    return save("bibliography", "Bibliography benchmark", result, line)


if __name__ == "__main__":
    sys.exit(main())
