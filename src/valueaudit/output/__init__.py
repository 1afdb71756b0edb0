"""Formatters: each turns a :class:`~valueaudit.audit.ScanResult` into text."""
