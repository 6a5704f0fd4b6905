"""``preview``: the handouts served on 127.0.0.1, rebuilt and reloaded as they are edited.

A standard-library HTTP server (one thread per request) in front of a
:class:`~pipeline.desk.Desk`.  It serves only what the preview renders: the
live index at ``/``, ``/SLUG.AUDIENCE.html``, ``.pdf`` and ``.epub``, and
``/assets/``; any other path, however encoded, is 404, and a file is served
only when its real path lies inside the preview folder (no symbolic link
leads out).  A PDF or EPUB asked for before its first render is done is
answered when it is.  Pages get a small script, in the preview only, that
waits on ``/_preview/events`` (server-sent events): when their handout's
generation changes it fetches the page again and puts the new body in place
(one request, the scroll position kept); when ``styles/`` changed it loads
the page anew, stylesheets and fonts included.  A handout whose last save has
errors shows them over its last good render.
"""

from __future__ import annotations

import html
import json
import re
import sys
import tempfile
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from .build import BuildOptions, UsageError
from .desk import Desk
from .project import in_project

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
PAGE = re.compile(r"/(?P<slug>[A-Za-z0-9][A-Za-z0-9._-]*)\.(?P<audience>[a-z]+)\."
                  r"(?P<fmt>html|pdf|epub)")
ASSET = re.compile(r"/assets/(?:css|fonts|images)/[A-Za-z0-9][A-Za-z0-9._-]*")
TYPES = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf",
         ".epub": "application/epub+zip",
         ".css": "text/css; charset=utf-8", ".ttf": "font/ttf", ".otf": "font/otf",
         ".woff": "font/woff", ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8",
         ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
         ".svg": "image/svg+xml", ".webp": "image/webp"}
RELOAD = """<script>
(function () {
  var seen = null, styles = null, asked = 0, source = new EventSource(%s);
  function update() {
    var n = ++asked;
    fetch(location.href, {cache: "no-store"}).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.text();
    }).then(function (text) {
      if (n !== asked) { return; }
      var page = new DOMParser().parseFromString(text, "text/html");
      document.title = page.title;
      document.body.replaceWith(document.adoptNode(page.body));
    }).catch(function () { location.reload(); });
  }
  source.onmessage = function (event) {
    var now = event.data.split(" ");
    if (styles === null) { styles = now[1]; }
    if (seen !== null && now[0] !== seen) {
      if (now[1] !== styles || !window.fetch) { location.reload(); } else { update(); }
    }
    seen = now[0];
  };
})();
</script>
<style>
.preview-problems { border: 3px solid #b3261e; background: #fdecea; color: #5c0f0a;
  padding: 0.8rem 1rem; margin: 1rem 0; border-radius: 4px; }
.preview-problems ul { margin: 0.4rem 0 0; padding-left: 1.2rem; }
.preview-saving { border: 2px solid #8a6d00; background: #fff8db; color: #3d3000;
  padding: 0.6rem 1rem; margin: 1rem 0; border-radius: 4px; }
.preview-problems code { white-space: pre-wrap; overflow-wrap: anywhere; color: #5c0f0a; }
</style>
"""


SAVING = ('<div class="preview-saving" role="status">The manuscript is being saved (it is '
          "empty, shorter than before or cannot be read yet): the last good render is shown "
          "until the file holds.</div>\n")


def problems_box(title: str, problems: list[str]) -> str:
    """The alert a stale page shows at its top."""
    items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return (f'<div class="preview-problems" role="alert"><strong>{html.escape(title)}</strong>'
            f"<ul>{items}</ul></div>\n")


class Handler(BaseHTTPRequestHandler):
    """Serves the desk's pages, the live index and the reload events."""

    desk: Desk
    server_version = "handout-preview"

    def log_message(self, format: str, *args: object) -> None:
        return  # a quiet terminal: problems are on the pages

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if "\\" in path or "\0" in path or "/." in path:
            return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
        if path in ("/", "/index.html"):
            return self._index()
        if path == "/_preview/events":
            query = parse_qs(parts.query)
            return self._events(query.get("slug", [""])[0], query.get("edition", [""])[0])
        if path == "/_preview/state":
            return self._send(HTTPStatus.OK, json.dumps(self.desk.state()).encode(),
                              "application/json")
        page = PAGE.fullmatch(path)
        if page:
            return self._page(page["slug"], page["audience"], page["fmt"], path)
        if ASSET.fullmatch(path):
            return self._file(path)
        return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, etag: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        # a reload asks again for everything; assets answer 304 while unchanged
        self.send_header("Cache-Control", "no-cache" if etag else "no-store")
        if etag:
            self.send_header("ETag", etag)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _inside(self, path: str) -> Path | None:
        """The preview folder's file for a URL path, only when really inside it."""
        root = self.desk.out.resolve()
        target = (root / path.lstrip("/")).resolve()
        if target.is_relative_to(root) and target.is_file():
            return target
        return None

    def _file(self, path: str) -> None:
        target = self._inside(path)
        if target is None:
            return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
        stat = target.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self._send(HTTPStatus.OK, target.read_bytes(),
                   TYPES.get(target.suffix.lower(), "application/octet-stream"), etag)

    def _page(self, slug: str, audience: str, fmt: str, path: str) -> None:
        handout = self.desk.find(slug)
        target = self._inside(path)
        if fmt != "html" and target is None and handout is not None:
            target = self._rendered(slug, path)
        if fmt != "html" or (handout is None and target is not None):
            return self._file(path)
        if handout is None:
            return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
        problems = [str(p) for p in handout.problems if p.is_error]
        # slug and audience match PAGE: nothing in them can end the script
        script = RELOAD % json.dumps("/_preview/events?" + urlencode({"slug": slug,
                                                                      "edition": audience}))
        if target is None:  # nothing good yet: rendering, or failed from the start
            words = "Rendering..." if not problems else "This handout could not be built"
            body = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
                    f"{html.escape(slug)}</title>{script}</head><body><main><h1>"
                    f"{html.escape(words)}</h1>{SAVING if handout.saving else ''}"
                    f"{problems_box('Problems', problems) if problems else ''}</main></body></html>")
            return self._send(HTTPStatus.OK, body.encode("utf-8", "backslashreplace"),
                              TYPES[".html"])
        text = target.read_text(encoding="utf-8")
        text = text.replace("</head>", script + "</head>", 1)
        box = SAVING if handout.saving else ""
        if problems:
            box += problems_box("Out of date: the last changes could not be built", problems)
        if box:
            text = re.sub(r"(<body[^>]*>\n?)", lambda m: m.group(1) + box, text, count=1)
        self._send(HTTPStatus.OK, text.encode("utf-8", "backslashreplace"), TYPES[".html"])

    def _rendered(self, slug: str, path: str, timeout: float = 120) -> Path | None:
        """The file at ``path`` once its handout's first render is done (None if it fails)."""
        with self.desk.changed:
            while not self.server.stopping:  # type: ignore[attr-defined]
                target = self._inside(path)
                handout = self.desk.find(slug)
                if target is not None or handout is None or not handout.pending:
                    return target
                if not self.desk.changed.wait(timeout=timeout):
                    return None
        return None

    def _index(self) -> None:
        from .site import index_html

        text = index_html(self.desk.summaries(), self.desk.styles)
        text = text.replace("</head>", RELOAD % '"/_preview/events"' + "</head>", 1)
        self._send(HTTPStatus.OK, text.encode("utf-8", "backslashreplace"), TYPES[".html"])

    def _events(self, slug: str, audience: str) -> None:
        """Server-sent events: the generation of ``slug`` (or of the desk), at every change.

        While a page listens, its edition is rendered before the others.
        """
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

        def current() -> str:
            handout = self.desk.find(slug) if slug else None
            page = handout.page_generation if handout else self.desk.generation
            return f"{page} {self.desk.styles_generation}"

        sent = None
        if slug:
            self.desk.watch(slug, audience, 1)
        try:
            while not self.server.stopping:  # type: ignore[attr-defined]
                with self.desk.changed:
                    now = current()
                    if now == sent:
                        self.desk.changed.wait(timeout=15)
                        now = current()
                message = f"data: {now}\n\n" if now != sent else ": keep-alive\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                sent = now
        except (BrokenPipeError, ConnectionResetError):
            return
        finally:
            if slug:
                self.desk.watch(slug, audience, -1)


class PreviewServer(ThreadingHTTPServer):
    """One thread per request; threads never hold up the end of the server."""

    daemon_threads = True
    stopping = False


def serve(paths: list[Path] | None, port: int = 8000, host: str = "127.0.0.1",
          open_browser: bool = False, stdout: TextIO | None = None,
          stderr: TextIO | None = None, options: BuildOptions | None = None) -> int:
    """Serve until interrupted; Ctrl-C ends it (``KeyboardInterrupt`` reaches the caller)."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    with tempfile.TemporaryDirectory(prefix="handout-preview-") as tmp:
        desk = Desk(list(paths or [in_project("manuscripts")]), Path(tmp), options)
        handler = type("DeskHandler", (Handler,), {"desk": desk})
        try:
            server = PreviewServer((host, port), handler)
        except OSError as exc:
            desk.stop()
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        if host not in LOCAL_HOSTS:
            print(f"warning: serving on {host}: anyone who can reach this machine on port "
                  f"{server.server_address[1]} can read the handouts, drafts included",
                  file=stderr, flush=True)
        try:
            desk.start()
            shown = f"[{host}]" if ":" in host else host
            url = f"http://{shown}:{server.server_address[1]}/"
            print(f"serving {url}", file=stdout, flush=True)
            if open_browser:
                import webbrowser

                threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
            server.serve_forever(poll_interval=0.2)
        finally:
            server.stopping = True
            with desk.changed:
                desk.changed.notify_all()
            server.server_close()
            desk.stop()
    return 0
