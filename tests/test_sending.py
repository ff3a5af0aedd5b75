"""Optional SMTP sending, against a small SMTP server on 127.0.0.1 (tests/smtp_fixture.py)."""

import os
import socket
from email import policy
from email.parser import BytesParser

import pytest

from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.mail import make_drafts
from jianwang_desktop.core.recipients import set_recipient_emails
from jianwang_desktop.core.sending import (clear_smtp_settings, send_drafts, set_smtp_settings,
                                           smtp_settings)
from bundle_fixture import write_test_bundle
from sample_data import sample_month
from smtp_fixture import start_sink
from test_mail import ADDRESSES, out
from test_recipients import addr

from conftest import MIANYANG, ROOT

SENDER = addr("mybqj", "example.com")


@pytest.fixture
def sink():
    sink, stop = start_sink(user="mybqj", password="Sq-code-123")
    yield sink
    stop()


def drafts_for(store, tmp_path):
    set_recipient_emails(store, ADDRESSES)
    bundle = write_test_bundle(tmp_path, store.form, MIANYANG, sample_month(store.form))
    return bundle, make_drafts(store, "2015-08", bundle)


def test_nothing_is_configured_at_first_and_a_bad_setting_is_refused(store):
    assert smtp_settings(store) is None
    for kwargs, words in [({"host": "smtp 163.com"}, "服务器地址"),
                          ({"host": "smtp.example.com", "port": 70000}, "端口"),
                          ({"host": "smtp.example.com", "security": "tls1"}, "加密方式"),
                          ({"host": "smtp.example.com", "sender": "mybqj"}, "邮箱地址")]:
        with pytest.raises(UserError, match=words):
            set_smtp_settings(store, **{"sender": SENDER, **kwargs})
        assert smtp_settings(store) is None


def test_drafts_are_sent_to_exactly_their_recipients(store, tmp_path, sink):
    settings = set_smtp_settings(store, "127.0.0.1", SENDER, "none", sink.port, "mybqj")
    assert smtp_settings(store) == settings and settings.port == sink.port
    bundle, drafts = drafts_for(store, tmp_path)
    sent = send_drafts(drafts, settings, MIANYANG.unit, "Sq-code-123")
    assert sent == ["省版权局版权处"]
    (received,) = sink.messages
    assert received.sender == SENDER and received.recipients == [ADDRESSES["省版权局版权处"]]
    message = BytesParser(policy=policy.default).parsebytes(received.data)
    assert message["From"].addresses[0].addr_spec == SENDER
    assert message["X-Unsent"] is None and message["Date"] and message["Message-ID"]
    assert message["Subject"] == "【剑网2015】绵阳市版权局 2015年8月 工作情况统计表及查处案件信息表"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == bundle.read_bytes()
    assert attachment.get_filename() == bundle.name
    # The draft itself stays a draft.
    assert drafts[0].message["X-Unsent"] == "1"


def test_a_wrong_password_sends_nothing_and_says_so(store, tmp_path, sink):
    settings = set_smtp_settings(store, "127.0.0.1", SENDER, "none", sink.port, "mybqj")
    _, drafts = drafts_for(store, tmp_path)
    with pytest.raises(UserError) as e:
        send_drafts(drafts, settings, MIANYANG.unit, "wrong")
    assert "密码" in str(e.value) and "一封也没有发出" in str(e.value)
    with pytest.raises(UserError, match="全角"):
        send_drafts(drafts, settings, MIANYANG.unit, "授权码")
    assert sink.messages == []


def test_no_server_listening_is_a_clear_message(store, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: nobody listens there
    settings = set_smtp_settings(store, "127.0.0.1", SENDER, "none", port)
    _, drafts = drafts_for(store, tmp_path)
    with pytest.raises(UserError, match="无法连接发信服务器"):
        send_drafts(drafts, settings, MIANYANG.unit)
    clear_smtp_settings(store)
    assert smtp_settings(store) is None


def test_command_line_mail_send(store, tmp_path, sink):
    import subprocess
    import sys

    set_recipient_emails(store, ADDRESSES)
    bundle = write_test_bundle(tmp_path, store.form, MIANYANG, sample_month(store.form))
    store.close()

    def cli(*args, password=None):
        env = dict(os.environ, PYTHONIOENCODING="utf-8")
        if password is not None:
            env["JIANWANG_SMTP_PASSWORD"] = password
        return subprocess.run([sys.executable, "-m", "jianwang_desktop", "--db",
                               str(store.path), *args], capture_output=True, env=env, cwd=ROOT,
                              stdin=subprocess.DEVNULL, timeout=120)

    mail = ["mail", "--month", "2015-08", "--out", str(tmp_path / "drafts"), "--bundle",
            str(bundle), "--send"]
    r = cli(*mail)
    assert r.returncode == 2 and "没有配置发信服务器" in out(r)
    assert len(list((tmp_path / "drafts").glob("*.eml"))) == 1  # the drafts are still there

    r = cli("smtp", "set", "--host", "127.0.0.1", "--from", SENDER, "--security", "none",
            "--port", str(sink.port), "--user", "mybqj")
    assert r.returncode == 0 and "127.0.0.1" in out(r), out(r)
    r = cli("smtp")
    assert SENDER in out(r)
    r = cli(*mail)
    assert r.returncode == 2 and "JIANWANG_SMTP_PASSWORD" in out(r)
    r = cli(*mail, password="Sq-code-123")
    assert r.returncode == 0 and "已发送:省版权局版权处" in out(r), out(r)
    assert [m.recipients for m in sink.messages] == [[ADDRESSES["省版权局版权处"]]]
