"""Seeds and random streams.

One seed argument is normalised once into a root :class:`numpy.random.SeedSequence`.
Paths are cut into a fixed grid of blocks of :data:`GRID_BLOCK` paths; every
(grid block, model block) pair gets its own generator built from the key
``(*root.spawn_key, block_index, stream_id)``, never from spawn order or seed
arithmetic. Chunk sizes, threads and workers only regroup whole grid blocks, so
they cannot change a single draw; adding a model block (a new stream id) leaves
the draws of the others unchanged.

Same seed + same versions of kzforecast and numpy => bit-identical results;
numpy does not promise its streams across versions, and neither do we.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kzforecast.errors import ArgumentError, ArgumentTypeError

__all__ = [
    "GRID_BLOCK",
    "STREAM",
    "SeedLike",
    "block_generator",
    "root_seed_sequence",
    "seed_record",
]

GRID_BLOCK = 4096
"""Paths per grid block: the unit of random-number generation (fixed)."""

STREAM: dict[str, int] = {
    "params": 0,
    "exchange_rate": 1,
    "market": 2,
    "domestic_share": 3,
    "exports": 4,
    "capacity": 5,
    "local_content": 6,
    "ckd_share": 7,
    "processing": 8,
    "trend": 9,
    "destinations": 10,
    "sobol": 11,  # the scramble of a grid block's Sobol design (sampling="sobol")
}
"""Permanent stream id of each model block (append-only: never renumber)."""

SeedLike = int | Sequence[int] | np.random.SeedSequence | None


def root_seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Normalise a user's seed into a root ``SeedSequence``.

    Parameters
    ----------
    seed : int, sequence of int, SeedSequence or None
        ``None`` draws fresh entropy (recorded in the result so the run can be
        repeated). A ``numpy.random.Generator`` is refused: its position cannot
        be split into a fixed tree of block streams without consuming its state.

    Examples
    --------
    >>> root_seed_sequence(42).entropy
    42
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator | np.random.BitGenerator | np.random.RandomState):
        raise ArgumentTypeError(
            "seed must be an int, a sequence of ints, a numpy SeedSequence or None, not a "
            f"{type(seed).__name__}: a generator's current position cannot be split into the "
            "fixed block streams kzforecast needs for reproducibility; pass an int instead"
        )
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool):
        raise ArgumentTypeError("seed must be an int, a sequence of ints, a SeedSequence or None")
    if isinstance(seed, int | np.integer):
        if seed < 0:
            raise ArgumentError(f"seed must be >= 0, got {seed}")
        return np.random.SeedSequence(int(seed))
    if isinstance(seed, Sequence) and not isinstance(seed, str | bytes):
        values = list(seed)
        if not values or not all(
            isinstance(v, int | np.integer) and not isinstance(v, bool) and v >= 0 for v in values
        ):
            raise ArgumentError("a seed sequence must be a non-empty list of non-negative ints")
        return np.random.SeedSequence([int(v) for v in values])
    raise ArgumentTypeError(
        "seed must be an int, a sequence of ints, a SeedSequence or None, "
        f"got {type(seed).__name__}"
    )


def block_generator(root: np.random.SeedSequence, *key: int) -> np.random.Generator:
    """The generator for one key below the root, e.g. ``(block, STREAM["market"])``."""
    ss = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, *key))
    return np.random.Generator(np.random.PCG64(ss))


def seed_record(root: np.random.SeedSequence) -> dict[str, Any]:
    """What to store so that a run can be repeated exactly.

    Parameters
    ----------
    root : numpy.random.SeedSequence
        A run's root seed.

    Returns
    -------
    dict
        ``entropy`` (an int or a list of ints) and ``spawn_key``:
        ``numpy.random.SeedSequence(entropy, spawn_key=spawn_key)`` is the root again.
    """
    ent = root.entropy
    return {
        "entropy": (
            int(ent) if isinstance(ent, int | np.integer) else [int(e) for e in (ent or [])]
        ),
        "spawn_key": [int(k) for k in root.spawn_key],
    }
