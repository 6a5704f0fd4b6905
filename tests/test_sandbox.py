"""Hostile input cannot reach outside the manuscript's folder and the project's styles.

Resources the body references are refused with a located error before
anything is rendered; WeasyPrint's fetcher refuses them again while
rendering.  A loopback HTTP server records every request it receives, and
the bytes of the outputs are searched for the content of the files a
manuscript tried to reach.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import os
import re
import shutil
import threading
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import PNG_1PX, epub_text, pdf_pages

from pipeline.build import BuildOptions, build, check

SECRET = "SECRET-7d1e4c-do-not-publish"
PASSWD = "root:x:0:0"  # what /etc/passwd starts with


@contextlib.contextmanager
def serve() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records the paths it is asked for."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(SECRET.encode())

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    with serve() as served:
        yield served


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path/docs holds the manuscripts; tmp_path/outside what they must not reach."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    lay_out(tmp_path)
    return tmp_path


def lay_out(root: Path) -> Path:
    """root/docs for the manuscripts, root/outside with the secrets; returns outside."""
    (root / "docs").mkdir()
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n")
    (outside / "secret.png").write_text(SECRET + "\n")
    return outside


def manuscript(folder: Path, body: str, name: str = "m.md", **fields: str) -> Path:
    front = {"title": "Hostile", "version": "1.0.0", "status": "draft",
             "last_updated": "2025-09-18", **fields}
    path = folder / name
    path.write_text("---\n" + "".join(f"{k}: {v}\n" for k, v in front.items()) + "---\n"
                    + body, encoding="utf-8")
    return path


ABSOLUTE = "absolute paths are not allowed; use a path relative to the manuscript"
LEAVES = "the path leaves the manuscript's folder"
FILE = "'file:' resources are not allowed; use a path relative to the manuscript"
REMOTE = "remote resources are not allowed (the build never uses the network)"

REFUSED = [
    ("![Chart](/etc/passwd)", f"image '/etc/passwd' refused: {ABSOLUTE}"),
    ("![Chart](../outside/secret.png)", f"image '../outside/secret.png' refused: {LEAVES}"),
    ("![Chart](docs/../../outside/secret.png)",
     f"image 'docs/../../outside/secret.png' refused: {LEAVES}"),
    ("![Chart](file:///etc/passwd)", f"image 'file:///etc/passwd' refused: {FILE}"),
    ("![Chart]({url}/chart.png)", f"image '{{url}}/chart.png' refused: {REMOTE}"),
    ("![Chart](//example.org/chart.png)", f"image '//example.org/chart.png' refused: {REMOTE}"),
    ('<img src="/etc/passwd" alt="Chart">', f"<img src> '/etc/passwd' refused: {ABSOLUTE}"),
    ('<img src="{url}/a.png" alt="Chart">', f"<img src> '{{url}}/a.png' refused: {REMOTE}"),
    ('<img src="ok.png" srcset="/etc/passwd 2x" alt="Chart">',
     f"<img srcset> '/etc/passwd' refused: {ABSOLUTE}"),
    ('<a rel="attachment" href="file:///etc/passwd">notes</a>',
     f"<a href> 'file:///etc/passwd' refused: {FILE}"),
    ('[notes](/etc/passwd){rel="attachment"}', f"attachment '/etc/passwd' refused: {ABSOLUTE}"),
    ('[notes](../outside/secret.txt){rel="Attachment"}',
     f"attachment '../outside/secret.txt' refused: {LEAVES}"),
    ("<div style=\"background: url('{url}/bg.png')\">Text</div>",
     f"url() in a style attribute '{{url}}/bg.png' refused: {REMOTE}"),
    ('[Text]{style="background-image: url(/etc/passwd)"}',
     f"url() in a style attribute '/etc/passwd' refused: {ABSOLUTE}"),
]


@pytest.mark.parametrize(("snippet", "message"), REFUSED)
def test_resources_outside_the_folder_are_refused_at_their_line(work, server, snippet, message):
    url, requests = server
    (work / "docs" / "ok.png").write_bytes(PNG_1PX)
    body = "Introduction.\n\n" + snippet.replace("{url}", url).replace("{{", "{").replace(
        "}}", "}") + "\n\nEnd.\n"
    path = manuscript(work / "docs", body)
    report = check([path])
    assert [str(p) for p in report.problems if p.is_error] == [
        "docs/m.md:9: " + message.replace("{url}", url)]
    assert requests == []


EMBEDS = "scripts and embedded content never go into a handout"
WHOLE = "it would change the whole document; use the project's styles"
# Elements that never go into a handout: left out with one warning each, what they would
# load neither checked nor loaded.
LEFT_OUT = [
    ('<link rel="attachment" href="../outside/secret.txt">',
     "<link> is left out: to attach a file, write [text](file){rel=\"attachment\"}"),
    ('<object data="file:///etc/passwd"></object>', f"<object> is left out: {EMBEDS}"),
    ('<embed src="../outside/secret.txt">', f"<embed> is left out: {EMBEDS}"),
    ('<iframe src="{url}/frame"><p>Download it</p></iframe>', f"<iframe> is left out: {EMBEDS}"),
    ('<iframe src="/assets/algorithm.pdf" width="100%"></iframe>',
     f"<iframe> is left out: {EMBEDS}"),
    ('<video poster="/etc/passwd"></video>', "<video> is left out: it cannot be printed"),
    ('<base href="file:///etc/">', f"<base> is left out: {WHOLE}"),
    ('<style>@import "{url}/evil.css";</style>', f"<style> is left out: {WHOLE}"),
    ("<style>p { background: u\\72l(../outside/secret.png) }</style>",
     f"<style> is left out: {WHOLE}"),
]


@pytest.mark.parametrize(("snippet", "message"), LEFT_OUT)
def test_left_out_elements_are_not_checked_further(work, server, snippet, message):
    url, requests = server
    body = "Introduction.\n\n" + snippet.replace("{url}", url) + "\n\nEnd.\n"
    path = manuscript(work / "docs", body)
    assert [str(p) for p in check([path]).problems] == [
        f"docs/m.md:9: warning: raw HTML {message}"]
    assert requests == []


def test_symlink_out_of_the_folder_is_refused(work):
    os.symlink(work / "outside" / "secret.png", work / "docs" / "chart.png")
    path = manuscript(work / "docs", "Text.\n\n![Chart](chart.png)\n")
    assert [str(p) for p in check([path]).problems] == [
        f"docs/m.md:9: image 'chart.png' refused: {LEAVES}"]


def test_resources_inside_an_svg_image_are_checked(work, server):
    url, requests = server
    (work / "docs" / "diagram.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        '  <image href="../outside/secret.png" width="5" height="5"/>\n'
        f'  <image xlink:href="{url}/x.png" width="5" height="5"/>\n'
        '  <image href="#local" style="fill: url(/etc/passwd)"/>\n'
        "</svg>\n")
    path = manuscript(work / "docs", "Text.\n\n![A diagram](diagram.svg)\n")
    assert [str(p) for p in check([path]).problems] == [
        f"docs/diagram.svg:2: SVG image loads '../outside/secret.png', refused: {LEAVES}",
        f"docs/diagram.svg:3: SVG image loads '{url}/x.png', refused: {REMOTE}",
        f"docs/diagram.svg:4: SVG image loads '/etc/passwd', refused: {ABSOLUTE}",
    ]
    assert requests == []


def test_hostile_manuscripts_produce_no_output(work, server):
    url, requests = server
    (work / "docs" / "ok.png").write_bytes(PNG_1PX)
    for i, (snippet, _message) in enumerate(REFUSED + LEFT_OUT):
        body = "Text.\n\n" + snippet.replace("{url}", url).replace("{{", "{").replace(
            "}}", "}") + "\n"
        manuscript(work / "docs", body, name=f"m{i:02d}.md")
    report = build([work / "docs"], BuildOptions(out=work / "dist", use_cache=False, jobs=1))
    assert len(report.failed) == len(REFUSED)
    assert report.internal_errors == []
    manifest = json.loads((work / "dist" / "manifest.json").read_text())
    assert {a["manuscript"] for a in manifest["artifacts"]} == {
        f"m{i:02d}" for i in range(len(REFUSED), len(REFUSED) + len(LEFT_OUT))}
    for artifact in manifest["artifacts"]:
        data = (work / "dist" / artifact["path"]).read_bytes()
        assert SECRET.encode() not in data and PASSWD.encode() not in data
    assert len(manifest["errors"]) == len(REFUSED)
    assert all(e["line"] == 9 and "refused" in e["message"] for e in manifest["errors"])
    assert requests == []


def test_fetcher_refuses_what_the_checks_would_have_refused(work, server, monkeypatch):
    """With the body checks switched off, WeasyPrint's fetcher still refuses."""
    url, requests = server
    monkeypatch.setattr("pipeline.prepare.check_body", lambda *args: None)
    secret = work / "outside" / "secret.png"
    body = (f"Text.\n\n![Chart]({secret.as_uri()})\n\n"
            f'<img src="{url}/remote.png" alt="Remote">\n\n'
            '<a rel="attachment" href="/etc/passwd">notes</a>\n')
    path = manuscript(work / "docs", body)
    report = build([path], BuildOptions(out=work / "dist", formats=("pdf",), use_cache=False,
                                        jobs=1))
    rule = "only files in the manuscript's folder and the project's styles/ may be used"
    assert [str(p) for p in report.problems if p.is_error] == [
        f"docs/m.md:13: resource 'file:///etc/passwd' refused: {rule}",
        f"docs/m.md:9: resource '{secret.as_uri()}' refused: {rule}",
        f"docs/m.md:11: resource '{url}/remote.png' refused: {rule}",
    ]
    assert sorted(os.listdir(work / "dist")) == ["manifest.json"]
    assert requests == []


def test_sandbox_fetcher_directly(work, server):
    from pipeline.formats.pdf import SandboxError, _fetcher_class

    url, requests = server
    folder = work / "docs"
    (folder / "ok.txt").write_text("allowed")
    os.symlink(work / "outside" / "secret.txt", folder / "link.txt")
    fetcher = _fetcher_class()([folder])
    for allowed, content in [((folder / "ok.txt").as_uri(), b"allowed"),
                             ("data:text/plain,inline", b"inline")]:
        response = fetcher.fetch(allowed)
        assert response.read() == content
        response.close()
    for refused in ["file:///etc/passwd", (folder / "link.txt").as_uri(),
                    (folder / ".." / "outside" / "secret.txt").as_uri(),
                    f"file://{folder}/%2e%2e/outside/secret.txt", f"{url}/x.png",
                    "ftp://127.0.0.1/x"]:
        with pytest.raises(SandboxError):
            fetcher.fetch(refused)
    assert len(fetcher.refused) == 6
    assert requests == []


# ------------------------------------------------------------ a build that succeeds

HARMLESS = r"""Links are fine: [the password file](file:///etc/passwd),
[a secret](../outside/secret.txt), <a href="/etc/passwd">raw link</a> and
[a web page]({url}/page).

Template syntax stays text: {{ 7*7 }} and {% for x in range(3) %}X{% endfor %} and
{{ config }}.

\input{../outside/secret.txt}

\include{/etc/passwd}

---
cover-image: ../outside/secret.png
epub-cover-image: /etc/passwd
css: ../outside/secret.txt
header-includes: '<link rel="stylesheet" href="/etc/passwd">'
include-before: '<img src="/etc/passwd">'
---

Cited from a bibliography outside the folder [@outside2020].
"""

BIB = """@article{outside2020,
  title = {A bibliography may sit anywhere},
  author = {Keeper, Anna},
  journal = {Journal of Files},
  year = {2020},
}
"""


@pytest.fixture(scope="module")
def harmless_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """One build (PDF and EPUB) of a manuscript that only links to what it may not load."""
    work = tmp_path_factory.mktemp("harmless")
    with serve() as (url, requests), pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        mp.setenv("SOURCE_DATE_EPOCH", "1760000000")
        outside = lay_out(work)
        (outside / "refs.bib").write_text(BIB)
        from pipeline.csl import bundled_styles

        shutil.copy(bundled_styles()["american-medical-association"], outside / "mine.csl")
        path = manuscript(work / "docs", HARMLESS.replace("{url}", url),
                          bibliography=f"[{outside / 'refs.bib'}]", csl=str(outside / "mine.csl"))
        report = build([path], BuildOptions(out=work / "dist", use_cache=False, jobs=1))
        assert report.ok, [str(p) for p in report.problems] + report.internal_errors
        yield work / "dist", requests


def _all_bytes(path: Path) -> bytes:
    """The file's bytes, with every zip member and deflated PDF stream expanded."""
    data = path.read_bytes()
    parts = [data]
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as z:
            parts += [z.read(name) for name in z.namelist()]
            parts.append("\n".join(z.namelist()).encode())
    else:
        for match in re.finditer(rb"stream\r?\n", data):
            try:
                parts.append(zlib.decompressobj().decompress(data[match.end():]))
            except zlib.error:
                pass
    return b"\n".join(parts)


def test_no_byte_of_a_file_outside_reaches_an_output(harmless_build):
    dist, requests = harmless_build
    outputs = sorted(p for p in dist.iterdir() if p.suffix in (".pdf", ".epub", ".html")
                     and p.name != "index.html")
    assert [p.name for p in outputs] == ["m.clinician.epub", "m.clinician.html",
                                         "m.clinician.pdf"]
    for output in outputs:
        everything = _all_bytes(output)
        assert b"A bibliography may sit anywhere" in everything  # the search sees inside
        assert SECRET.encode() not in everything, output
        assert PASSWD.encode() not in everything, output
    from pypdf import PdfReader

    reader = PdfReader(dist / "m.clinician.pdf")
    attachments = {name: b"".join(content) for name, content in reader.attachments.items()}
    assert sorted(attachments) == ["m.bib", "m.clinician.md"]  # the edition's own source
    assert all(SECRET.encode() not in data and PASSWD.encode() not in data
               for data in attachments.values())
    assert b"A bibliography may sit anywhere" in attachments["m.bib"]
    text = " ".join(pdf_pages(dist / "m.clinician.pdf"))
    assert SECRET not in text and PASSWD not in text
    assert "A bibliography may sit anywhere" in text
    assert requests == []


def test_manuscript_text_is_never_a_template(harmless_build):
    dist, _requests = harmless_build
    pdf = " ".join(" ".join(pdf_pages(dist / "m.clinician.pdf")).split())
    epub = " ".join(epub_text(dist / "m.clinician.epub").split())
    for text in (pdf, epub):
        # Nothing is evaluated: what is no template tag stays as written; Liquid's tags and
        # variables, which a Jekyll page means, are left out with a warning (test_site_dialects).
        assert "Template syntax stays text: {{ 7*7 }} and X and ." in text
        assert "XXX" not in text and "config" not in text.lower()


def test_epub_embeds_no_file_from_outside(harmless_build):
    dist, _requests = harmless_build
    with zipfile.ZipFile(dist / "m.clinician.epub") as z:
        media = [n for n in z.namelist()
                 if not n.endswith((".xhtml", ".opf", ".ncx", ".css", ".ttf", "mimetype",
                                    "container.xml", ".xml"))]
    assert media == []
    data = io.BytesIO((dist / "m.clinician.epub").read_bytes())
    with zipfile.ZipFile(data) as z:
        assert not any("secret" in n or "passwd" in n for n in z.namelist())
