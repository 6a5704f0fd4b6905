"""What a PDF attaches is safe to hand out: read back out of each edition's PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pikepdf
import pytest
from helpers import build_fixed

BIB = r"""@string{jpain = {Journal of Pain}}
@string{secret = {PRIVATE-STRING nobody cites}}

@article{smith2020,
  author    = {Smith, Jane and Doe, John},
  title     = {Platelet injections for knee pain},
  journal   = jpain,
  year      = {2020},
  month     = mar,
  volume    = {12},
  number    = {3},
  pages     = {100--110},
  doi       = {10.1000/jp.2020.1},
  pmid      = {12345678},
  abstract  = {PRIVATE-ABSTRACT about the trial.},
  note      = {PRIVATE-NOTE ask the pharmacist},
  annote    = {PRIVATE-ANNOTE},
  keywords  = {PRIVATE-KEYWORD},
  file      = {Full Text PDF:/Users/editor/Zotero/storage/8QK2ZP3M/smith.pdf:application/pdf},
  owner     = {PRIVATE-OWNER},
  timestamp = {2025.01.01},
  groups    = {PRIVATE-GROUP},
  mendeley-tags = {PRIVATE-TAG},
  category  = {Research}
}

@proceedings{meeting2021,
  editor    = {Lee, Kim},
  title     = {Proceedings of the Pain Meeting},
  publisher = {Pain Society},
  address   = {Boston},
  year      = {2021},
  abstract  = {PRIVATE-PARENT-ABSTRACT}
}

@inproceedings{talk2021,
  author   = {Roe, Richard},
  title    = {Injections under ultrasound},
  pages    = {5--9},
  crossref = {meeting2021},
  file     = {:C\:/Users/editor/Documents/talk.pdf:PDF}
}

@book{uncited2019,
  author    = {Nobody, Ann},
  title     = {PRIVATE-UNCITED-BOOK},
  publisher = {Press},
  year      = {2019}
}
"""

MANUSCRIPT = """---
title: "Knee pain"
version: 1.0.0
status: draft
last_updated: 2025-09-01
audiences: [clinician, patient]  # PRIVATE-YAML-COMMENT
bibliography: [private.bib]
authors: [{name: Ana Writer, role: Writer, email: PRIVATE-AUTHOR@clinic.example}]
reviewers:
  - {name: Ben Reviewer, role: Pharmacist, date: 2025-08-30, phone: PRIVATE-PHONE}
changes: [{version: 1.0.0, date: 2025-09-01, summary: First., ticket: PRIVATE-TICKET}]
internal_notes: "PRIVATE-FIELD do not publish before the audit"
---

## Treatment

<!-- PRIVATE-COMMENT check dose with pharmacy -->

PRP may help knee pain [@smith2020].<!-- PRIVATE-INLINE-COMMENT --> Ultrasound
guidance is described elsewhere [@talk2021].

::: {audience="clinician"}
CLINICIAN-ONLY dosing: 4 mL per injection.
:::

::: {audience="patient"}
Ask your doctor about it.
:::

Everyone reads this.[CLINICIAN-ONLY-SPAN]{audience="clinician"}
"""

PRIVATE = ["PRIVATE-", "/Users/editor", "Zotero", "C\\:/Users", "abstract", "annote",
           "keywords", "owner", "timestamp", "groups", "mendeley", "file", "note"]


@pytest.fixture(scope="module")
def attachments(tmp_path_factory) -> dict[str, dict[str, str]]:
    """{edition: {attachment name: text}} of each PDF built from the planted manuscript."""
    folder = tmp_path_factory.mktemp("private")
    (folder / "private.bib").write_text(BIB, encoding="utf-8")
    (folder / "knee.md").write_text(MANUSCRIPT, encoding="utf-8")
    out = build_fixed([folder / "knee.md"], folder / "out", jobs=1, formats=("pdf",))
    found = {}
    for audience in ("clinician", "patient"):
        with pikepdf.open(out / f"knee.{audience}.pdf") as pdf:
            found[audience] = {name: spec.get_file().read_bytes().decode("utf-8")
                               for name, spec in pdf.attachments.items()}
    return found


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_no_private_text_in_any_attachment(attachments, audience):
    files = attachments[audience]
    assert sorted(files) == ["knee.bib", f"knee.{audience}.md"]
    for name, text in files.items():
        for secret in PRIVATE:
            assert secret.lower() not in text.lower(), f"{secret!r} in {name}"


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_the_bib_holds_the_cited_entries_with_their_bibliographic_fields(attachments, audience):
    assert attachments[audience]["knee.bib"] == """\
@string{jpain = {Journal of Pain}}

@article{smith2020,
  author   = {Smith, Jane and Doe, John},
  title    = {Platelet injections for knee pain},
  journal  = jpain,
  year     = {2020},
  month    = mar,
  volume   = {12},
  number   = {3},
  pages    = {100--110},
  doi      = {10.1000/jp.2020.1},
  pmid     = {12345678},
  category = {Research}
}

@inproceedings{talk2021,
  author    = {Roe, Richard},
  title     = {Injections under ultrasound},
  pages     = {5--9},
  editor    = {Lee, Kim},
  booktitle = {Proceedings of the Pain Meeting},
  publisher = {Pain Society},
  address   = {Boston},
  year      = {2021}
}
"""


def test_the_patient_source_is_the_patient_edition(attachments):
    source = attachments["patient"]["knee.patient.md"]
    assert source.startswith('---\ntitle: Knee pain\nversion: 1.0.0\nstatus: draft\n'
                             "last_updated: 2025-09-01\naudiences:\n- patient\n"
                             "bibliography:\n- knee.bib\nauthors:\n- name: Ana Writer\n"
                             "  role: Writer\nreviewers:\n- name: Ben Reviewer\n"
                             "  role: Pharmacist\n  date: 2025-08-30\nchanges:\n"
                             "- version: 1.0.0\n  date: 2025-09-01\n  summary: First.\n"
                             "slug: knee\n---\n")
    body = source.split("---\n", 2)[2]
    assert "Ask your doctor about it." in body
    assert "PRP may help knee pain [@smith2020]." in body
    assert "Everyone reads this." in body
    assert "CLINICIAN-ONLY" not in source
    assert "<!--" not in source


def test_the_sources_front_matter_holds_the_fields_a_handout_reads(attachments):
    import yaml

    source = attachments["clinician"]["knee.clinician.md"]
    front = yaml.safe_load(source.split("---\n")[1])
    assert front == {
        "title": "Knee pain", "version": "1.0.0", "status": "draft",
        "last_updated": dt.date(2025, 9, 1), "audiences": ["clinician"],
        "bibliography": ["knee.bib"], "authors": [{"name": "Ana Writer", "role": "Writer"}],
        "reviewers": [{"name": "Ben Reviewer", "role": "Pharmacist",
                       "date": dt.date(2025, 8, 30)}],
        "changes": [{"version": "1.0.0", "date": dt.date(2025, 9, 1),
                     "summary": "First."}],
        "slug": "knee"}


def test_the_clinician_source_has_the_clinician_text_only(attachments):
    source = attachments["clinician"]["knee.clinician.md"]
    assert "CLINICIAN-ONLY dosing: 4 mL per injection." in source
    assert "CLINICIAN-ONLY-SPAN" in source
    assert "Ask your doctor" not in source
    assert "<!--" not in source
    assert "\naudiences:\n- clinician\n" in source


def test_the_attached_pair_builds_that_edition_again(attachments, tmp_path: Path):
    files = attachments["patient"]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = build_fixed([tmp_path / "knee.patient.md"], tmp_path / "out", jobs=1,
                      formats=("epub",))
    assert (out / "knee.patient.epub").is_file()
