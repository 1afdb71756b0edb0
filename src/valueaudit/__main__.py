"""Run valueaudit as ``python -m valueaudit``."""

from valueaudit.cli import main

main()
