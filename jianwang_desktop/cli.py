"""The `jianwang` command: the GUI by default, and init / load / dump / check / backup on the core.

Only `jianwang` with no command (or `gui`) touches Qt, and only then is it imported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .core.errors import UserError

EXIT_OK, EXIT_FINDINGS, EXIT_USER_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
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
    load.add_argument("--replace", action="store_true", help="替换该月已有的数据")

    dump = commands.add_parser("dump", help="把一个月的数据写成 JSON 数据文件")
    dump.add_argument("--month", required=True, help="月份,如 2015-08")
    dump.add_argument("--out", type=Path, help="输出文件(默认:屏幕)")

    check = commands.add_parser("check", help="校验一个月的数据,列出错误与提示")
    check.add_argument("--month", required=True, help="月份,如 2015-08")

    backup = commands.add_parser("backup", help="查看、制作或恢复数据库的备份")
    backup_actions = backup.add_subparsers(dest="backup_action", metavar="操作", required=True)
    backup_actions.add_parser("list", help="列出备份(最新的在前)")
    backup_actions.add_parser("now", help="立即备份一次")
    restore = backup_actions.add_parser("restore", help="用备份替换当前数据库(替换前先备份当前数据)")
    restore.add_argument("name", nargs="?", metavar="NAME", help="备份文件名(默认:最新的备份)")
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
        raise UserError(f"无法读取文件 {args.file}:{e.strerror}") from None
    with _open_store(args) as store:
        month = load_into_store(store, raw, replace=args.replace)
        label = store.form.month(month.period).label
        print(f"已导入 {label} 的数据:统计表 {len(store.form.categories)} 行,案件 {len(month.cases)} 条。")
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
            raise UserError(f"无法写入 {args.out}:{e.strerror}") from None
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


def cmd_gui(args) -> int:
    from .gui.app import run_gui

    return run_gui(args.db, exit_after_start=args.exit_after_start)


COMMANDS = {"init": cmd_init, "load": cmd_load, "dump": cmd_dump, "check": cmd_check,
            "backup": cmd_backup, "gui": cmd_gui, None: cmd_gui}


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UserError as e:
        print(f"错误:{e}", file=sys.stderr)
        return EXIT_USER_ERROR
