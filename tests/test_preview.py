"""``preview`` over HTTP: what it serves, what it refuses, how it stops.

The browser's view of it (reload after an edit, the stale page) is in
test_browser.py.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from helpers import Preview, desk_project, pdf_pages

from pipeline.preview import Handler, PreviewServer


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    server = Preview(desk_project(tmp_path_factory.mktemp("desk")))
    server.idle()
    yield server
    server.close()


def test_prints_one_line_and_serves_the_index_and_editions(preview):
    assert preview.first_line.startswith("serving http://127.0.0.1:")
    status, body = preview.get("/")
    assert status == 200 and b"A handout on the editor&#39;s desk" in body
    for name in ("desk.clinician.html", "desk.patient.html"):
        status, body = preview.get(f"/{name}")
        assert status == 200 and b"<h1>A handout on the editor" in body
        audience = name.split(".")[1].encode()
        assert b'new EventSource("/_preview/events?slug=desk&edition=' + audience + b'")' in body
    status, body = preview.get("/desk.patient.pdf")
    assert status == 200 and body.startswith(b"%PDF-")
    assert preview.get("/assets/css/web.css")[0] == 200


def test_the_epub_is_served_too_and_the_index_links_every_format(preview):
    import io
    import zipfile

    from lxml import html as lhtml

    status, body = preview.get("/desk.patient.epub")
    assert status == 200
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        assert book.read("mimetype") == b"application/epub+zip"
        text = b" ".join(book.read(n) for n in book.namelist() if n.endswith(".xhtml"))
    assert b"Ask your care team." in text
    index = lhtml.fromstring(preview.get("/")[1])
    links = [a.get("href") for a in index.cssselect("#handout-desk a")]
    assert links == ["desk.clinician.html", "desk.clinician.html", "desk.clinician.pdf",
                     "desk.clinician.epub", "desk.patient.html", "desk.patient.pdf",
                     "desk.patient.epub"]
    page = lhtml.fromstring(preview.get("/desk.patient.html")[1])
    for a in page.cssselect(".downloads a"):
        assert preview.get("/" + a.get("href"))[0] == 200


@pytest.mark.parametrize("path", [
    "/../pyproject.toml", "/%2e%2e/pyproject.toml", "/%2E%2E/%2E%2E/etc/passwd",
    "/assets/../../etc/passwd", "/assets/css/..%2f..%2f..%2fpyproject.toml",
    "/assets/css/%2e%2e%2f%2e%2e%2fmanuscripts%2fdesk.md", "//etc/passwd", "/etc/passwd",
    "/manuscripts/desk.md", "/desk.md", "/.git/config", "/assets/", "/desk.nurse.epub",
    "/..%5c..%5cpyproject.toml", "/nothing.clinician.html",
])
def test_nothing_outside_the_outputs_is_served(preview, path):
    import http.client
    from urllib.parse import urlsplit

    where = urlsplit(preview.url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    connection.request("GET", path)  # sent as written: no client-side normalising
    response = connection.getresponse()
    assert (response.status, response.read()) == (404, b"not found\n")


def test_a_symbolic_link_out_of_the_folder_is_not_followed(tmp_path):
    import urllib.error
    import urllib.request

    folder = tmp_path / "out"
    (folder / "assets" / "css").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (folder / "assets" / "css" / "web.css").symlink_to(secret)
    (folder / "assets" / "css" / "fonts.css").write_text("body {}")
    desk = type("FakeDesk", (), {"out": folder})
    server = PreviewServer(("127.0.0.1", 0), type("H", (Handler,), {"desk": desk}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(base + "/assets/css/fonts.css") as response:
            assert response.read() == b"body {}"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/assets/css/web.css")
        assert refused.value.code == 404
    finally:
        server.shutdown()
        server.server_close()


def test_ctrl_c_stops_it_cleanly(tmp_path: Path):
    server = Preview(desk_project(tmp_path))
    code, stderr = server.interrupt()
    assert (code, stderr) == (130, "interrupted\n")


def test_another_host_only_when_named_and_with_a_warning(tmp_path: Path):
    server = Preview(desk_project(tmp_path), "--host", "0.0.0.0")
    assert server.first_line.startswith("serving http://0.0.0.0:")
    code, stderr = server.interrupt()
    port = server.url.rsplit(":", 1)[1].strip("/")
    assert port.isdigit() and port != "0"
    assert stderr == (f"warning: serving on 0.0.0.0: anyone who can reach this machine on port "
                      f"{port} can read the handouts, drafts included\ninterrupted\n")
    assert code == 130


def test_open_shows_the_index_in_the_browser_named_by_BROWSER(tmp_path: Path):
    import time

    opened = tmp_path / "opened.txt"
    browser = tmp_path / "fake-browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> "{opened}"\n')
    browser.chmod(0o755)
    server = Preview(desk_project(tmp_path / "project"), "--open",
                     env={"BROWSER": str(browser), "DISPLAY": "", "WAYLAND_DISPLAY": ""})
    try:
        end = time.monotonic() + 30
        while not opened.exists() and time.monotonic() < end:
            time.sleep(0.05)
        assert opened.read_text() == server.url + "\n"
        status, body = server.get("/")
        assert status == 200 and b"A handout on the editor&#39;s desk" in body
    finally:
        code, stderr = server.interrupt()
    assert (code, stderr) == (130, "interrupted\n")


def test_without_open_no_browser_is_started(tmp_path: Path):
    import time

    opened = tmp_path / "opened.txt"
    browser = tmp_path / "fake-browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> "{opened}"\n')
    browser.chmod(0o755)
    server = Preview(desk_project(tmp_path / "project"), env={"BROWSER": str(browser)})
    time.sleep(2)  # --open starts the browser as soon as the address is printed
    code, _stderr = server.interrupt()
    assert code == 130 and not opened.exists()


def test_a_projects_own_styles_are_laid_over_and_watched(tmp_path: Path):
    from lxml import html as lhtml

    project = desk_project(tmp_path)
    (project / "styles").mkdir()
    (project / "styles" / "site.yaml").write_text("editorial_policy: https://example.org/a\n")
    server = Preview(project)
    try:
        server.idle()

        def policy() -> list[str]:
            page = lhtml.fromstring(server.get("/desk.patient.html")[1])
            return [a.get("href") for a in page.cssselect(".facts a")]

        assert policy() == ["https://example.org/a"]
        before = server.state()["handouts"]["desk"]["page"]
        (project / "styles" / "site.yaml").write_text("editorial_policy: https://example.org/b\n")
        server.wait(lambda s: s["handouts"]["desk"]["page"] > before
                    and not s["handouts"]["desk"]["rendering"])
        assert policy() == ["https://example.org/b"]
        (project / "styles" / "site.yaml").write_text("editorial_polcy: https://example.org/c\n")
        state = server.wait(lambda s: s["handouts"]["desk"]["stale"], timeout=60)
        assert state["handouts"]["desk"]["problems"] == [
            ("styles/site.yaml:1: unknown setting 'editorial_polcy' (did you mean "
            "'editorial_policy'?)")]
        assert policy() == ["https://example.org/b"]
    finally:
        server.interrupt()


def test_a_save_seen_half_written_is_loaded_once_it_holds(tmp_path: Path, monkeypatch):
    """An editor that truncates, then writes: a look in between loads nothing."""
    from pipeline import desk

    project = desk_project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setattr(desk, "_warm_pool", lambda *args, **kwargs: None)  # no rendering
    loaded: list[str] = []
    monkeypatch.setattr(desk.Desk, "_reload",
                        lambda self, handout, history: loaded.append(handout.source.read_text())
                        or [])
    board = desk.Desk([project / "manuscripts"], project / "dist")
    manuscript = project / "manuscripts" / "desk.md"
    text = manuscript.read_text()
    board.scan()  # seen for the first time: loaded at once
    manuscript.write_text("")  # the save has begun
    board.scan()
    manuscript.write_text(text + "\nOne more line.\n")  # and ended
    board.scan()
    assert loaded == [text]
    board.scan()  # as it was at the last look: loaded
    board.scan()
    assert loaded == [text, text + "\nOne more line.\n"]


def test_a_lane_whose_worker_was_killed_gets_new_workers_and_the_next_save_renders(
        tmp_path: Path, monkeypatch):
    import time

    from pipeline import desk

    project = desk_project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    board = desk.Desk([project / "manuscripts"], project / "dist", workers=2)
    manuscript = project / "manuscripts" / "desk.md"
    pdf = project / "dist" / "desk.patient.pdf"

    def rendered(timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while any(h.pending for h in board.handouts.values()) or board._early:
            assert time.monotonic() < deadline, "still rendering"
            time.sleep(0.2)

    try:
        board.scan()
        rendered()
        assert "Still standing." not in " ".join(pdf_pages(pdf))
        for process in list(board.prints._processes.values()):
            process.kill()  # as the system's out-of-memory killer would
        deadline = time.monotonic() + 30
        while not board.prints._broken:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        manuscript.write_text(manuscript.read_text() + "\nStill standing.\n")
        board.scan()  # the change seen
        board.scan()  # and loaded, as it holds
        rendered()
        assert "Still standing." in " ".join(pdf_pages(pdf))
        assert not board.prints._broken
    finally:
        board.stop()


def test_a_save_that_stalls_is_not_taken_for_the_manuscript_until_it_holds(
        tmp_path: Path, monkeypatch):
    """Truncated, then written slowly: empty, partial or unreadable for many looks; the last
    good manuscript stays, the page says a save is under way, and a file that holds is read."""
    import os
    import time

    from pipeline import desk

    project = desk_project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setattr(desk, "_warm_pool", lambda *args, **kwargs: None)  # no rendering
    rounds: list[str] = []
    monkeypatch.setattr(desk.Desk, "_submit",
                        lambda self, item: rounds.append(item[2].body))
    board = desk.Desk([project / "manuscripts"], project / "dist")
    manuscript = project / "manuscripts" / "desk.md"
    text = manuscript.read_text()
    handout = None

    def looks(n: int = 4) -> dict:
        nonlocal handout
        for _ in range(n):  # a stall of many polls
            board.scan()
        handout = next(iter(board.handouts.values()))
        return board.state()["handouts"]["desk"]

    def aged() -> None:  # written long enough ago
        old = time.time() - 5
        os.utime(manuscript, (old, old))

    assert looks(1) == {**looks(0), "saving": False, "problems": []}
    first = len(rounds)
    for stalled in ("", text[: len(text) // 2], "---\ntitle: [" + "x" * len(text)):
        manuscript.write_text(stalled)
        state = looks()
        assert (state["saving"], state["problems"], len(rounds)) == (True, [], first), stalled
        assert handout.manuscript.body in text
    manuscript.write_text(text + "\nOne more line.\n")  # the save has landed
    state = looks()
    assert (state["saving"], state["problems"]) == (False, [])
    assert "One more line." in rounds[-1]
    manuscript.write_text("---\ntitle: [" + "x" * len(text))  # a real mistake, kept
    looks()
    aged()
    state = looks()
    assert state["saving"] is False and state["problems"][0].startswith("manuscripts/desk.md:")
    manuscript.write_text("")
    aged()
    state = looks()
    assert state["saving"] is False and state["problems"], "an empty file that holds is read"
