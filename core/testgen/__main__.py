"""``python -m testgen``."""

from .cli import main

main()
