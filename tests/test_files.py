import pytest

from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.files import read_bounded


def test_a_file_within_the_limit_is_read(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"12345")
    assert read_bounded(path, 5, "过大") == b"12345"


def test_a_file_over_the_limit_is_refused_with_the_given_message(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"123456")
    with pytest.raises(UserError) as e:
        read_bounded(path, 5, "a.bin 过大(上限 5 字节)。")
    assert str(e.value) == "a.bin 过大(上限 5 字节)。"


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(UserError) as e:
        read_bounded(tmp_path / "无.zip", 5, "过大")
    assert "无法读取" in str(e.value) and "无.zip" in str(e.value)
