"""The Qt-free core: forms, validation, storage and interchange.

Nothing under this package may import PySide6 (tests/test_core_has_no_qt.py checks it),
so the command line, the tests and the receiving side can use it without a screen.
"""
