"""Errors a user can cause; their text is shown as it is, in Chinese."""


class UserError(Exception):
    """Something the user can fix: the message says what is wrong and what to do."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)
