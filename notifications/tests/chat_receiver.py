"""A chat service of the tests' own: an HTTP server on 127.0.0.1 (a free port) in a
thread, which records every POST and answers from a script, so the chat channel is
tried against a real peer over a real socket."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Post:
    path: str
    status: int
    body: dict[str, Any]
    raw: str


@dataclass
class Receiver:
    """``script`` maps a path to the statuses its next POSTs get (then 200). A path in
    ``hold`` has its next POST held unanswered until ``release()`` (once): the client's
    own timeout decides, not a guess at how long to wait."""

    server: ThreadingHTTPServer
    posts: list[Post] = field(default_factory=list)
    script: dict[str, list[int]] = field(default_factory=dict)
    hold: set[str] = field(default_factory=set)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def origin(self) -> str:
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def delivered(self, path: str | None = None) -> list[Post]:
        """What the service accepted (2xx), in the order it arrived."""
        with self.lock:
            return [p for p in self.posts if 200 <= p.status < 300 and path in (None, p.path)]

    def tried(self, path: str) -> list[Post]:
        with self.lock:
            return [p for p in self.posts if p.path == path]

    def release(self) -> None:
        """Let every held POST be answered (the tests' teardown does it too)."""
        self.released.set()

    def answer(self, path: str) -> tuple[int, bool]:
        with self.lock:
            statuses = self.script.get(path) or []
            status = statuses.pop(0) if statuses else 200
            held = path in self.hold
            self.hold.discard(path)
            return status, held

    def record(self, post: Post) -> None:
        with self.lock:
            self.posts.append(post)


def start_receiver() -> Receiver:
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            status, held = receiver.answer(self.path)
            if held:
                # Until the test has seen the client give up; the bound only keeps a
                # forgotten release from leaving a thread behind.
                receiver.released.wait(timeout=60)
            try:
                body = json.loads(raw)
            except ValueError:
                body = {}
            receiver.record(Post(self.path, status, body, raw))
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"no")
            except OSError:  # the client gave up waiting (a timeout test)
                pass

        def log_message(self, format, *args):
            pass  # quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
