"""The office's electronic seal: a PNG (with transparency) printed over the unit's name.

The image is kept in the database (setting `seal_png`, base64 of a PNG re-encoded by Qt)
so it travels with the data file and needs no path of this machine. Anything Qt cannot
read as an image is refused with a message and nothing is stored.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage

from ..core.errors import UserError

SEAL_SETTING = "seal_png"
MAX_SEAL_FILE_BYTES = 10 * 1024 * 1024
# A seal prints at about 4 cm; 1000 px is 635 dpi at that size, plenty for any printer.
MAX_SEAL_PIXELS = 1000


def check_seal_image(data: bytes) -> QImage:
    """The seal as an image, or a UserError saying why these bytes cannot be a seal.

    Needs no store: the settings dialog can call it before saving anything.
    """
    if not data:
        raise UserError("印章图片文件是空的。", ["请选择一个 PNG 图片(最好是透明背景)。"])
    if len(data) > MAX_SEAL_FILE_BYTES:
        raise UserError("印章图片文件太大(超过 10 MB)。", ["请使用较小的 PNG 图片。"])
    image = QImage()
    if not image.loadFromData(QByteArray(data)) or image.isNull():
        raise UserError(
            "所选文件不是可以读取的图片,印章未保存。",
            ["请选择 PNG 格式的电子印章图片(最好是透明背景)。"],
        )
    if image.width() < 16 or image.height() < 16:
        raise UserError("印章图片太小(小于 16×16 像素),印章未保存。")
    return image


def _png_bytes(image: QImage) -> bytes:
    if max(image.width(), image.height()) > MAX_SEAL_PIXELS:
        image = image.scaled(MAX_SEAL_PIXELS, MAX_SEAL_PIXELS, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def set_seal(store, data: bytes) -> QImage:
    """Check and store the seal image; on a bad image nothing is stored."""
    image = check_seal_image(data)
    store.set_setting(SEAL_SETTING, base64.b64encode(_png_bytes(image)).decode("ascii"))
    return image


def clear_seal(store) -> None:
    store.set_setting(SEAL_SETTING, "")


def seal_image(store) -> QImage | None:
    """The stored seal, or None when the office stamps the paper by hand."""
    encoded = store.setting(SEAL_SETTING)
    if not encoded:
        return None
    image = QImage()
    if not image.loadFromData(QByteArray(base64.b64decode(encoded))):
        return None
    return image
