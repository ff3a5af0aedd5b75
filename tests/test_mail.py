"""E-mail drafts: parsed back with Python's own parser, as a mail client would read them."""

import base64
import re
import hashlib
import zipfile
from decimal import Decimal
from email import policy
from email.parser import BytesParser

import pytest

from jianwang_desktop.core.domain import Profile
from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.mail import find_bundle, make_drafts, write_drafts
from jianwang_desktop.core.money import format_amount
from jianwang_desktop.core.recipients import set_recipient_email
from jianwang_desktop.core.store import Store
from bundle_fixture import TEST_KEY_FINGERPRINT, write_test_bundle
from sample_data import sample_month
from test_recipients import addr

from conftest import MIANYANG, run_cli

ADDRESSES = {"省版权局版权处": addr("bqc", "example.gov.cn"),
             "省公安厅网安总队": addr("wangan", "example.gov.cn"),
             "省网信办网监处": addr("wangjian", "example.gov.cn")}
LOCAL_ADDRESS = addr("local.bqj", "example.com")

OFFICES = {
    "版权局": (MIANYANG, {"省版权局版权处": ("工作情况统计表及查处案件信息表", True, True)}),
    "执法总队": (Profile("成都市", "文化市场综合执法总队", "成都市文化市场综合执法总队", "赵六",
                       "028-12345678"),
                 {"省版权局版权处": ("工作情况统计表及查处案件信息表", True, True)}),
    "公安局": (Profile("绵阳市", "公安局", "绵阳市公安局", "李四", "13812345678"),
              {"省公安厅网安总队": ("查处案件信息表", False, True),
               "绵阳市版权局": ("工作情况统计表", True, False)}),
    "网信办": (Profile("绵阳市", "网信办", "绵阳市网信办", "钱七", "0816-1234567"),
              {"省网信办网监处": ("查处案件信息表", False, True),
               "绵阳市版权局": ("工作情况统计表", True, False)}),
}


def office_store(path, profile: Profile, addresses: bool = True) -> Store:
    store = Store(path)
    store.set_profile(profile)
    if addresses:
        for name, address in ADDRESSES.items():
            set_recipient_email(store, name, address)
        if profile.department in ("公安局", "网信办"):
            set_recipient_email(store, "本地版权局", LOCAL_ADDRESS)
    return store


def parse(raw: bytes):
    return BytesParser(policy=policy.default).parsebytes(raw)


def expected_totals(month) -> dict[str, str]:
    """The 合计 of each measure, summed here independently of the code under test."""
    totals = {}
    for key in ("filed", "closed", "transferred", "sites_closed", "servers"):
        totals[key] = str(sum(row[key] for row in month.statistics.values()))
    for key in ("fine", "involved"):
        totals[key] = format_amount(sum((row[key] for row in month.statistics.values()),
                                        Decimal(0)))
    return totals


@pytest.mark.parametrize("office", list(OFFICES))
def test_drafts_go_exactly_where_the_notice_says(tmp_path, office):
    profile, expected = OFFICES[office]
    store = office_store(tmp_path / "office.db", profile)
    month = sample_month(store.form, "2015-08", cases=3)
    bundle = write_test_bundle(tmp_path, store.form, profile, month)
    with zipfile.ZipFile(bundle) as z:
        manifest_sha = hashlib.sha256(z.read("manifest.json")).hexdigest()

    paths = write_drafts(make_drafts(store, "2015-08", bundle), tmp_path / "drafts")
    store.close()

    assert len(paths) == len(expected)
    seen = set()
    for path in paths:
        raw = path.read_bytes()
        assert raw.isascii()  # every Chinese header and body is encoded for transport
        assert b"\r\n" in raw and b"\nX-Unsent: 1\r\n" in raw
        message = parse(raw)
        (to,) = message["To"].addresses
        seen.add(to.display_name)
        title, has_statistics, has_cases = expected[to.display_name]
        address = ADDRESSES.get(to.display_name, LOCAL_ADDRESS)
        assert to.addr_spec == address
        assert message["Subject"] == f"【剑网2015】{profile.unit} 2015年8月 {title}"
        head = raw.split(b"\r\n\r\n")[0].decode("ascii")
        assert "\r\nSubject: =?utf-8?b?" in head  # RFC 2047
        # Each encoded word holds whole characters, so a client that decodes word by
        # word (older Outlook) never shows a broken character.
        for word in re.findall(r"=\?utf-8\?b\?([^?]*)\?=", raw.decode("ascii")):
            base64.b64decode(word).decode("utf-8")

        (attachment,) = list(message.iter_attachments())
        assert attachment.get_filename() == bundle.name
        assert attachment.get_content_type() == "application/zip"
        assert attachment.get_content() == bundle.read_bytes()
        assert b"filename*0*=utf-8''" in raw  # RFC 2231 in Content-Disposition
        assert attachment["Content-Type"].params["name"] == bundle.name  # RFC 2047 fallback

        body = message.get_body(("plain",)).get_content()
        assert manifest_sha[:16] in body and TEST_KEY_FINGERPRINT in body
        assert profile.filler in body and profile.phone in body and profile.unit in body
        assert "2015年8月30日" in body
        totals = expected_totals(month)
        for label, key in (("行政立案数", "filed"), ("罚款金额", "fine"), ("涉案金额", "involved"),
                           ("涉案服务器数", "servers")):
            assert (f"{label} {totals[key]} " in body) == has_statistics, (label, body)
        assert ("查处案件:3 条" in body) == has_cases
    assert seen == set(expected)


def test_a_missing_address_is_refused_and_nothing_written(tmp_path):
    profile, _ = OFFICES["公安局"]
    store = office_store(tmp_path / "office.db", profile, addresses=False)
    set_recipient_email(store, "省公安厅网安总队", ADDRESSES["省公安厅网安总队"])
    bundle = write_test_bundle(tmp_path, store.form, profile, sample_month(store.form))
    with pytest.raises(UserError) as e:
        make_drafts(store, "2015-08", bundle)
    assert "绵阳市版权局的邮箱地址还没有设置" in str(e.value)
    assert "省公安厅网安总队的邮箱" not in str(e.value)
    store.close()


def test_no_bundle_is_refused(store):
    for name, address in ADDRESSES.items():
        set_recipient_email(store, name, address)
    assert find_bundle(store, "2015-08") is None
    with pytest.raises(UserError, match="还没有导出的数据包"):
        make_drafts(store, "2015-08", find_bundle(store, "2015-08"))
    with pytest.raises(UserError, match="找不到数据包"):
        find_bundle(store, "2015-08", store.path.parent / "nowhere.zip")


def test_a_month_under_correction_is_refused_with_its_next_revision(store, tmp_path):
    from jianwang_desktop.core.bundle import export_month

    for name, address in ADDRESSES.items():
        set_recipient_email(store, name, address)
    store.replace_month(sample_month(store.form))
    export_month(store, "2015-08", tmp_path)
    store.start_correction("2015-08", "罚款金额填错")
    assert find_bundle(store, "2015-08") is None
    with pytest.raises(UserError) as e:
        make_drafts(store, "2015-08", None)
    assert "2015年8月正在更正,请导出第2版后再生成邮件草稿(jianwang export --month 2015-08)" \
        in str(e.value)


def test_a_bundle_of_another_month_or_office_is_refused(tmp_path, store):
    for name, address in ADDRESSES.items():
        set_recipient_email(store, name, address)
    september = write_test_bundle(tmp_path, store.form, MIANYANG,
                                  sample_month(store.form, "2015-09"))
    with pytest.raises(UserError, match="不是2015年8月"):
        make_drafts(store, "2015-08", september)
    police, _ = OFFICES["公安局"]
    (tmp_path / "police").mkdir()
    other = write_test_bundle(tmp_path / "police", store.form, police, sample_month(store.form))
    with pytest.raises(UserError, match="不是本单位"):
        make_drafts(store, "2015-08", other)


def test_a_bundle_whose_data_does_not_match_its_manifest_is_refused(tmp_path, store):
    for name, address in ADDRESSES.items():
        set_recipient_email(store, name, address)
    bundle = write_test_bundle(tmp_path, store.form, MIANYANG, sample_month(store.form),
                               manifest_changes={"unit": "改过的单位"})
    with pytest.raises(UserError, match="未通过核验") as e:
        make_drafts(store, "2015-08", bundle)
    assert any("签名无效" in d for d in e.value.details)
    not_a_zip = tmp_path / "broken.zip"
    not_a_zip.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(UserError, match="未通过核验") as e:
        make_drafts(store, "2015-08", not_a_zip)
    assert any("不是有效的 zip" in d for d in e.value.details)


def out(result) -> str:
    return result.stdout.decode("utf-8") + result.stderr.decode("utf-8")


def test_command_line_recipients_and_mail(tmp_path):
    db = tmp_path / "police.db"
    profile, _ = OFFICES["公安局"]
    office_store(db, profile, addresses=False).close()

    r = run_cli("recipients", "--month", "2015-09", db=db)
    assert r.returncode == 0, out(r)
    assert "省公安厅网安总队\t(未设置)" in out(r) and "绵阳市版权局\t(未设置)" in out(r)
    assert "附件2 查处案件信息表,截止 2015年9月30日" in out(r)
    assert "还缺 2 个邮箱" in out(r)

    with Store(db) as store:
        month = sample_month(store.form)
        bundle = write_test_bundle(tmp_path, store.form, profile, month)
    r = run_cli("mail", "--month", "2015-08", "--out", str(tmp_path / "drafts"),
                "--bundle", str(bundle), db=db)
    assert r.returncode == 2 and "邮箱地址还没有设置" in out(r) and "Traceback" not in out(r)
    assert not (tmp_path / "drafts").exists()

    r = run_cli("recipients", "set", "省公安厅", "wangan" + "\uff20" + "Example.gov.cn", db=db)
    assert r.returncode == 0 and addr("wangan", "example.gov.cn") in out(r), out(r)
    r = run_cli("recipients", "set", "绵阳市版权局", "not an address", db=db)
    assert r.returncode == 2 and "邮箱地址" in out(r)
    r = run_cli("recipients", "set", "绵阳市版权局", LOCAL_ADDRESS, db=db)
    assert r.returncode == 0, out(r)

    r = run_cli("mail", "--month", "2015-08", "--out", str(tmp_path / "drafts"), db=db)
    assert r.returncode == 2 and "--bundle" in out(r)

    r = run_cli("mail", "--month", "2015-08", "--out", str(tmp_path / "drafts"),
                "--bundle", str(bundle), db=db)
    assert r.returncode == 0, out(r)
    drafts = sorted((tmp_path / "drafts").glob("*.eml"))
    assert {parse(p.read_bytes())["To"].addresses[0].addr_spec for p in drafts} == {
        addr("wangan", "example.gov.cn"), LOCAL_ADDRESS}


@pytest.mark.parametrize("text, expected", [
    ("绵阳市版权局 2015年8月 致省版权局版权处", "绵阳市版权局 2015年8月 致省版权局版权处"),
    ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
    (" 结尾的点. ", "结尾的点"),
    ("...", "邮件"),
])
def test_draft_file_names_are_safe_on_every_system(text, expected):
    from jianwang_desktop.core.mail import safe_filename

    assert safe_filename(text) == expected


def replace_member(path, name: str, change) -> None:
    """Rewrite one member of the zip at `path` (nothing else is touched, nor re-signed)."""
    import io

    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i)) for i in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info, change(data) if info.filename == name else data)
    path.write_bytes(out.getvalue())


def addressed(store):
    for name, address in ADDRESSES.items():
        set_recipient_email(store, name, address)
    return store


def test_a_damaged_bundle_is_refused_with_the_reason_not_a_traceback(tmp_path, store):
    from test_verify import corrupt_member

    addressed(store)
    bundle = write_test_bundle(tmp_path, store.form, MIANYANG, sample_month(store.form))
    bundle.write_bytes(corrupt_member(bundle.read_bytes(), "data.json"))
    with pytest.raises(UserError, match="未通过核验") as e:
        make_drafts(store, "2015-08", bundle)
    assert any("“data.json”已损坏" in d for d in e.value.details)
    r = run_cli("mail", "--month", "2015-08", "--out", str(tmp_path / "drafts"),
                "--bundle", str(bundle), db=store.path)
    assert r.returncode == 2 and "Traceback" not in out(r) and "已损坏" in out(r), out(r)
    assert not (tmp_path / "drafts").exists()


def test_a_changed_spreadsheet_is_refused_even_when_data_json_is_intact(tmp_path, store):
    addressed(store)
    bundle = write_test_bundle(tmp_path, store.form, MIANYANG, sample_month(store.form))
    with zipfile.ZipFile(bundle) as z:
        sheet = next(n for n in z.namelist() if n.startswith("附件1"))
    replace_member(bundle, sheet, lambda data: data + b"\0")
    with pytest.raises(UserError, match="未通过核验") as e:
        make_drafts(store, "2015-08", bundle)
    assert any(sheet in d and "被改动" in d for d in e.value.details), e.value.details


def test_only_the_current_export_is_attached(tmp_path, store):
    from jianwang_desktop.core.bundle import export_month

    addressed(store)
    store.replace_month(sample_month(store.form))
    (tmp_path / "out").mkdir()
    first = export_month(store, "2015-08", tmp_path / "out").path
    assert len(make_drafts(store, "2015-08", first)) == 1
    store.start_correction("2015-08", "更正罚款金额")
    with pytest.raises(UserError, match="正在更正") as e:
        make_drafts(store, "2015-08", first)
    assert "第2版" in "".join(e.value.details)
    store.set_cell("2015-08", "文学", "servers", 9)
    second = export_month(store, "2015-08", tmp_path / "out").path
    with pytest.raises(UserError, match="不是2015年8月当前的导出版本") as e:
        make_drafts(store, "2015-08", first)
    assert "当前是第2版" in "".join(e.value.details) and second.name in "".join(e.value.details)
    drafts = make_drafts(store, "2015-08", second)
    assert drafts[0].message.get_payload()[1].get_content() == second.read_bytes()


def test_a_corrected_revision_says_it_replaces_the_one_sent_before(tmp_path, store):
    """The recipient of 第2版 had a mail worded exactly as 第1版's (only the attachment's
    name differed): the subject and the text say it is the corrected version, which one it
    replaces and why."""
    from jianwang_desktop.core.bundle import export_month

    addressed(store)
    store.replace_month(sample_month(store.form))
    (tmp_path / "out").mkdir()
    first = export_month(store, "2015-08", tmp_path / "out").path
    message = make_drafts(store, "2015-08", first)[0].message
    assert "更正" not in message["Subject"] and "更正" not in message.get_body().get_content()
    store.start_correction("2015-08", "201508-001 查处结果有误")
    store.set_cell("2015-08", "文学", "servers", 9)
    second = export_month(store, "2015-08", tmp_path / "out").path
    message = make_drafts(store, "2015-08", second)[0].message
    assert "更正" in message["Subject"] and "第2版" in message["Subject"]
    text = message.get_body().get_content()
    assert "第2版" in text and "第1版" in text and "201508-001 查处结果有误" in text


def test_a_corrected_revision_s_drafts_do_not_replace_those_of_the_first(tmp_path, store):
    """Written to the same folder, 第2版's drafts had the names of 第1版's and replaced them."""
    from jianwang_desktop.core.bundle import export_month
    from jianwang_desktop.core.mail import write_drafts

    addressed(store)
    store.replace_month(sample_month(store.form))
    (tmp_path / "out").mkdir()
    first = export_month(store, "2015-08", tmp_path / "out").path
    first_paths = write_drafts(make_drafts(store, "2015-08", first), tmp_path / "drafts")
    store.start_correction("2015-08", "补录一条案件")
    store.set_cell("2015-08", "文学", "servers", 9)
    second = export_month(store, "2015-08", tmp_path / "out").path
    second_paths = write_drafts(make_drafts(store, "2015-08", second), tmp_path / "drafts")
    assert not set(first_paths) & set(second_paths)
    assert all("第2版" in p.name for p in second_paths)
    assert all("第" not in p.name.split("月")[-1] for p in first_paths)  # as before: no 第1版
    assert sorted(tmp_path.joinpath("drafts").iterdir()) == sorted(first_paths + second_paths)


def test_a_city_total_says_whose_figures_it_sums_and_who_has_not_reported(tmp_path):
    """The 市(州)版权局's 合计 includes its 公安局's bundle: the province reading 行政立案数
    above the number of the office's own cases is told why, and that 网信办 is missing."""
    import random

    from jianwang_desktop.core.receiving import import_file
    from province_fixture import fill_and_export, police_and_city

    police, city, out = police_and_city(tmp_path)
    rng = random.Random(5)
    fill_and_export(police, "2015-08", rng, out)
    with city.store() as store:
        import_file(store, police.bundles["2015-08"], trust_new=True)
    fill_and_export(city, "2015-08", rng, out)
    with city.store() as store:
        set_recipient_email(store, "省版权局版权处", ADDRESSES["省版权局版权处"])
        [draft] = make_drafts(store, "2015-08", city.bundles["2015-08"])
    text = draft.message.get_payload()[0].get_content()
    assert "本月合计含本单位及绵阳市公安局第1版的数据;绵阳市网信办尚未报送,不含其数据。" in text
