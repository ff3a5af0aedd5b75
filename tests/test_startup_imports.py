"""What the window needs from the core at start-up loads nothing it does not use then.

Each module named here costs milliseconds at every start (benchmarks/bench_core_import.py)
and is needed only later: hashlib (OpenSSL) to import or sign a bundle, signing for keys,
audit for a 更正, _strptime (with locale and calendar) nowhere, logging when a backup
fails, sqlite-utils for the first write.
"""

import subprocess
import sys

from jianwang_desktop.core.backup import list_backups
from jianwang_desktop.core.store import Store
from sample_data import sample_month

NOT_AT_START = ["_strptime", "hashlib", "jianwang_desktop.core.audit",
                "jianwang_desktop.core.signing", "logging", "sqlite_utils"]

START = """
import sys
before = set(sys.modules)
from jianwang_desktop.core import (completeness, month_state, reconcile, recipients, records,
                                   roles, rollup, store, validation)
s = store.Store({path!r})
month = s.load_month("2015-08")
findings = validation.validate_month(s.form, month)
reconcile.reconcile(s.form, month.statistics, month.cases)
statuses = [month_state.month_status(s, p) for p in s.form.periods]
roles.receiving_role(s.profile())
rollup.city_breakdown(s, "2015-08")
recipients.provincial_emails(s)
s.close()
print(" ".join(sorted(set(sys.modules) - before)))
"""


def test_opening_the_window_s_data_loads_no_module_it_does_not_use(db_path, store):
    store.replace_month(sample_month(store.form, "2015-08"))
    store.close()
    Store(db_path).close()  # an existing file: today's backup is made, so the next start lists it
    assert len(list_backups(db_path)) == 1
    r = subprocess.run([sys.executable, "-c", START.format(path=str(db_path))],
                       capture_output=True, text=True, check=True)
    loaded = set(r.stdout.split())
    assert "jianwang_desktop.core.store" in loaded  # the script did import the core
    assert sorted(loaded & set(NOT_AT_START)) == []
