"""Errors a user can cause; their text is shown as it is, in Chinese."""

import unicodedata


class UserError(Exception):
    """Something the user can fix: the message says what is wrong and what to do."""

    def __init__(self, message: str, details: list[str] | None = None):
        message = visible(message)
        super().__init__(message)
        self.message = message
        self.details = [visible(d) for d in details or []]

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)


def visible(text: str, limit: int | None = None) -> str:
    """Text from a file made safe to show: control characters (a terminal escape, a NUL)
    written as \\uXXXX, and, with a limit, long text cut with an ellipsis."""
    text = str(text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return "".join(
        f"\\u{ord(ch):04X}" if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cs") else ch
        for ch in text
    )
