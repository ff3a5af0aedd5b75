"""The private key never travels, and a trusted key speaks only for the office it was trusted for."""

import pytest
from cryptography.hazmat.primitives import serialization

from jianwang_desktop.core import signing
from jianwang_desktop.core.attachments import attachment_history, export_attachment
from jianwang_desktop.core.errors import UserError

from conftest import run_cli
from province_fixture import make_office, office_profile


@pytest.fixture
def city(tmp_path):
    office = make_office(tmp_path, office_profile("绵阳市", "版权局"))
    with office.store() as store:
        signing.installation_key(store.path)
    return office


def _refused(office, document, out):
    with office.store() as store:
        with pytest.raises(UserError) as e:
            export_attachment(store, "work_plan", document, out)
        assert attachment_history(store, "work_plan") == []
    assert list(out.iterdir()) == []
    return str(e.value)


def test_the_key_file_itself_is_not_sent_as_a_work_plan(city, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    key_file = signing.key_path(city.db)
    assert "私钥文件" in _refused(city, key_file, out)
    r = run_cli("attach", "--kind", "work_plan", str(key_file), "--out", str(out), db=city.db)
    assert r.returncode == 2 and "私钥" in r.stderr.decode() and list(out.iterdir()) == []


@pytest.mark.parametrize("form", ["pem copy", "other pem", "raw", "der"])
def test_a_document_holding_a_private_key_is_not_sent(city, tmp_path, form):
    out = tmp_path / "out"
    out.mkdir()
    key = signing.load_key(city.db)
    raw, der = key.secret_forms()
    other_pem = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----\n"
    body = {"pem copy": signing.key_path(city.db).read_bytes(), "other pem": other_pem,
            "raw": raw, "der": der}[form]
    document = tmp_path / "工作计划.docx"
    document.write_bytes(b"PK\x03\x04 plan text " + body + b" more text")
    assert "含有私钥" in _refused(city, document, out)
    assert raw == key._private.private_bytes(serialization.Encoding.Raw,
                                             serialization.PrivateFormat.Raw,
                                             serialization.NoEncryption())


def test_an_ordinary_document_and_the_public_key_are_still_sent(city, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    document = tmp_path / "工作计划.txt"
    document.write_text("绵阳市剑网2015工作计划\n" + signing.installation_public_key(city.db)
                        .export_text("绵阳市版权局"), encoding="utf-8")
    with city.store() as store:
        result = export_attachment(store, "work_plan", document, out)
    assert result.path.exists() and result.revision == 1
