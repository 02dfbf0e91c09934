"""``python -m arcticroute``: see `arcticroute.cli`."""

from .cli import main

raise SystemExit(main())
