"""The `jianwang` command: the GUI by default, and init / load / dump / check / backup on the core.

Only `jianwang` with no command (or `gui`) touches Qt, and only then is it imported.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from . import __version__
from .core.errors import UserError, os_reason

if TYPE_CHECKING:
    import argparse

EXIT_OK, EXIT_FINDINGS, EXIT_USER_ERROR = 0, 1, 2
EXIT_BROKEN_PIPE = 1  # stdout's reader went away (`jianwang … | head`)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="jianwang",
        description="剑网填报:“剑网”专项行动月报的填写、校验、导出与打印。不带命令时打开图形界面。",
    )
    parser.add_argument("--db", type=Path, help="数据库文件(默认:用户数据目录下的 jianwang.db)")
    parser.add_argument("--version", action="version", version=f"jianwang {__version__}")
    parser.add_argument("--exit-after-start", action="store_true",
                        help="打开主窗口、绘制一次后退出(用于检查安装)")
    commands = parser.add_subparsers(dest="command", metavar="命令")

    commands.add_parser("gui", help="打开图形界面(默认)")

    init = commands.add_parser("init", help="设置本单位的填报信息")
    init.add_argument("--region", required=True, help="市(州),如 绵阳市")
    init.add_argument("--department", required=True, help="版权局 / 公安局 / 网信办 / 文化市场综合执法总队")
    init.add_argument("--unit", help="填报单位全称(默认:市(州)+部门)")
    init.add_argument("--filler", required=True, help="填报人")
    init.add_argument("--phone", required=True, help="联系电话,如 0816-2345678")
    init.add_argument("--campaign", help="专项行动(默认:最新的一次)")

    load = commands.add_parser("load", help="从 JSON 数据文件导入一个月的数据")
    load.add_argument("file", type=Path, metavar="FILE.json")
    load.add_argument("--replace", action="store_true", help="替换该月已有的数据(替换前自动备份)")

    dump = commands.add_parser("dump", help="把一个月的数据写成 JSON 数据文件")
    dump.add_argument("--month", required=True, help="月份,如 2015-08")
    dump.add_argument("--out", type=Path, help="输出文件(默认:屏幕)")

    check = commands.add_parser("check", help="校验一个月的数据,列出错误与提示")
    check.add_argument("--month", required=True, help="月份,如 2015-08")

    recipients = commands.add_parser("recipients", help="列出收件单位及其邮箱;recipients set 设置邮箱")
    recipients.add_argument("--month", help="显示该月的报送去向和截止日期(默认:当前填报月)")
    recipients_actions = recipients.add_subparsers(dest="recipients_action", metavar="操作")
    recipients_set = recipients_actions.add_parser("set", help="设置一个收件单位的邮箱地址")
    recipients_set.add_argument("name", metavar="NAME", help="收件单位,如 省版权局版权处")
    recipients_set.add_argument("address", metavar="ADDRESS", help="邮箱地址")

    mail = commands.add_parser("mail", help="为已导出的月份生成发给各收件单位的邮件草稿(.eml)")
    mail.add_argument("--month", required=True, help="月份,如 2015-08")
    mail.add_argument("--out", type=Path, required=True, help="草稿写入的文件夹")
    mail.add_argument("--bundle", type=Path, help="要附上的签名数据包(.zip)")
    mail.add_argument("--send", action="store_true",
                      help="写出草稿后用已配置的发信服务器发送(见 jianwang smtp)")

    smtp = commands.add_parser("smtp", help="查看或设置(可选的)发信服务器")
    smtp_actions = smtp.add_subparsers(dest="smtp_action", metavar="操作")
    smtp_set = smtp_actions.add_parser("set", help="设置发信服务器")
    smtp_set.add_argument("--host", required=True, help="服务器地址,如 smtp.163.com")
    smtp_set.add_argument("--from", dest="sender", required=True, metavar="ADDRESS",
                          help="本单位的发件邮箱")
    smtp_set.add_argument("--security", choices=["ssl", "starttls", "none"], default="ssl",
                          help="加密方式(默认 ssl)")
    smtp_set.add_argument("--port", type=int, help="端口(默认按加密方式:465 / 587 / 25)")
    smtp_set.add_argument("--user", default="", help="登录名(不填则不登录);密码在发送时询问,不保存")
    smtp_actions.add_parser("clear", help="删除发信服务器设置")

    export = commands.add_parser("export", help="导出一个月的签名数据包(导出后该月锁定)")
    export.add_argument("--month", required=True, help="月份,如 2015-08")
    export.add_argument("--out", required=True, type=Path, help="输出文件夹")

    verify = commands.add_parser("verify", help="验证收到的数据包")
    verify.add_argument("bundle", type=Path, metavar="BUNDLE.zip")
    verify.add_argument("--trust", type=Path, action="append", default=[], metavar="KEYFILE",
                        help="视为受信任的公钥文件(可多次给出)")
    verify.add_argument("--require-trusted", action="store_true",
                        help="签名者不受信任时也判为未通过")

    key = commands.add_parser("key", help="本机的签名密钥")
    key_commands = key.add_subparsers(dest="key_command", metavar="操作", required=True)
    key_commands.add_parser("show", help="显示公钥指纹(还没有密钥时生成一个)")
    key_export = key_commands.add_parser("export", help="把公钥(不含私钥)写入文件")
    key_export.add_argument("file", type=Path, metavar="FILE")

    trust = commands.add_parser("trust", help="管理受信任的公钥")
    trust_commands = trust.add_subparsers(dest="trust_command", metavar="操作", required=True)
    trust_add = trust_commands.add_parser("add", help="把对方导出的公钥加入受信任列表")
    trust_add.add_argument("keyfile", type=Path, metavar="KEYFILE")
    trust_add.add_argument("--label", help="名称,如 绵阳市版权局(默认:单位名称)")
    trust_add.add_argument("--region", help="公钥所属单位的市(州),如 绵阳市(默认:取自公钥文件)")
    trust_add.add_argument("--department", help="公钥所属单位的部门,如 公安局(默认:取自公钥文件)")
    trust_commands.add_parser("list", help="列出受信任的公钥:单位和指纹")
    trust_remove = trust_commands.add_parser(
        "remove", help="不再信任一个公钥(对方电脑丢失、信任错了);已导入的数据包保留")
    trust_remove.add_argument("fingerprint", nargs="+", metavar="FINGERPRINT",
                              help="公钥指纹,如 1a2b 3c4d 5e6f 7a8b(空格、大小写不限)")

    correct = commands.add_parser("correct", help="更正已导出的月份(开启下一版)")
    correct.add_argument("--month", required=True, help="月份,如 2015-08")
    correct.add_argument("--reason", required=True, help="更正原因")

    history = commands.add_parser("history", help="列出一个月份更正后的修改记录(审计记录)")
    history.add_argument("--month", required=True, help="月份,如 2015-08")

    print_ = commands.add_parser("print", help="把附件1、附件2 打印成 PDF 文件(不需要显示器)")
    print_.add_argument("--month", required=True, help="月份,如 2015-08")
    print_.add_argument("--pdf", required=True, type=Path, metavar="OUT.pdf", help="输出的 PDF 文件")
    print_.add_argument("--form", type=int, metavar="1|2", help="只打印附件1 或附件2(默认:两张都打印)")

    seal = commands.add_parser("seal", help="设置打印在“填报单位(盖章)”处的电子印章图片")
    seal_what = seal.add_mutually_exclusive_group(required=True)
    seal_what.add_argument("image", nargs="?", type=Path, metavar="SEAL.png",
                           help="印章图片(PNG,透明背景)")
    seal_what.add_argument("--clear", action="store_true", help="不再打印电子印章(留空盖实物章)")
    backup = commands.add_parser("backup", help="查看、制作或恢复数据库的备份")
    backup_actions = backup.add_subparsers(dest="backup_action", metavar="操作", required=True)
    backup_actions.add_parser("list", help="列出备份(最新的在前)")
    backup_actions.add_parser("now", help="立即备份一次")
    restore = backup_actions.add_parser("restore", help="用备份替换当前数据库(替换前先备份当前数据)")
    restore.add_argument("name", nargs="?", metavar="NAME", help="备份文件名(默认:最新的备份)")
    import_ = commands.add_parser("import", help="导入收到的数据包(先验证;市(州)版权局与省级部门使用)")
    import_.add_argument("bundles", type=Path, nargs="+", metavar="BUNDLE.zip")
    import_.add_argument("--trust-new", action="store_true",
                         help="信任首次出现的单位的公钥(请先与对方核对指纹)")

    status = commands.add_parser("status", help="各月状态;省级:各市(州)报送情况表")
    status.add_argument("--json", action="store_true", help="以 JSON 输出")

    city = commands.add_parser("city", help="市(州)版权局:本月合计及各部门数据来源")
    city.add_argument("--month", required=True, help="月份,如 2015-08")

    totals = commands.add_parser("totals", help="专项行动累计及各月数据(供工作总结);省级汇总表")
    totals.add_argument("--out", type=Path, metavar="OUT.xlsx", help="另写成 Excel 文件")

    attach = commands.add_parser("attach", help="把工作计划或工作总结签名打包,报省版权局")
    attach.add_argument("--kind", required=True, choices=["work_plan", "summary"],
                        help="work_plan:工作计划;summary:工作总结")
    attach.add_argument("document", type=Path, metavar="FILE", help="文档(.docx、.pdf 等)")
    attach.add_argument("--out", required=True, type=Path, help="输出文件夹")

    cases = commands.add_parser("cases", help="查询收到的全部案件")
    cases.add_argument("--region", help="市(州)")
    cases.add_argument("--month", help="月份,如 2015-08")
    cases.add_argument("--category", help="案件类别,如 音乐")
    cases.add_argument("--source", help="案件来源")
    cases.add_argument("--text", help="在案件名称、案情等文字中查找")
    return parser


def _open_store(args):
    from .core.store import Store, default_db_path

    return Store(args.db or default_db_path())


def cmd_init(args) -> int:
    from .core.domain import Profile, geography

    unit = args.unit or geography().default_unit(args.region, args.department)
    profile = Profile(args.region.strip(), args.department.strip(), unit.strip(),
                      args.filler.strip(), args.phone.strip())
    from .core.store import Store, default_db_path

    with Store(args.db or default_db_path(), campaign=args.campaign) as store:
        existed = store.profile() is not None
        store.set_profile(profile)
        print(("已更新" if existed else "已设置") + f"填报信息:{profile.unit}"
              f"(地区 {profile.region},部门 {profile.department}),"
              f"填报人 {profile.filler},电话 {profile.phone}")
        print(f"专项行动:{store.form.campaign};数据库:{store.path}")
    return EXIT_OK


def cmd_load(args) -> int:
    from .core.interchange import load_into_store
    from .core.validation import validate_month

    try:
        raw = args.file.read_bytes()
    except OSError as e:
        raise UserError(f"无法读取文件 {args.file}:{os_reason(e)}") from None
    with _open_store(args) as store:
        from .core.backup import list_backups, restore_command

        before = {b.name for b in list_backups(store.path)}
        month = load_into_store(store, raw, replace=args.replace)
        label = store.form.month(month.period).label
        print(f"已导入 {label} 的数据:统计表 {len(store.form.categories)} 行,案件 {len(month.cases)} 条。")
        for made in (b for b in list_backups(store.path) if b.name not in before):
            print(f"替换前的数据已备份为 {made.name}({made.label});"
                  f"需要时用 {restore_command(store.path, made.name)} 恢复。")
        findings = validate_month(store.form, month)
        errors = sum(f.is_error for f in findings)
        if findings:
            print(f"校验:{errors} 个错误,{len(findings) - errors} 个提示(用 jianwang check --month "
                  f"{month.period} 查看)。")
    return EXIT_OK


def cmd_dump(args) -> int:
    from .core.interchange import dump_month

    with _open_store(args) as store:
        store.form.month(args.month)
        text = dump_month(store, args.month)
    if args.out:
        try:
            args.out.write_text(text, encoding="utf-8", newline="\n")
        except OSError as e:
            raise UserError(f"无法写入 {args.out}:{os_reason(e)}") from None
        print(f"已写出 {args.out}")
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    return EXIT_OK


def cmd_check(args) -> int:
    from .core.validation import validate_month

    with _open_store(args) as store:
        month = store.load_month(args.month)
        findings = validate_month(store.form, month)
        label = store.form.month(args.month).label
        for finding in findings:
            print(finding.describe(store.form))
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    if errors:
        print(f"{label}:{errors} 个错误,{warnings} 个提示。请改正错误后再导出。")
        return EXIT_FINDINGS
    print(f"{label}:校验通过" + (f",{warnings} 个提示。" if warnings else "。"))
    return EXIT_OK


def cmd_recipients(args) -> int:
    from datetime import date

    from .core.mail import route_summary
    from .core.recipients import all_recipients, set_recipient_email
    from .core.routing import missing_addresses, month_routes

    with _open_store(args) as store:
        if args.recipients_action == "set":
            recipient = set_recipient_email(store, args.name, args.address)
            print(f"已保存:{recipient.name} <{recipient.email}>")
            return EXIT_OK
        for recipient in all_recipients(store):
            email = recipient.email or "(未设置)"
            phone = f"电话 {recipient.phone}" if recipient.phone else ""
            print(f"{recipient.name}\t{email}\t{phone}".rstrip())
        profile = store.profile()
        if profile is None:
            print("尚未设置填报单位信息,设置后(jianwang init)才能显示本单位的报送去向。")
            return EXIT_OK
        period = args.month or store.form.current_month(date.today()).period
        try:
            routes = month_routes(store, period)
        except UserError as e:
            print(f"\n{e}")
            return EXIT_OK
        print(f"\n{profile.unit}{store.form.month(period).label}报送:")
        for route in routes:
            print(f"  {route_summary(store.form, route)}")
        missing = missing_addresses(routes)
        if missing:
            print(f"\n还缺 {len(missing)} 个邮箱:" + "、".join(r.name for r in missing)
                  + "。用 jianwang recipients set 名称 地址 设置。")
    return EXIT_OK


def cmd_mail(args) -> int:
    from .core.mail import find_bundle, make_drafts, route_summary, write_drafts

    with _open_store(args) as store:
        store.form.month(args.month)
        drafts = make_drafts(store, args.month, find_bundle(store, args.month, args.bundle))
        paths = write_drafts(drafts, args.out)
        for draft, path in zip(drafts, paths):
            print(f"已写出 {path}")
            print(f"  {route_summary(store.form, draft.route)}")
        if args.send:
            return _send(store, drafts)
    print("草稿未发送:请用邮件程序打开每个 .eml 文件,核对后发送。")
    return EXIT_OK


def _send(store, drafts) -> int:
    import getpass
    import os

    from .core.sending import send_drafts, smtp_settings

    settings = smtp_settings(store)
    if settings is None:
        raise UserError("草稿已写出,但没有配置发信服务器,未发送。",
                        ["请用邮件程序打开草稿发送,或先用 jianwang smtp set 配置服务器。"])
    password = os.environ.get("JIANWANG_SMTP_PASSWORD")
    if settings.user and password is None:
        if not sys.stdin.isatty():
            raise UserError("需要发信邮箱的密码:请在终端中运行,或设置环境变量 JIANWANG_SMTP_PASSWORD。")
        password = getpass.getpass(f"{settings.user} 的密码(不会保存):")
    for name in send_drafts(drafts, settings, store.profile().unit, password):
        print(f"已发送:{name}")
    return EXIT_OK


def cmd_smtp(args) -> int:
    from .core.sending import clear_smtp_settings, set_smtp_settings, smtp_settings

    with _open_store(args) as store:
        if args.smtp_action == "set":
            settings = set_smtp_settings(store, args.host, args.sender, args.security, args.port,
                                         args.user)
            print(f"已保存发信服务器:{settings.describe()}")
        elif args.smtp_action == "clear":
            clear_smtp_settings(store)
            print("已删除发信服务器设置;邮件草稿请用邮件程序打开发送。")
        else:
            settings = smtp_settings(store)
            print(f"发信服务器:{settings.describe()}" if settings else
                  "没有配置发信服务器(可选):邮件草稿用邮件程序打开发送。")
    return EXIT_OK


def _passphrase() -> str | None:
    import os

    from .core.signing import PASSPHRASE_ENV

    return os.environ.get(PASSPHRASE_ENV) or None


def cmd_export(args) -> int:
    from .core.bundle import export_month
    from .core.china_time import time_text
    from .core.signing import grouped

    with _open_store(args) as store:
        label = store.form.month(args.month).label
        result = export_month(store, args.month, args.out, passphrase=_passphrase())
        if result.again:
            print(f"{label}已导出过并锁定,已重新写出第{result.revision}版(与原文件完全相同):")
        else:
            print(f"已导出{label}第{result.revision}版,该月已锁定:")
        print(f"  {result.path}")
        print(f"签名指纹:{grouped(result.fingerprint)}")
        for record in store.exports(args.month):
            why = f",更正原因:{record.reason}" if record.reason else ""
            print(f"  第{record.revision}版  {time_text(record.created)}  指纹 {record.fingerprint}"
                  f"  {record.file_name}{why}")
    return EXIT_OK


def cmd_verify(args) -> int:
    from .core.signing import installation_public_key, read_public_key_file_with_office
    from .core.store import Store, default_db_path
    from .core.verify import verify_file

    # Each trusted key with the office it signs for (verify checks the bundle's sender).
    trusted: dict[str, tuple] = {}
    for keyfile in args.trust:
        key, office = read_public_key_file_with_office(keyfile)
        trusted[key.fingerprint] = (key.base64, keyfile.name, office)
    db = args.db or default_db_path()
    if db.exists():
        with Store(db) as store:
            trusted.update(store.trusted_keys())
            profile = store.profile()
        own = installation_public_key(db)
        if own is not None and profile is not None:
            trusted.setdefault(own.fingerprint, (own.base64, "本机密钥",
                                                 (profile.region, profile.department)))
    result = verify_file(args.bundle, trusted)
    for line in result.summary_lines():
        print(line)
    if not result.ok:
        return EXIT_FINDINGS
    if args.require_trusted and not result.trusted:
        print("签名者不在受信任列表中(--require-trusted),判为未通过。")
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_key(args) -> int:
    from .core.signing import grouped, has_key, installation_key, installation_public_key
    from .core.store import default_db_path

    db = args.db or default_db_path()
    with _open_store(args) as store:
        profile = store.profile()
    created = not has_key(db)
    if created:
        installation_key(db, _passphrase())
    public = installation_public_key(db)
    if args.key_command == "show":
        if created:
            print("本机还没有签名密钥,已生成一个" + ("(设有口令)。" if _passphrase() else "。"))
        print(f"签名指纹:{grouped(public.fingerprint)}")
        print(f"公钥(base64):{public.base64}")
        print("请把指纹打印或抄给接收方,供对方核对。私钥只保存在本机,不会放进数据包。")
        return EXIT_OK
    text = (public.export_text(profile.unit, profile.region, profile.department) if profile
            else public.export_text())
    try:
        args.file.write_text(text, encoding="utf-8", newline="\n")
    except OSError as e:
        raise UserError(f"无法写入 {args.file}:{os_reason(e)}") from None
    print(f"已把公钥(不含私钥)写入 {args.file},指纹 {grouped(public.fingerprint)}")
    return EXIT_OK


def cmd_trust(args) -> int:
    if args.trust_command == "list":
        return _trust_list(args)
    if args.trust_command == "remove":
        return _trust_remove(args)
    from .core.domain import geography
    from .core.signing import grouped, read_public_key_file_with_office

    key, named = read_public_key_file_with_office(args.keyfile)
    if (args.region is None) != (args.department is None):
        raise UserError("--region 和 --department 要一起给出,如 --region 绵阳市 --department 公安局。")
    office = (args.region.strip(), args.department.strip()) if args.region else named
    if office is None:
        raise UserError(f"{args.keyfile} 没有写明公钥属于哪个单位,未加入。",
                        ["请用 --region 市(州) --department 部门 注明,如 --region 绵阳市 "
                         "--department 公安局;一个公钥只对这个单位的数据包有效。"])
    if named is not None and office != named:
        unit = geography().default_unit
        raise UserError(f"{args.keyfile} 写明属于{unit(*named)},与给出的{unit(*office)}不符,未加入。",
                        ["请与对方核实。"])
    unit = geography().default_unit(*office)
    label = (args.label or "").strip() or unit
    with _open_store(args) as store:
        added = store.trust_key(key.fingerprint, key.base64, label, region=office[0],
                                department=office[1])
    print(("已加入受信任的公钥:" if added else "这个公钥已在受信任列表中:")
          + f"{label},指纹 {grouped(key.fingerprint)},只用于{unit}的数据包")
    print("请通过电话等其他途径与对方核对这个指纹。")
    return EXIT_OK


def _trust_list(args) -> int:
    from .core.signing import TRUST_ADD_HOW, grouped, trusted_unit_text

    with _open_store(args) as store:
        keys = store.trusted_keys()
    if not keys:
        print(f"受信任列表是空的。加入对方的公钥:{TRUST_ADD_HOW}。")
        return EXIT_OK
    print(f"受信任的公钥({len(keys)} 个):")
    for fp, (_, label, office) in keys.items():
        print(f"  {grouped(fp)}  {trusted_unit_text(label, office)}")
    return EXIT_OK


def _trust_remove(args) -> int:
    from .core.signing import grouped, trusted_unit_text

    with _open_store(args) as store:
        fp, label, office = store.untrust_key(" ".join(args.fingerprint))
    print(f"已移除受信任的公钥:{trusted_unit_text(label, office)},指纹 {grouped(fp)}")
    print("以前用这个公钥导入的数据包仍保留;此后用它签名的数据包,验证时显示为未受信任,导入时拒绝。")
    return EXIT_OK


def cmd_correct(args) -> int:
    with _open_store(args) as store:
        state = store.start_correction(args.month, args.reason)
        label = store.form.month(args.month).label
    print(f"{label}已开启更正,可以修改数据;改好后再导出即为第{state.next_revision}版。")
    return EXIT_OK


def cmd_history(args) -> int:
    from .core.audit import history_lines

    with _open_store(args) as store:
        for line in history_lines(store, args.month):
            print(line)
    return EXIT_OK


def no_display() -> bool:
    """Linux without a screen (an SSH session, a server): Qt would abort with a message
    that blames a missing libxcb-cursor0 library. Windows and macOS always have one."""
    import os

    return (sys.platform.startswith("linux")
            and not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY",
                                                     "QT_QPA_PLATFORM")))


def _qt_without_display() -> None:
    """Printing needs Qt but no window: with no display, draw offscreen."""
    import os

    if no_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def cmd_print(args) -> int:
    _qt_without_display()
    from .gui.app import make_application
    from .gui.printing import check_forms, print_source, stamp_for, write_pdf

    forms = check_forms(args.form)
    make_application()
    with _open_store(args) as store:
        store.form.month(args.month)
        source = print_source(store, args.month, stamp_for(store, args.month))
        pages = write_pdf(source, args.form, args.pdf)
        names = "、".join(store.form.statistics_form.attachment if f == 1
                         else store.form.cases_form.attachment for f in forms)
        state = "已导出" if source.stamp is not None else (
            f"草稿(正在更正,请导出第{source.correcting}版后再打印正式件)" if source.correcting
            else "草稿(本月尚未导出)")
        print(f"已写出 {args.pdf}:{names},共 {pages} 页,{state}。")
    return EXIT_OK


def cmd_seal(args) -> int:
    _qt_without_display()
    from .gui.app import make_application
    from .gui.seal import clear_seal, set_seal

    make_application()
    with _open_store(args) as store:
        if args.clear:
            clear_seal(store)
            print("已取消电子印章;打印件的“填报单位(盖章)”处留空,可盖实物印章。")
            return EXIT_OK
        try:
            data = args.image.read_bytes()
        except OSError as e:
            raise UserError(f"无法读取文件 {args.image}:{os_reason(e)}") from None
        image = set_seal(store, data)
        print(f"已保存电子印章({image.width()}×{image.height()} 像素),打印时盖在单位名称上。")
    return EXIT_OK


def cmd_backup(args) -> int:
    from .core import backup
    from .core.store import default_db_path

    db_path = args.db or default_db_path()
    if args.backup_action == "now":
        with _open_store(args) as store:
            made = backup.backup_now(store, "manual")
        print(f"已备份到 {made.path}")
    elif args.backup_action == "list":
        backups = backup.list_backups(db_path)
        print(f"数据库:{db_path}\n备份文件夹:{backup.backup_folder(db_path)}")
        if not backups:
            print("还没有备份。")
        for info in backups:
            print(info.describe())
    else:
        result = backup.restore(db_path, args.name)
        print(f"已用备份 {result.restored.name}({result.restored.when},{result.restored.label})"
              f"恢复 {db_path}。")
        if result.safety_copy:
            print(f"恢复前的数据已备份为 {result.safety_copy.name}。")
        if result.set_aside:
            print(f"损坏的文件已改名保留为 {result.set_aside.name}。")
    return EXIT_OK


def cmd_import(args) -> int:
    from .core.receiving import import_file

    refused = 0
    with _open_store(args) as store:
        for path in args.bundles:
            try:
                print(import_file(store, path, trust_new=args.trust_new).message)
            except UserError as e:
                refused += 1
                print(f"错误:{e}", file=sys.stderr)
    if refused:
        print(f"{refused} 个数据包未导入(原因见上),其余已处理。", file=sys.stderr)
        return EXIT_USER_ERROR
    return EXIT_OK


def cmd_status(args) -> int:
    from .core.roles import is_province

    with _open_store(args) as store:
        profile = store.profile()
        if profile is not None and is_province(profile):
            from .core.completeness import completeness, documents

            matrix = completeness(store)
            papers = documents(store)
            if args.json:
                _print_json({**matrix.as_dict(), "documents": {
                    kind: [c.as_dict() for c in cells.values()] for kind, cells in papers.items()}})
                return EXIT_OK
            labels = [store.form.month(p).label for p in matrix.periods]
            print("\t".join(["报送单位"] + labels))
            for sender in matrix.senders:
                print("\t".join([sender.label] + [matrix.cell(sender, p).label
                                                   for p in matrix.periods]))
            for p, label in zip(matrix.periods, labels):
                counts = "、".join(f"{name} {matrix.status_count(p, key)}" for key, name in
                                   (("on_time", "按时"), ("late", "逾期"), ("missing", "未报"))
                                   if matrix.status_count(p, key))
                print(f"{label}:{counts or '尚未到期'}")
            for deadline in store.form.deadlines:
                cells = papers[deadline.key].values()
                got = [c for c in cells if c.revision]
                missing = [c.sender.label for c in cells if c.status == "missing"]
                print(f"{deadline.label}({deadline.due.month}月{deadline.due.day}日截止):"
                      f"已收 {len(got)} / {len(cells)}"
                      + (f",未报:{'、'.join(missing)}" if missing else ""))
            return EXIT_OK
        rows = _office_status(store)
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            line = f"{row['label']}\t{row['state']}\t{row['due']}截止"
            if row["errors"] or row["warnings"]:
                line += f"\t{row['errors']} 个错误,{row['warnings']} 个提示"
            for dept in row.get("departments", []):
                line += f"\t{dept['department']}:" + (
                    f"第{dept['revision']}版" if dept["revision"] else "未报送")
            print(line)
    return EXIT_OK


def _print_json(data) -> None:
    import json

    sys.stdout.buffer.write((json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode())
    sys.stdout.flush()


def _office_status(store) -> list[dict]:
    from .core.month_state import due_text, month_status
    from .core.receiving import current_bundles
    from .core.roles import senders_of

    senders = senders_of(store.profile())
    rows = []
    for month in store.form.months:
        status = month_status(store, month.period)
        row = {"period": month.period, "label": month.label, "state": status.state,
               "due": due_text(month), "errors": status.errors, "warnings": status.warnings}
        if senders:
            current = current_bundles(store, month.period)
            row["departments"] = [
                {"department": s.department,
                 "revision": current[s].revision if s in current else 0}
                for s in senders]
        rows.append(row)
    return rows


def cmd_city(args) -> int:
    from .core.china_time import time_text
    from .core.roles import is_city_office
    from .core.rollup import city_breakdown
    from .core.signing import grouped
    from .core.summary import figures_cells

    with _open_store(args) as store:
        form = store.form
        label = form.month(args.month).label
        profile = store.profile()
        if not is_city_office(profile):
            raise UserError("只有市(州)版权局汇总本地公安、网信部门的数据;本单位没有要汇总的数据。")
        rows = city_breakdown(store, args.month)
        print(f"{profile.unit}{label}附件1 合计(本单位 + 已导入的部门数据):")
        print("\t".join(["来源"] + [m.label for m in form.measures] + ["版本、时间、指纹"]))
        for row in rows:
            if not row.reported:
                print(f"{row.source}\t未报送")
                continue
            b = row.bundle
            where = (f"第{b.revision}版 {time_text(b.created)} 指纹 {grouped(b.fingerprint)}" if b
                     else "本机填写" if row.source == "本单位" else "")
            print("\t".join([row.source] + figures_cells(form, row.totals) + [where]))
        missing = [row.source for row in rows if not row.reported]
        if missing:
            print("尚未报送:" + "、".join(missing)
                  + "(合计中不含其数据;收到后用 jianwang import 导入)。")
        else:
            print("本地各部门均已报送。")
        stale = _stale_export(store, args.month)
        if stale:
            print(stale)
    return EXIT_OK


def _stale_export(store, period: str) -> str | None:
    """Warn when the exported city total no longer includes the current department bundles."""
    from .core.rollup import stale_export

    revision = stale_export(store, period)
    if revision is None:
        return None
    return (f"注意:已导出的第{revision}版合计与现在导入的部门数据不一致;"
            f"请“更正”(jianwang correct --month {period} --reason 原因)后重新导出。")


def cmd_totals(args) -> int:
    from datetime import datetime

    from .core.roles import is_province
    from .core.rollup import campaign_to_date, monthly_totals
    from .core.summary import figures_text, summary_workbook_bytes

    with _open_store(args) as store:
        profile = store.profile()
        if profile is None:
            raise UserError("还没有设置填报单位信息,请先运行 jianwang init。")
        months = monthly_totals(store)
        to_date = campaign_to_date(store, months)
        for line in figures_text(store.form, profile.unit, months, to_date):
            print(line)
        if args.out:
            matrix = None
            if is_province(profile):
                from .core.completeness import completeness

                matrix = completeness(store)
            data = summary_workbook_bytes(store.form, profile.unit, profile.region, months,
                                          to_date, matrix, datetime.now().astimezone())
            try:
                args.out.write_bytes(data)
            except OSError as e:
                raise UserError(f"无法写入 {args.out}:{os_reason(e)}") from None
            print(f"已写出 {args.out}")
    return EXIT_OK


def cmd_attach(args) -> int:
    from .core.attachments import deadline, export_attachment
    from .core.signing import grouped

    with _open_store(args) as store:
        due = deadline(store, args.kind)
        result = export_attachment(store, args.kind, args.document, args.out,
                                   passphrase=_passphrase())
    print(f"已把{due.label}签名打包(第{result.revision}版):{result.path}")
    print(f"签名指纹:{grouped(result.fingerprint)};报送{due.to},截止 {due.due.month}月{due.due.day}日。")
    return EXIT_OK


def cmd_cases(args) -> int:
    from .core.register import CaseFilter, search_cases

    with _open_store(args) as store:
        if args.month:
            store.form.month(args.month)
        found = search_cases(store, CaseFilter(args.region, args.month, args.category,
                                               args.source, args.text))
        columns = [c.heading.replace("\n", "") for c in store.form.case_columns]
        print("\t".join(["月份", "报送单位"] + columns))
        for item in found:
            texts = [item.case.text(c.key).replace("\n", " ") for c in store.form.case_columns]
            print("\t".join([item.period, item.unit] + texts))
    print(f"共 {len(found)} 条案件。")
    return EXIT_OK


def cmd_gui(args) -> int:
    if no_display():
        print("错误:没有图形显示环境(未设置 DISPLAY),打不开窗口。请在桌面环境中运行;"
              "在服务器上检查安装可用 xvfb-run -a jianwang --exit-after-start,"
              "命令行功能(jianwang check、export 等)不需要窗口。", file=sys.stderr)
        return EXIT_USER_ERROR
    # sqlite-utils imports numpy and pandas when they are installed, only to store their
    # types; nothing here has such values, and importing them would add a tenth of a second
    # or more to every start of the window (the PyInstaller build leaves them out anyway).
    for optional in ("numpy", "pandas"):
        sys.modules.setdefault(optional, None)
    import gc

    gc.disable()  # until the window has painted: see gui.app.resume_garbage_collection
    # The core modules the window uses, before Qt: see import_qt_after.
    import importlib

    for module in ("store", "month_state", "validation", "recipients", "roles"):
        importlib.import_module(f"{__package__}.core.{module}")
    import_qt_after()
    from .gui.app import run_gui

    return run_gui(args.db, exit_after_start=args.exit_after_start)


def import_qt_after() -> None:
    """Import PySide6 after the modules already loaded, telling it they use none of its
    features.

    Once imported, PySide6 reads the source of each module the first time an import
    statement names it (shibokensupport.feature._mod_uses_pyside) and gives it 0 when the
    text names PySide6, else -1 ("ignore this module"); a module with 0 is switched back to
    Qt's own names whenever another has selected `snake_case` or `true_property` with
    `from __feature__ import`. Each module loaded before PySide6 is given -1 unread, and the
    window's modules, ours and the standard library's that the core has loaded, are not
    read (about 13 million instructions of every start of the window). Two of them name
    PySide6 (jianwang_desktop.core in its docstring, and this module, here), which the
    reading would give 0: the two differ only once a module selects a feature, which none of
    ours does (tests/test_gui_start.py checks it). Where the table is not found (another
    PySide6), nothing is given and PySide6 reads them as before."""
    loaded = [name for name in sys.modules if name != "__main__"]
    import importlib

    importlib.import_module("PySide6")  # which installs the hook
    table = getattr(sys.modules.get("shibokensupport.feature"), "pyside_feature_dict", None)
    if isinstance(table, dict):
        for name in loaded:
            table.setdefault(name, -1)


COMMANDS = {"init": cmd_init, "load": cmd_load, "dump": cmd_dump, "check": cmd_check,
            "recipients": cmd_recipients, "mail": cmd_mail, "smtp": cmd_smtp,
            "export": cmd_export, "verify": cmd_verify, "key": cmd_key, "trust": cmd_trust,
            "correct": cmd_correct, "print": cmd_print, "seal": cmd_seal, "backup": cmd_backup,
            "import": cmd_import, "status": cmd_status, "city": cmd_city,
            "totals": cmd_totals, "cases": cmd_cases, "attach": cmd_attach,
            "history": cmd_history, "gui": cmd_gui, None: cmd_gui}


def window_arguments(argv: list[str]) -> SimpleNamespace | None:
    """`jianwang [--db PATH] [--exit-after-start] [gui]`, the plain start of the window, read
    without building the parser of every command (several milliseconds of every start);
    None for anything else, which the full parser reads (or explains)."""
    db, exit_after_start, rest = None, False, list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--exit-after-start":
            exit_after_start = True
        elif arg == "--db" and rest and rest[0] and not rest[0].startswith("-"):
            db = Path(rest.pop(0))
        elif arg.startswith("--db=") and len(arg) > len("--db="):
            db = Path(arg[len("--db="):])
        elif arg != "gui" or rest:  # `gui` is a command: options come before it
            return None
    return SimpleNamespace(command=None, db=db, exit_after_start=exit_after_start)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = window_arguments(sys.argv[1:] if argv is None else argv) or build_parser().parse_args(argv)
    try:
        try:
            code = COMMANDS[args.command](args)
        except UserError as e:
            print(f"错误:{e}", file=sys.stderr)
            code = EXIT_USER_ERROR
        sys.stdout.flush()  # a closed pipe shows up here, while it can still be caught
        return code
    except BrokenPipeError:
        # `jianwang … | head`: the reader stopped. No traceback; the usual exit status 1
        # (Python's documented convention), and no second error when Python flushes at exit.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
