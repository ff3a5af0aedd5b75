"""export / correct / verify / key / trust as a user runs them."""

import json
import zipfile

from jianwang_desktop.core.formdef import load_form
from jianwang_desktop.core.interchange import month_to_dict
from sample_data import sample_month

from conftest import MIANYANG, run_cli
from test_cli import INIT, out


def office(tmp_path):
    db = tmp_path / "office" / "office.db"
    assert run_cli(*INIT, db=db).returncode == 0
    form = load_form("剑网2015")
    source = tmp_path / "august.json"
    source.write_text(json.dumps(month_to_dict(form, MIANYANG, sample_month(form)),
                                 ensure_ascii=False), encoding="utf-8")
    assert run_cli("load", str(source), db=db).returncode == 0
    return db, source


def test_export_lock_correct_and_export_again(tmp_path):
    db, source = office(tmp_path)
    outdir = tmp_path / "out"
    outdir.mkdir()
    r = run_cli("export", "--month", "2015-08", "--out", str(outdir), db=db)
    assert r.returncode == 0, out(r)
    first = outdir / "绵阳市-版权局-2015-08-第1版.zip"
    assert first.exists() and "第1版" in out(r) and "已锁定" in out(r)

    r = run_cli("load", "--replace", str(source), db=db)
    assert r.returncode == 2 and "锁定" in out(r) and "jianwang correct" in out(r)

    r = run_cli("export", "--month", "2015-08", "--out", str(outdir), db=db)
    assert r.returncode == 0 and "已导出过" in out(r)
    assert len(list(outdir.iterdir())) == 1

    r = run_cli("correct", "--month", "2015-08", "--reason", "案情简介有误", db=db)
    assert r.returncode == 0 and "第2版" in out(r)
    assert run_cli("load", "--replace", str(source), db=db).returncode == 0
    r = run_cli("export", "--month", "2015-08", "--out", str(outdir), db=db)
    assert r.returncode == 0, out(r)
    assert (outdir / "绵阳市-版权局-2015-08-第2版.zip").exists()
    assert "第1版" in out(r) and "更正原因:案情简介有误" in out(r)


def test_export_with_errors_lists_them(tmp_path):
    db = tmp_path / "office.db"
    run_cli(*INIT, db=db)
    r = run_cli("export", "--month", "2015-09", "--out", str(tmp_path), db=db)
    assert r.returncode == 2
    assert "不能导出" in out(r) and "附件1 文学 行政立案数:未填写" in out(r)
    assert not list(tmp_path.glob("*.zip"))


def test_verify_trust_and_tampering(tmp_path):
    db, _ = office(tmp_path)
    outdir = tmp_path / "out"
    outdir.mkdir()
    run_cli("export", "--month", "2015-08", "--out", str(outdir), db=db)
    bundle = next(outdir.glob("*.zip"))
    receiver = tmp_path / "province" / "province.db"

    r = run_cli("verify", str(bundle), db=receiver)
    assert r.returncode == 0 and "验证通过" in out(r) and "未受信任" in out(r)
    r = run_cli("verify", str(bundle), "--require-trusted", db=receiver)
    assert r.returncode == 1

    keyfile = tmp_path / "mianyang.pub"
    r = run_cli("key", "export", str(keyfile), db=db)
    assert r.returncode == 0
    text = keyfile.read_text("utf-8")
    assert "BEGIN PUBLIC KEY" in text and "PRIVATE" not in text and "绵阳市版权局" in text
    r = run_cli("verify", str(bundle), "--trust", str(keyfile), "--require-trusted", db=receiver)
    assert r.returncode == 0 and "受信任(mianyang.pub)" in out(r)

    r = run_cli("trust", "add", str(keyfile), "--label", "绵阳市版权局", db=receiver)
    assert r.returncode == 0 and "已加入" in out(r)
    r = run_cli("verify", str(bundle), "--require-trusted", db=receiver)
    assert r.returncode == 0 and "受信任(绵阳市版权局)" in out(r)

    r = run_cli("key", "show", db=db)
    fingerprint = out(r).split("签名指纹:")[1].split("\n")[0].strip()
    assert r.returncode == 0 and fingerprint in out(run_cli("verify", str(bundle), db=receiver))

    with zipfile.ZipFile(bundle) as z:
        files = {i.filename: z.read(i) for i in z.infolist()}
    files["data.json"] = files["data.json"].replace("绵阳市文化市场".encode(), "某市文化市场".encode())
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    r = run_cli("verify", str(forged), db=receiver)
    assert r.returncode == 1
    assert "验证未通过" in out(r) and "“data.json”的内容与清单记录的 sha256 不符" in out(r)

    r = run_cli("verify", str(tmp_path / "missing.zip"), db=receiver)
    assert r.returncode == 2 and "无法读取" in out(r) and "Traceback" not in out(r)


def test_key_show_makes_the_key_once(tmp_path):
    db = tmp_path / "office.db"
    run_cli(*INIT, db=db)
    r = run_cli("key", "show", db=db)
    assert r.returncode == 0 and "已生成" in out(r)
    again = run_cli("key", "show", db=db)
    assert "已生成" not in out(again)
    assert out(r).split("签名指纹:")[1] == out(again).split("签名指纹:")[1]
    r = run_cli("trust", "add", str(tmp_path / "office.db"), db=db)
    assert r.returncode == 2 and "公钥文件" in out(r)


def test_export_lists_its_versions_in_china_time_on_any_machine_clock(tmp_path, monkeypatch):
    """A machine whose clock runs in UTC stores the export time with +00:00; the clerk
    still reads the version list in China time, as the window and the printout show it."""
    from datetime import datetime

    from jianwang_desktop.core.china_time import CHINA
    from jianwang_desktop.core.store import Store

    monkeypatch.setenv("TZ", "UTC")
    db, _ = office(tmp_path)
    r = run_cli("export", "--month", "2015-08", "--out", str(tmp_path), db=db)
    assert r.returncode == 0, out(r)
    with Store(db) as store:
        created = datetime.fromisoformat(store.exports("2015-08")[-1].created)
    assert created.utcoffset().total_seconds() == 0  # the case this test is about
    assert f"第1版  {created.astimezone(CHINA):%Y-%m-%d %H:%M:%S}" in out(r)
    assert "+00:00" not in out(r)
