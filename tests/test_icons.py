"""The app icon is one SVG source; the .png/.ico the Windows build embeds are rendered from it."""

import subprocess
import sys

from PySide6.QtGui import QImage

from conftest import ROOT


def test_make_icons_renders_the_svg_into_png_and_ico(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_icons.py"), str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for name in ("jianwang.png", "jianwang.ico"):
        image = QImage(str(tmp_path / name))
        assert (image.width(), image.height()) == (256, 256)
        tile, corner = image.pixelColor(32, 100), image.pixelColor(0, 0)
        assert tile.alpha() == 255 and tile.red() > 150 and tile.green() < 80  # seal red
        assert corner.alpha() == 0  # rounded tile on a transparent ground
    assert (tmp_path / "jianwang.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
