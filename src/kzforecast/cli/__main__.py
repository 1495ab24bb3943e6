"""``python -m kzforecast.cli``: the same as the ``kzforecast`` command."""

from kzforecast.cli.app import main

raise SystemExit(main())
