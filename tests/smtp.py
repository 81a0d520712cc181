"""A real SMTP server for tests (aiosmtpd), on a free local port, that can refuse or stall."""

import asyncio
import email
import queue
import socket
import threading
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """The server's handler. Accepted messages go to `messages`, in order of arrival.

    `refusing`: every message gets a temporary failure (451), as from a server in trouble.
    `stall_next()`: the next message is held at the end of DATA, with `in_flight` set, until
    `release()`; it is then refused, so a client killed meanwhile has delivered nothing.
    """

    def __init__(self):
        self.messages: queue.Queue[EmailMessage] = queue.Queue()
        self.refusing = False
        self.in_flight = threading.Event()
        self._stall: threading.Event | None = None

    def stall_next(self) -> None:
        self.in_flight.clear()
        self._stall = threading.Event()

    def release(self) -> None:
        stall, self._stall = self._stall, None
        if stall:
            stall.set()

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Mail server busy, try again later"
        if self._stall is not None:
            stall = self._stall
            self.in_flight.set()
            await asyncio.get_running_loop().run_in_executor(None, stall.wait)
            return "451 4.3.0 Aborted"
        self.messages.put(email.message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def received(self) -> list[EmailMessage]:
        """Every message received so far, emptying the box."""
        found = []
        while not self.messages.empty():
            found.append(self.messages.get_nowait())
        return found


class SMTPServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SMTPServer":
        self._controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.mailbox.release()
        self._controller.stop()
