"""A real SMTP server for tests (aiosmtpd, in a thread), whose answers a test sets:
accept, refuse for a while (4xx), refuse an address for good (5xx), or be slow."""

import asyncio
import socket
import threading
from collections import Counter
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self):
        self.messages = []  # (recipient, the message parsed)
        self.temporary_failures = 0  # the next N messages get "451"
        self.refused = set()  # addresses answered "550" for good
        self.delay = 0.0  # seconds before accepting each message
        self.connections = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        with self.lock:
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.messages.append(
                    (recipient, message_from_bytes(envelope.original_content, policy=default))
                )
        return "250 Message accepted"

    def recipients(self) -> Counter:
        with self.lock:
            return Counter(recipient for recipient, _ in self.messages)


class SMTPServer:
    def __init__(self):
        self.handler = Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class SilentServer:
    """Accepts connections and never says a word (not even the SMTP greeting)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.socket.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
