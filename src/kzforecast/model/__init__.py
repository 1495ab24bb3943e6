"""The model's vectorised kernel: pure functions of parameter and shock arrays."""

from kzforecast.model.kernel import VARIABLES, Shocks, run_paths

__all__ = ["VARIABLES", "Shocks", "run_paths"]
