"""valueaudit: audit the value exchanged at customer touchpoints."""

__version__ = "0.1.0"
