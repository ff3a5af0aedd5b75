"""Sample printouts: PDFs of a month with many cases, and the PNG pages in docs/screenshots/.

    python scripts/print_samples.py [--out DIR]

Builds a throw-away database (tests/sample_data.py), an exported-month stamp and a drawn
demo seal, then writes 附件1 and 附件2 as PDF and renders their first pages with pdftoppm
at 60 dpi (small enough to keep in the repository). Also prints how long printing took.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def demo_seal_png() -> bytes:
    """A red round seal on a transparent ground, drawn here so no image file is needed."""
    from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPolygonF

    image = QImage(400, 400, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    red = QColor(210, 20, 30, 215)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(red, 14))
    p.drawEllipse(QRectF(12, 12, 376, 376))
    star = QPolygonF()
    import math

    for i in range(10):
        r = 70 if i % 2 == 0 else 28
        a = -math.pi / 2 + i * math.pi / 5
        star.append(QPointF(200 + r * math.cos(a), 190 + r * math.sin(a)))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(red)
    p.drawPolygon(star)
    font = QFont()
    font.setFamilies(["SimSun", "Noto Serif CJK SC"])
    font.setPixelSize(44)
    font.setBold(True)
    p.setFont(font)
    p.setPen(red)
    p.drawText(QRectF(0, 275, 400, 60), Qt.AlignmentFlag.AlignHCenter, "绵阳市版权局")
    p.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()

    from jianwang_desktop.gui.app import make_application
    from jianwang_desktop.core.store import Store
    from jianwang_desktop.gui.printing import PrintStamp, print_source, write_pdf
    from jianwang_desktop.gui.seal import set_seal
    from conftest import MIANYANG
    from sample_data import sample_month

    make_application()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with Store(tmp / "sample.db") as store:
            store.set_profile(MIANYANG)
            month = sample_month(store.form, cases=200)
            month.cases[0].name = "𠮷祥音乐网站未经许可传播音乐作品案"
            month.cases[1].summary = ("经查,该网站自2015年3月起未经著作权人许可,通过信息网络向公众"
                                      "传播他人音乐作品,累计上传侵权作品1200余首,点击量逾50万次。"
                                      ) * 12
            month.cases[1].result = "责令停止侵权,没收违法所得,罚款 3 万元;关闭网站。"
            store.replace_month(month)
            set_seal(store, demo_seal_png())
            stamp = PrintStamp("3f9a0c1b2d4e5f60", "7c1e44a09b2d3f58", 1)
            draft = print_source(store, "2015-08", printed_on=date(2015, 8, 28))
            exported = print_source(store, "2015-08", stamp, printed_on=date(2015, 8, 28))
        jobs = [("form1", exported, 1, (1,)), ("form1-draft", draft, 1, (1,)),
                ("form2", exported, 2, (1, 2)), ("form2-draft", draft, 2, (1,))]
        for name, source, form_no, pages in jobs:
            pdf = tmp / f"{name}.pdf"
            started = time.perf_counter()
            count = write_pdf(source, form_no, pdf)
            took = time.perf_counter() - started
            print(f"附件{form_no} {name}: {len(source.month.cases)} 条案件,{count} 页,{took:.3f} 秒")
            for page in pages:
                target = args.out / f"print-{name}-page{page}"
                subprocess.run(["pdftoppm", "-r", "60", "-f", str(page), "-l", str(page), "-png",
                                "-singlefile", str(pdf), str(target)], check=True)
                print(f"  {target}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
