"""Serve a built site over HTTP with gzip, as typical static hosts do, so transferred bytes are realistic."""

from __future__ import annotations

import functools
import gzip
import mimetypes
import os
import socketserver
import threading
from contextlib import contextmanager
from pathlib import Path

from pipeline.website.audit import _Handler

COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv", ".md", ".jsonld", ".map"}


class _GzipHandler(_Handler):
    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if not (path.is_file() and path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


@contextmanager
def serve_gzip(root: Path):
    """Serve ``root`` on a free port of 127.0.0.1 with gzip; yields the base URL."""
    handler = functools.partial(_GzipHandler, directory=os.fspath(root))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
