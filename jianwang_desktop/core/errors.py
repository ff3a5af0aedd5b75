"""Errors a user can cause; their text is shown as it is, in Chinese."""


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
    import unicodedata  # (a C extension: kept off the start-up path, which shows no error)

    text = str(text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return "".join(
        f"\\u{ord(ch):04X}" if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cs") else ch
        for ch in text
    )


def os_reason(error: OSError) -> str:
    """Why a file could not be read or written, in Chinese: OSError.strerror is the C
    library's English text ("No such file or directory") on Windows as on Linux."""
    import errno
    import socket

    if isinstance(error, socket.gaierror):
        return "找不到这个服务器地址"
    if isinstance(error, TimeoutError):  # a socket's own timeout carries no errno
        return "连接超时"
    reasons = {
        errno.ENOENT: "文件或文件夹不存在",
        errno.EACCES: "没有权限(文件可能正被其他程序打开,或所在文件夹不允许访问)",
        errno.EPERM: "没有权限(文件可能正被其他程序打开,或所在文件夹不允许访问)",
        errno.ENOSPC: "磁盘空间不足",
        errno.EISDIR: "这是一个文件夹,不是文件",
        errno.ENOTDIR: "路径中有一部分不是文件夹",
        errno.EROFS: "磁盘是只读的",
        errno.EEXIST: "已有同名的文件",
        errno.ENAMETOOLONG: "文件名或路径太长",
        errno.EINVAL: "文件名或路径无效",
        errno.EBUSY: "文件正被其他程序使用",
        errno.EIO: "磁盘读写出错",
        errno.ECONNREFUSED: "对方拒绝连接",
        errno.ETIMEDOUT: "连接超时",
        errno.EHOSTUNREACH: "网络不通",
        errno.ENETUNREACH: "网络不通",
    }
    if error.errno in reasons:
        return reasons[error.errno]
    return f"系统错误 {error.errno}" if error.errno else "系统错误"
