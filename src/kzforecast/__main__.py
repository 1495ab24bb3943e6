from kzforecast.cli import main

raise SystemExit(main())
