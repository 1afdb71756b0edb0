"""The portfolio ledger's simulated draws, in bounded memory (SPEC §4.7).

With ``--simulate N`` the ledger adds up, per party, what it receives and gives in each
of the N draws, file after file. A scan whose files name their own parties would keep
two arrays per distinct party: memory would grow with the number of files. Here at most
:data:`LEDGER_DRAWS_BYTES` of arrays stay in memory; beyond that the least recently used
go to a temporary file (deleted when the store is), and come back when next added to or
read. numpy is imported only when something is drawn.
"""

from __future__ import annotations

import tempfile
from collections import OrderedDict
from collections.abc import Hashable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: The most memory the ledger's arrays of draws take; the rest wait in a temporary file.
LEDGER_DRAWS_BYTES = 64 * 1024 * 1024


class DrawStore:
    """Per key, the sum of the draws added to it: a number while every draw is the same,
    an array of ``samples`` floats once one is not."""

    def __init__(self, samples: int, memory: int | None = None) -> None:
        self.samples = samples
        budget = LEDGER_DRAWS_BYTES if memory is None else memory
        self._room = max(1, budget // (8 * max(samples, 1)))  # arrays kept in memory
        self._numbers: dict[Hashable, float] = {}
        self._arrays: OrderedDict[Hashable, NDArray[Any]] = OrderedDict()  # least recent first
        self._rows: dict[Hashable, int] = {}  # key -> its row in the spill file
        self._spill: IO[bytes] | None = None
        self._spilled: set[Hashable] = set()  # keys whose latest sum is in the file

    def __contains__(self, key: Hashable) -> bool:
        return key in self._numbers or key in self._arrays or key in self._spilled

    def __len__(self) -> int:
        return len(self._numbers) + len(self._arrays) + len(self._spilled)

    def add(self, key: Hashable, value: float | NDArray[Any]) -> None:
        """Add one file's draws (or a number, the same in every draw) to ``key``."""
        varying = key in self._arrays or key in self._spilled
        if isinstance(value, int | float) and not varying:
            self._numbers[key] = self._numbers.get(key, 0.0) + value
            return
        import numpy as np

        array = self._take(key)
        if array is None:
            before = self._numbers.pop(key, 0.0)
            array = np.full(self.samples, before) + value
        else:
            array += value
        self._keep(key, array)

    def get(self, key: Hashable) -> float | NDArray[Any] | None:
        """The draws of ``key`` (a number when every draw is the same), or ``None``."""
        if key in self._numbers:
            return self._numbers[key]
        array = self._take(key)
        if array is not None:
            self._keep(key, array)
        return array

    def discard(self, key: Hashable) -> None:
        """Forget ``key`` (its row in the file, if any, is left unused)."""
        self._numbers.pop(key, None)
        self._arrays.pop(key, None)
        self._spilled.discard(key)

    def close(self) -> None:
        """Let everything go, and delete the temporary file."""
        self._numbers.clear()
        self._arrays.clear()
        self._spilled.clear()
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def _take(self, key: Hashable) -> NDArray[Any] | None:
        """The array of ``key``, out of memory or out of the file; ``None`` if it has
        none (yet)."""
        array = self._arrays.pop(key, None)
        if array is not None or key not in self._spilled:
            return array
        import numpy as np

        assert self._spill is not None
        size = 8 * self.samples
        self._spill.seek(self._rows[key] * size)
        self._spilled.discard(key)
        return np.frombuffer(bytearray(self._spill.read(size)), dtype=np.float64)

    def _keep(self, key: Hashable, array: NDArray[Any]) -> None:
        """Put ``key``'s array back as the most recent, sending the least recent to the
        file while too many are in memory."""
        self._arrays[key] = array
        while len(self._arrays) > self._room:
            oldest, evicted = self._arrays.popitem(last=False)
            if self._spill is None:
                self._spill = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
            row = self._rows.setdefault(oldest, len(self._rows))
            self._spill.seek(row * 8 * self.samples)
            self._spill.write(evicted.tobytes())
            self._spilled.add(oldest)
