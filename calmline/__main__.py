"""``python -m calmline``."""

from calmline.cli import main

main()
