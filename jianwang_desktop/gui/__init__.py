"""The Qt layer: it shows and edits what the core holds, and nothing else."""
