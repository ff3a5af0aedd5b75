"""TEST FIXTURE: a minimal SMTP server on 127.0.0.1 that keeps what it receives.

Enough of RFC 5321 for smtplib: EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
No TLS: the tests use security "none"; TLS against real servers is untested.
"""

from __future__ import annotations

import base64
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class MailSink:
    user: str = ""
    password: str = ""
    messages: list[Received] = field(default_factory=list)
    port: int = 0


def _handler(sink: MailSink):
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode("ascii") + b"\r\n")

        def handle(self) -> None:
            self.reply("220 test.invalid ESMTP")
            sender, recipients, authed = None, [], not sink.user
            while True:
                raw = self.rfile.readline()
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb = line.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    self.reply("250-test.invalid")
                    self.reply("250-8BITMIME")
                    self.reply("250 AUTH PLAIN" if sink.user else "250 HELP")
                elif verb == "HELO":
                    self.reply("250 test.invalid")
                elif verb == "AUTH":
                    parts = line.split(" ")
                    token = base64.b64decode(parts[2]).split(b"\0") if len(parts) > 2 else []
                    if token[1:] == [sink.user.encode(), sink.password.encode()]:
                        authed = True
                        self.reply("235 Authentication successful")
                    else:
                        self.reply("535 Authentication failed")
                elif verb == "MAIL":
                    if not authed:
                        self.reply("530 Authentication required")
                        continue
                    sender, recipients = line.split(":", 1)[1].split()[0].strip("<>"), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while True:
                        chunk = self.rfile.readline()
                        if chunk in (b".\r\n", b""):
                            break
                        lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                    sink.messages.append(Received(sender, recipients, b"".join(lines)))
                    self.reply("250 OK queued")
                elif verb in ("RSET", "NOOP"):
                    self.reply("250 OK")
                elif verb == "QUIT":
                    self.reply("221 Bye")
                    return
                else:
                    self.reply("502 Command not implemented")

    return Handler


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def start_sink(user: str = "", password: str = ""):
    """Start a server on a free port of 127.0.0.1; returns (sink, stop)."""
    sink = MailSink(user, password)
    server = _Server(("127.0.0.1", 0), _handler(sink))
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()

    return sink, stop
