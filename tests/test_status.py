"""``status``: every handout at a glance, on fixtures with fixed dates."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest

from pipeline.cli import main

TODAY = "1760000000"  # 2025-10-09

HANDOUTS = {
    "alpha": """\
        title: "Alpha: a handout whose review is overdue"
        version: 1.0.0
        status: approved
        last_updated: 2024-10-01
        next_review: 2025-10-01
        reviewers: [{name: Dr Reviewer, date: 2024-09-30}]
        """,
    "beta": """\
        title: "Beta"
        version: 0.2.0
        status: draft
        last_updated: 2025-09-01
        audiences: [clinician, patient]
        next_review: 2025-11-03
        """,
    "gamma": """\
        title: "Gamma, a handout with a rather long title that the table shortens"
        version: 2.1.0
        status: under-review
        last_updated: 2025-06-01
        """,
}
BODY = """
## What it is

::: {audience="patient"}
Platelet-rich plasma is prepared from a small sample of your own blood.
The injection may ease the pain for several months.
:::

::: {audience="clinician"}
Clinicians read a considerably more elaborate description of the intervention.
:::
"""


@pytest.fixture()
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY)
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "manuscripts"
    folder.mkdir()
    for slug, front in HANDOUTS.items():
        (folder / f"{slug}.md").write_text(f"---\n{textwrap.dedent(front)}---\n{BODY}")
    for name, date, version in (("2025-05-01-aaaa", "2025-05-01", "0.9.0"),
                                ("2025-08-01-bbbb", "2025-08-01", "1.0.0")):
        release = tmp_path / "dist" / "release" / name
        release.mkdir(parents=True)
        (release / "manifest.json").write_text(json.dumps({"release": name, "date": date,
            "artifacts": [{"manuscript": "alpha", "version": version, "path": "alpha.pdf"}]}))
    return tmp_path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["status", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


TABLE = """\
slug   title                                         status        version  last updated  next review                     audiences          grade  released
alpha  Alpha: a handout whose review is overdue      approved      1.0.0    2024-10-01    2025-10-01 (overdue by 8 days)  clinician          -      1.0.0
beta   Beta                                          draft         0.2.0    2025-09-01    2025-11-03 (in 25 days)         clinician,patient  {grade}    -
gamma  Gamma, a handout with a rather long title t…  under-review  2.1.0    2025-06-01    -                               clinician          -      -
"""


def test_table_one_row_per_handout(desk):
    code, out, err = run()
    assert (code, err) == (0, "")
    grade = json.loads(run("--json")[1])["handouts"][1]["reading_grade"]
    assert out == TABLE.format(grade=f"{grade:.1f}")


def test_json_rows(desk):
    code, out, err = run("--json", "manuscripts/alpha.md", "manuscripts/beta.md")
    assert (code, err) == (0, "")
    data = json.loads(out)
    grade = data["handouts"][1].pop("reading_grade")
    assert isinstance(grade, float) and 0 < grade < 8
    assert data == {"today": "2025-10-09", "problems": [], "handouts": [
        {"slug": "alpha", "title": "Alpha: a handout whose review is overdue",
         "source": "manuscripts/alpha.md", "status": "approved", "version": "1.0.0",
         "lang": "en-US", "last_updated": "2024-10-01", "next_review": "2025-10-01",
         "days_left": -8, "overdue": True, "audiences": ["clinician"], "reading_grade": None,
         "released": "1.0.0"},
        {"slug": "beta", "title": "Beta", "source": "manuscripts/beta.md", "status": "draft",
         "version": "0.2.0", "lang": "en-US", "last_updated": "2025-09-01",
         "next_review": "2025-11-03", "days_left": 25, "overdue": False,
         "audiences": ["clinician", "patient"], "released": None}]}


def test_due_within_exits_1_naming_each_review_at_its_line(desk):
    code, out, err = run("--due-within", "30")
    assert code == 1
    assert err == ("manuscripts/alpha.md:6: review overdue by 8 days (next_review 2025-10-01)\n"
                   "manuscripts/beta.md:7: review due in 25 days (next_review 2025-11-03)\n")
    assert out.startswith("slug ")
    assert run("--due-within", "7", "manuscripts/beta.md")[0] == 0
    assert run("--due-within", "30", "manuscripts/gamma.md")[0] == 0


def test_a_broken_manuscript_is_reported_and_the_others_listed(desk):
    (desk / "manuscripts" / "delta.md").write_text("---\ntitle: Delta\nversion: one\n---\nText\n")
    code, out, err = run()
    assert code == 1
    assert err == ("manuscripts/delta.md:1: required field 'status' is missing\n"
                   "manuscripts/delta.md:1: required field 'last_updated' is missing\n"
                   "manuscripts/delta.md:3: 'version' must be a semantic version such as 1.2.0, "
                   "found 'one'\n")
    assert [line.split()[0] for line in out.splitlines()] == ["slug", "alpha", "beta", "gamma"]


def test_negative_due_within_is_a_usage_error(desk):
    assert run("--due-within", "-1") == (2, "", "error: --due-within must be 0 or more days\n")
