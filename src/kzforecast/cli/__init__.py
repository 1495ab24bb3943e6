"""The ``kzforecast`` command line: argument parsing, printing and file writing only.

Every sub-command lives in this package; the library's layers below know nothing
of argparse. Errors of the library's own types end with one line
``kzforecast: error: ...`` and exit status 2; anything else is a bug and shows
its traceback.
"""

from kzforecast.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
