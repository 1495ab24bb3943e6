"""Results layer: the Simulation a run returns, its summaries (moments, quantile sketch),
the evaluation of target metrics on simulated paths, and ``check``."""
