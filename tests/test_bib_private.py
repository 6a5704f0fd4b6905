"""What database and reference-manager exports hold beyond the reference never leaves.

Web of Science (e-mails, affiliations, funding, cited references, counts),
Scopus (correspondence address with e-mail, funding, "Cited by"), BibDesk
(base64 file aliases holding home paths, local URLs), Mendeley (Windows file
paths, private groups), Bookends and Sente (notes, attachments), RefWorks
(its record ids and counts in ``note``): one manuscript cites them all and
every byte of every output is searched, PDF streams and attachments
uncompressed, EPUB members unzipped.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pikepdf
import pytest
from helpers import build_fixed

BDSK_ALIAS = "YnBsaXN0MDDSAQIDBFlhbGlhc0RhdGFccmVsYXRpdmVQYXRoTxA2AABib29rL1VzZXJzL3BuZ3ByaXZhdGUvUGFwZXJzL05nMjAyMC5wZGYATWFjaW50b3NoIEhEXxAULi4vUGFwZXJzL05nMjAyMC5wZGYIDRckXQAAAAAAAAEBAAAAAAAAAAUAAAAAAAAAAAAAAAAAAAB0"

BIB = r"""@article{ WOS:000111222300004,
Author = {Ng, Pei and Roe, Ann},
Title = {{Heel pain in runners}},
Journal = {{JOURNAL OF FOOT PAIN}},
Year = {{2020}},
Publisher = {{EXAMPLE PRESS LTD}},
Address = {{12 PRIVET LANE, SPRINGFIELD 01101, USA}},
Affiliation = {{Ng, P (Corresponding Author), Univ Somewhere, Dept Podiatry, 9 Elm Rd.}},
Author-Email = {{pei.ng.home@example.org}},
Funding-Acknowledgement = {{Quokka Trust {[}QT-31337]}},
Funding-Text = {{Paid for by the Quokka Trust.}},
Cited-References = {{Wombat XY, 2011, J FEET, V1, P2.}},
Times-Cited = {{4417}},
Unique-ID = {{WOS:000111222300004}},
}
@ARTICLE{Roe2021,
	author = {Roe, A.},
	title = {Orthoses},
	year = {2021},
	journal = {Foot},
	correspondence_address = {A. Roe; Univ Elsewhere; email: ann.roe.private@example.net},
	affiliations = {Numbat Institute of Podiatry, Perth},
	funding_details = {Bilby Council, BC-2718},
	funding_text 1 = {Bilby Council grant BC-2718.},
	author_keywords = {orthoses},
	note = {Cited by: 8675309}
}
@article{Doe:2019aa,
	author = {Doe, Jon},
	date-added = {2019-01-02 10:00:00 +0100},
	journal = {Foot},
	title = {Splints},
	year = {2019},
	bdsk-file-1 = {""" + BDSK_ALIAS + r"""},
	bdsk-url-1 = {file:///Users/pngprivate/Papers/Doe.pdf}}
@article{Lee2018,
author = {Lee, Kim},
file = {:C$\backslash$:/Users/pngprivate/AppData/Local/Mendeley Ltd./Lee.pdf:pdf},
journal = {Foot},
mendeley-groups = {Secret Project Kakapo},
title = {{Insoles}},
year = {2018}
}
@article{Kay2017,
	Author = {Kay, Li},
	Journal = {Foot},
	Title = {Taping},
	Year = {2017},
	Attachments = {/Users/pngprivate/Bookends/Kay.pdf},
	Notes = {Phone the author on 555-0142},
	Local-Url = {file://localhost/Users/pngprivate/Sente/Kay.pdf}}
@article{RefWorks:77,
	author={Fox, Al},
	year={2016},
	title={Stretching},
	journal={Foot},
	note={ID: 77; Cited By :90210}
}
@article{RN12,
   author = {Tan, Wei},
   title = {Night splints},
   journal = {Foot},
   year = {2015},
   url = {internal-pdf://2301445617/Tan-2015.pdf
file:///C:/Users/pngprivate/Documents/EndNote.Data/PDF/Tan.pdf},
   type = {Journal Article}
}
@article{RN13,
   author = {Tan, Wei},
   title = {Heel cups},
   journal = {Foot},
   year = {2016},
   url = {https://foot.journal.test/heel-cups
internal-pdf://0123456789/Tan-2016.pdf}
}
"""
# Zotero's CSL-JSON of an item whose URL field holds a linked file
ITEMS = [{"id": "Ito2014", "type": "article-journal", "title": "Night pain",
          "container-title": "Foot", "author": [{"family": "Ito", "given": "Ken"}],
          "issued": {"date-parts": [[2014]]},
          "URL": "file:///Users/pngprivate/Zotero/storage/ABCD1234/Ito.pdf"}]
PRIVATE = ["pei.ng.home", "ann.roe.private", "example.org", "example.net", "Univ Somewhere",
           "Dept Podiatry", "9 Elm Rd", "PRIVET LANE", "Quokka", "QT-31337", "Wombat",
           "4417", "Univ Elsewhere", "Numbat", "Bilby", "BC-2718", "8675309", "90210",
           "pngprivate", BDSK_ALIAS[:40], "Kakapo", "555-0142", "AppData", "Cited by",
           "Cited By", "ID: 77", "internal-pdf://", "Tan-2015", "Tan-2016", "Zotero/storage"]
MANUSCRIPT = """---
title: Heel pain
version: 1.0.0
status: approved
last_updated: 2025-01-01
reviewers: [{name: Ann Editor, role: Podiatrist, date: 2025-01-01}]
audiences: [clinician, patient]
bibliography: [refs.bib, items.json]
csl: chicago-author-date
---

Heel pain [@{WOS:000111222300004}; @Roe2021; @Doe:2019aa; @Lee2018; @Kay2017;
@{RefWorks:77}; @RN12; @RN13; @Ito2014].
"""


def _contents(path: Path):
    """Every byte string a reader or a program can get out of an output file."""
    yield path.read_bytes()
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    yield obj.read_bytes()
                elif isinstance(obj, pikepdf.String | pikepdf.Dictionary):
                    yield str(obj).encode()
            for spec in pdf.attachments.values():
                yield spec.get_file().read_bytes()
    elif path.suffix == ".epub":
        with zipfile.ZipFile(path) as epub:
            for name in epub.namelist():
                yield epub.read(name)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    (folder / "refs.bib").write_text(BIB, encoding="utf-8")
    (folder / "items.json").write_text(json.dumps(ITEMS, indent=1), encoding="utf-8")
    (folder / "m.md").write_text(MANUSCRIPT, encoding="utf-8")
    return build_fixed([folder / "m.md"], folder / "out", jobs=1)


def test_no_private_value_of_an_export_reaches_any_output(built):
    files = sorted(p for p in built.rglob("*") if p.is_file())
    kinds = {p.suffix for p in files}
    assert {".pdf", ".epub", ".html", ".json"} <= kinds
    found = [(str(p.relative_to(built)), secret) for p in files for data in _contents(p)
             for secret in PRIVATE
             if secret.encode() in data or secret.encode("utf-16-be") in data]
    assert sorted(set(found)) == []


def test_every_exported_entry_is_listed_and_the_warning_names_no_value(built):
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    with pikepdf.open(built / "m.clinician.pdf") as pdf:
        attached = pdf.attachments["m.bib"].get_file().read_bytes().decode("utf-8")
    keys = ["WOS:000111222300004", "Roe2021", "Doe:2019aa", "Lee2018", "Kay2017",
            "RefWorks:77"]
    assert [k for k in keys if f"{{{k}," not in attached] == []
    assert "PRIVET" not in attached and "Heel pain in runners" in attached
    assert manifest["errors"] == []


def test_a_url_naming_files_on_the_editors_computer_is_left_out_with_a_warning(built):
    # EndNote writes the record's URL field a line each, its own attached PDFs among them
    # (internal-pdf://); Zotero's URL may be a linked file: none of them is on the web
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    warned = sorted((Path(w["source"]).name, w["line"], w["message"])
                    for w in manifest["warnings"] if "url names" in w["message"])
    why = "not a web address; it is left out so that no handout shows it"
    assert warned == [
        ("items.json", 20, f"item 'Ito2014': url names a file on the editor's computer (file:), {why}"),
        ("refs.bib", 64, f"entry 'RN12': url names a file on the editor's computer (internal-pdf:), {why}")]
    with pikepdf.open(built / "m.clinician.pdf") as pdf:
        attached = pdf.attachments["m.bib"].get_file().read_bytes().decode("utf-8")
    assert "url" not in attached.split("@article{RN12,")[1].split("}\n")[0]
    assert "{https://foot.journal.test/heel-cups}" in attached
