"""Optional sending of the drafts through the office's own SMTP server.

Used only when the office has configured a server (`jianwang smtp set`); otherwise the
drafts are opened in a mail client. The password is never stored: it is asked at each
sending. Nothing here has been tried against a real provincial or commercial server;
the tests use a small SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import copy
import re
import smtplib
import socket
import ssl
from email.headerregistry import Address
from email.utils import format_datetime, localtime, make_msgid
from typing import NamedTuple

from .errors import UserError, os_reason
from .mail import MAIL_FROM_SETTING, Draft
from .recipients import normalize_address

SECURITY_CHOICES = {"ssl": "SSL/TLS(通常端口 465)", "starttls": "STARTTLS(通常端口 587)",
                    "none": "不加密(仅限单位内网服务器)"}
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
TIMEOUT_SECONDS = 30
_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
_KEYS = ("smtp_host", "smtp_port", "smtp_security", "smtp_user")


class SmtpSettings(NamedTuple):
    host: str
    port: int
    security: str
    user: str  # "" when the server needs no login
    sender: str

    def describe(self) -> str:
        login = f",登录名 {self.user}" if self.user else ",不登录"
        return (f"{self.host}:{self.port}({SECURITY_CHOICES[self.security]}{login}),"
                f"发件人 {self.sender}")


def smtp_settings(store) -> SmtpSettings | None:
    host = store.setting("smtp_host")
    sender = store.setting(MAIL_FROM_SETTING)
    if not host or not sender:
        return None
    return SmtpSettings(host, int(store.setting("smtp_port") or 0),
                        store.setting("smtp_security") or "ssl", store.setting("smtp_user") or "",
                        sender)


def set_smtp_settings(store, host: str, sender: str, security: str = "ssl",
                      port: int | None = None, user: str = "") -> SmtpSettings:
    host = host.strip().rstrip(".")
    if not _HOST.match(host):
        raise UserError(f"发信服务器地址“{host}”不对,应像 smtp.163.com 这样。")
    if security not in SECURITY_CHOICES:
        raise UserError(f"加密方式应为 {'、'.join(SECURITY_CHOICES)} 之一。")
    port = DEFAULT_PORTS[security] if port is None else port
    if not 1 <= port <= 65535:
        raise UserError(f"端口 {port} 不对,应在 1–65535 之间。")
    settings = SmtpSettings(host, port, security, user.strip(), normalize_address(sender))
    with store.transaction():
        for key, value in zip(_KEYS, (settings.host, str(port), security, settings.user)):
            store.set_setting(key, value)
        store.set_setting(MAIL_FROM_SETTING, settings.sender)
    return settings


def clear_smtp_settings(store) -> None:
    with store.transaction():
        store.db.execute(
            f"DELETE FROM settings WHERE key IN ({', '.join('?' for _ in _KEYS)})", list(_KEYS))


def _outgoing(draft: Draft, unit: str, sender: str):
    """The draft as it leaves: a sender, a date and an id, and no longer marked unsent."""
    outgoing = copy.deepcopy(draft.message)
    for name in ("From", "Date", "Message-ID", "X-Unsent"):
        del outgoing[name]
    outgoing["From"] = Address(unit, addr_spec=sender)
    outgoing["Date"] = format_datetime(localtime())
    outgoing["Message-ID"] = make_msgid(domain=sender.split("@")[1])
    return outgoing


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS,
                                context=ssl.create_default_context())
    client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    if settings.security == "starttls":
        client.starttls(context=ssl.create_default_context())
    return client


def send_drafts(drafts: list[Draft], settings: SmtpSettings, unit: str,
                password: str | None = None) -> list[str]:
    """Send each draft; returns the recipients reached. Stops at the first failure."""
    sent: list[str] = []
    where = f"{settings.host}:{settings.port}"

    def failed(reason: str) -> UserError:
        done = [f"已发出:{name}" for name in sent] or ["一封也没有发出。"]
        return UserError(f"邮件发送失败:{reason}", done + ["未发出的可用邮件程序打开草稿发送。"])

    if settings.user and not (password or "").isascii():
        raise failed("密码中有中文或全角字符,smtplib 无法发送。请检查输入法,或改用邮箱的“授权码”。")
    try:
        with _connect(settings) as client:
            if settings.user:
                client.login(settings.user, password or "")
            for draft in drafts:
                client.send_message(_outgoing(draft, unit, settings.sender))
                sent.append(draft.route.recipient.name)
    except smtplib.SMTPAuthenticationError:
        raise failed(f"服务器 {where} 不接受登录名或密码(有的邮箱要用“授权码”代替密码)。") from None
    except smtplib.SMTPRecipientsRefused as e:
        raise failed(f"服务器拒绝了收件地址 {'、'.join(e.recipients)}。") from None
    except smtplib.SMTPNotSupportedError:
        raise failed(f"服务器 {where} 不支持所选的加密或登录方式,请检查设置。") from None
    except smtplib.SMTPException as e:
        raise failed(f"服务器 {where} 回答:{e}") from None
    except ssl.SSLError as e:
        raise failed(f"与 {where} 建立加密连接失败({e.reason}),请检查加密方式和端口。") from None
    except (OSError, socket.timeout) as e:
        raise failed(f"无法连接发信服务器 {where}({os_reason(e)})。本机可能未联网。") from None
    return sent
