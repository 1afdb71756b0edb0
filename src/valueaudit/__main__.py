"""Run valueaudit as ``python -m valueaudit``."""

from valueaudit.entry import main

main()
