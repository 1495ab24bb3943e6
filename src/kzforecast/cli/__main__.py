"""``python -m kzforecast.cli``: the same as the ``kzforecast`` command."""

from kzforecast.cli.main import main

raise SystemExit(main())
