"""``python -m coursepack``: the same command as the ``coursepack`` console script."""

from .cli import main

main()
