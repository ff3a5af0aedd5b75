"""The exported bundle reaches the printout (QR stamp) and the e-mail drafts (attachment)."""

import subprocess
import unicodedata
from email import policy
from email.parser import BytesParser

from jianwang_desktop.core.bundle import export_month
from jianwang_desktop.core.mail import find_bundle, make_drafts, write_drafts
from jianwang_desktop.core.recipients import set_recipient_email
from jianwang_desktop.core.verify import verify_bundle
from jianwang_desktop.gui.printing import stamp_for
from sample_data import sample_month

from conftest import run_cli

ADDRESS = "banquanchu@example.gov.cn"


def test_drafts_attach_the_current_export_and_it_verifies(store, tmp_path):
    store.replace_month(sample_month(store.form))
    assert find_bundle(store, "2015-08") is None
    result = export_month(store, "2015-08", tmp_path)
    set_recipient_email(store, "省版权局版权处", ADDRESS)
    bundle = find_bundle(store, "2015-08")
    assert bundle.read_bytes() == result.path.read_bytes()
    [path] = write_drafts(make_drafts(store, "2015-08", bundle), tmp_path / "mail")
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert message["To"].addresses[0].addr_spec == ADDRESS
    [attachment] = list(message.iter_attachments())
    raw = attachment.get_content()
    assert raw == result.path.read_bytes()
    key = store.trusted_keys()  # empty: the signature is checked, trust is a separate matter
    verdict = verify_bundle(raw, key)
    assert verdict.ok, verdict.failures
    assert verdict.fingerprint == result.fingerprint

    store.start_correction("2015-08", "更正罚款金额")
    assert find_bundle(store, "2015-08") is None  # the stored data no longer equals it


def test_printout_is_stamped_only_while_the_export_stands(store, tmp_path):
    store.replace_month(sample_month(store.form))
    assert stamp_for(store, "2015-08") is None
    result = export_month(store, "2015-08", tmp_path)
    stamp = stamp_for(store, "2015-08")
    assert stamp.key_fingerprint == result.fingerprint and stamp.revision == 1
    record = store.exports("2015-08")[-1]
    assert stamp.bundle_fingerprint == record.manifest_sha256[:16]

    pdf = tmp_path / "august.pdf"
    r = run_cli("print", "--month", "2015-08", "--pdf", str(pdf), "--form", "1", db=store.path)
    assert r.returncode == 0, r.stderr.decode("utf-8")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    text = unicodedata.normalize("NFKC", text)  # pdftotext returns "ff" as the ligature ﬀ
    assert stamp.bundle_fingerprint in text and "草稿" not in text

    store.start_correction("2015-08", "更正罚款金额")
    assert stamp_for(store, "2015-08") is None
