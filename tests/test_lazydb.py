"""Opening a migrated database reads through sqlite3 alone; writes are sqlite-utils' own."""

import subprocess
import sys

from jianwang_desktop.core.store import Store


def test_a_migrated_database_opens_and_reads_without_sqlite_utils(db_path, store):
    store.set_cell("2015-08", "音乐", "filed", 3)
    store.close()
    code = (
        "import sys\n"
        "from jianwang_desktop.core.store import Store\n"
        f"s = Store({str(db_path)!r})\n"
        "assert s.load_grid('2015-08')['音乐']['filed'] == 3\n"
        "print('sqlite_utils' in sys.modules)\n"
        "s.set_cell('2015-08', '音乐', 'filed', 4)\n"
        "print('sqlite_utils' in sys.modules)\n"
        "s.close()\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.split() == ["False", "True"]
    with Store(db_path) as again:
        assert again.load_grid("2015-08")["音乐"]["filed"] == 4


def test_a_write_outside_a_transaction_is_committed(db_path, store):
    """As sqlite-utils' execute() does it, whether or not its Database is made yet."""
    store.close()
    with Store(db_path) as reopened:
        reopened.db.execute("UPDATE settings SET value = '网信办' WHERE key = 'department'")
    with Store(db_path) as again:
        assert again.setting("department") == "网信办"
