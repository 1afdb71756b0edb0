"""JSON text as every machine-readable format writes it (``json``, ``sarif``,
``gitlab``): one encoder, so they agree on escapes and refuse NaN alike."""

from __future__ import annotations

import json

#: NaN and infinity are not JSON: writing one is a bug, and must not pass silently.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def dumps(value: object) -> str:
    """``value`` as compact JSON text (``", "`` and ``": "`` separators)."""
    return _ENCODER.encode(value)
