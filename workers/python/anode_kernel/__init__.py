"""Anode's Python kernel: the Python half of workers/kernel.worker.ts."""

from .kernel import cancel_running, complete, deliver_comm, inspect_at, prepare, run_cell, setup, skip_cell, snapshot_key, transform_cell

__all__ = ["cancel_running", "complete", "deliver_comm", "inspect_at", "prepare", "run_cell", "setup", "skip_cell", "snapshot_key", "transform_cell"]
