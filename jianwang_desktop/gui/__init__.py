"""The Qt layer: it shows and edits what the core holds, and nothing else."""

from .none_refcount import make_none_immortal

make_none_immortal()
