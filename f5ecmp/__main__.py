"""``python -m f5ecmp`` runs the command line."""

from f5ecmp.cli import main

main()
