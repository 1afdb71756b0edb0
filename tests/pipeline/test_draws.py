"""The ledger's draws in bounded memory: what spills to the temporary file comes back
the same, and the memory held does not grow with the number of keys."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from valueaudit.draws import DrawStore

SAMPLES = 16
_ADDS = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.one_of(
            st.floats(-1e6, 1e6, allow_nan=False),
            st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=SAMPLES, max_size=SAMPLES),
        ),
    ),
    max_size=40,
)


@given(_ADDS, st.integers(1, 4))
def test_a_store_with_little_memory_sums_what_a_large_one_does(adds, room):
    small = DrawStore(SAMPLES, memory=8 * SAMPLES * room)  # `room` arrays in memory
    large = DrawStore(SAMPLES, memory=1 << 30)
    expected: dict[int, object] = {}
    for key, value in adds:
        added = np.array(value) if isinstance(value, list) else value
        for store in (small, large):
            store.add(key, added)
        expected[key] = expected.get(key, 0.0) + added
    for key, total in expected.items():
        assert key in small
        kept = small.get(key)
        assert np.array_equal(np.broadcast_to(kept, SAMPLES), np.broadcast_to(total, SAMPLES))
        assert np.array_equal(
            np.broadcast_to(large.get(key), SAMPLES), np.broadcast_to(kept, SAMPLES)
        )
    assert len(small) == len(expected)
    assert small.get(99) is None
    small.close()
    large.close()


def test_memory_does_not_grow_with_the_number_of_keys():
    """A thousand keys of 10,000 draws would hold 80 MB; the store keeps 1 MB of them."""
    import tracemalloc

    store = DrawStore(10_000, memory=1024 * 1024)
    tracemalloc.start()
    try:
        for key in range(1000):
            store.add(key, np.full(10_000, float(key)))
            store.add(key, 1.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, peak
    assert float(store.get(3)[0]) == 4.0 and float(store.get(999)[-1]) == 1000.0
    store.discard(3)
    assert 3 not in store and store.get(3) is None
    store.close()
