"""DAISY Ace, the EPUB accessibility checker, on a built EPUB.

Ace reads the package's accessibility metadata and runs axe-core on every
content document in Debian's Chromium (bootstrap.py installs Ace from
tests/ace/package-lock.json, without its own browser download).  The
constructs fixture is used because it holds most of what a handout may carry:
tables, figures, footnotes, code, definition and task lists, raw HTML,
citations and a reference list.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT

pytestmark = pytest.mark.slow

ACE = ROOT / "tests" / "ace" / "node_modules" / ".bin" / "ace-cli"
# What an EPUB says of itself but cannot prove: who certified it and where the report is.
OPTIONAL_METADATA = {"a11y:certifierCredential", "a11y:certifierReport"}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, constructs: Path) -> dict:
    if not (ACE.exists() and shutil.which("chromium")):
        pytest.fail("DAISY Ace or Chromium is missing: run python3 bootstrap.py test")
    tmp = tmp_path_factory.mktemp("ace")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": shutil.which("chromium") or ""}
    done = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(tmp / "ace"),
                           str(constructs / "constructs.clinician.epub")],
                          check=False, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((tmp / "ace" / "report.json").read_text())


def _violations(report: dict) -> list[str]:
    return [f"{document['earl:testSubject']['url']}: {check['earl:test']['dct:title']}: "
            f"{check['earl:result'].get('html', '')}"
            for document in report["assertions"] for check in document.get("assertions", [])]


def test_ace_finds_no_violation_in_any_document(report: dict) -> None:
    assert _violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    checked = {document["earl:testSubject"]["url"] for document in report["assertions"]}
    assert "nav.xhtml" in checked and any(u.startswith("text/") for u in checked)


def test_ace_finds_the_accessibility_metadata(report: dict) -> None:
    metadata = report["a11y-metadata"]
    assert set(metadata["missing"]) <= OPTIONAL_METADATA
    assert metadata["empty"] == []
    assert {"schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard",
            "schema:accessibilitySummary", "schema:accessModeSufficient",
            "dcterms:conformsTo"} <= set(metadata["present"])
