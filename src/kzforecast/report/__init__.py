"""Report tables, charts (matplotlib, optional) and the self-contained HTML report."""

from kzforecast.report.backtest_charts import coverage_chart, fan_charts, pit_chart
from kzforecast.report.html import write_report
from kzforecast.report.sensitivity_charts import sobol_chart, tornado_chart
from kzforecast.report.tables import format_check_table

__all__ = [
    "coverage_chart",
    "fan_charts",
    "format_check_table",
    "pit_chart",
    "sobol_chart",
    "tornado_chart",
    "write_report",
]
