"""Anode's Python kernel: the Python half of workers/kernel.worker.ts."""

from .kernel import complete, inspect_at, run_cell, setup, skip_cell, transform_cell

__all__ = ["complete", "inspect_at", "run_cell", "setup", "skip_cell", "transform_cell"]
