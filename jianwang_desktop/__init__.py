"""剑网填报 · Jianwang Desktop: monthly reports of the 剑网 campaign."""

__version__ = "0.1.0"
APP_NAME = "jianwang-desktop"
APP_DISPLAY_NAME = "剑网填报"
ORGANIZATION = "jianwang"
