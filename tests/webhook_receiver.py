"""A real webhook receiver for tests: an HTTP server on a free loopback port, in a thread,
that verifies each request's signature with the `standardwebhooks` library, as a receiver
should, and drops a repeated webhook-id, as the Standard Webhooks specification asks.

`secret`: the endpoint's, set once the endpoint is made; a request it does not verify gets 401.
`failing`: every request gets a 500.
`stop()` / `start()`: the receiver is down (connections refused) and back, on the same port.
`stall_next()`: the next verified request is recorded, then held with `in_flight` set until
`release()`, and its connection closed without an answer: the sender cannot know it arrived.
"""

import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError

from tests.smtp import free_port


class Receiver:
    def __init__(self):
        self.port = free_port()
        self.secret = ""
        self.failing = False
        self.requests: queue.Queue[dict] = queue.Queue()  # every verified request
        self.events: dict[str, dict] = {}  # what the receiver acted on, by webhook-id
        self.rejected: list[str] = []
        self.in_flight = threading.Event()
        self._stall: threading.Event | None = None
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/tracker?source=test"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.handle(self, body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def stall_next(self) -> None:
        self.in_flight.clear()
        self._stall = threading.Event()

    def release(self) -> None:
        stall, self._stall = self._stall, None
        if stall:
            stall.set()

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        headers = dict(handler.headers.items())
        try:
            payload = Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError as error:
            self.rejected.append(str(error))
            handler.send_response(401)
            handler.end_headers()
            return
        webhook_id = headers["webhook-id"]
        self.requests.put({"id": webhook_id, "payload": payload, "headers": headers})
        # A repeat is acknowledged, and not acted on again.
        self.events.setdefault(webhook_id, payload)
        if self._stall is not None:
            stall = self._stall
            self.in_flight.set()
            stall.wait()
            handler.close_connection = True
            return
        handler.send_response(500 if self.failing else 204)
        handler.end_headers()

    def received(self) -> list[dict]:
        """Every verified request so far, emptying the queue."""
        found = []
        while not self.requests.empty():
            found.append(self.requests.get_nowait())
        return found


def body_text(request: dict) -> str:
    return json.dumps(request["payload"], ensure_ascii=False)
