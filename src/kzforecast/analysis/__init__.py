"""Analysis layer: calibration, backtests, sensitivity, and comparisons that run the
engine several times (``compare``, ``what_it_takes``, ``check_until``)."""
