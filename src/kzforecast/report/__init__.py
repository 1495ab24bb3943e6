"""Report tables, charts (matplotlib, optional) and the self-contained HTML report."""

from kzforecast.report.html import write_report
from kzforecast.report.tables import format_check_table

__all__ = ["format_check_table", "write_report"]
