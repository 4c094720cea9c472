"""Utilities: `util/bash` and the small tmsh interpreter behind it."""
