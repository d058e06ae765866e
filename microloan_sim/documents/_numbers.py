"""Small numeric helpers of the document generator: exact splits to the cent, stable hashes, spoken figures."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np


def _stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big")


def _split(totals: np.ndarray, month_of_row: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each month's total over its rows ∝ weights, in cents, so that each month sums exactly."""
    n = len(totals)
    if len(month_of_row) == 0:
        return np.zeros(0)
    wsum = np.bincount(month_of_row, weights, minlength=n)
    share = np.divide(weights, wsum[month_of_row], out=np.zeros_like(weights), where=wsum[month_of_row] > 0)
    cents = np.round(np.round(totals * 100)[month_of_row] * share)
    target = np.round(totals * 100)
    residual = target - np.bincount(month_of_row, cents, minlength=n)
    order = np.lexsort((-cents, month_of_row))
    first = order[np.r_[True, month_of_row[order][1:] != month_of_row[order][:-1]]]
    cents[first] += residual[month_of_row[first]]
    return cents / 100.0


def _allocate(totals: np.ndarray, shares: Sequence[float] | np.ndarray) -> np.ndarray:
    """Split each month's total over parties by shares, fixed (one per party) or per month (a months × parties
    array): a (months × parties) array, exact to the cent.

    >>> _allocate(np.array([100.0, 60.0]), [0.5, 0.5]).tolist()
    [[50.0, 50.0], [30.0, 30.0]]
    >>> _allocate(np.array([100.0, 60.0]), np.array([[0.85, 0.15], [0.0, 1.0]])).tolist()
    [[85.0, 15.0], [0.0, 60.0]]
    """
    weights = np.asarray(shares, dtype=float)
    if weights.ndim == 1:
        weights = np.tile(weights, (len(totals), 1))
    k = weights.shape[1]
    month = np.repeat(np.arange(len(totals)), k)
    return _split(totals, month, weights.ravel()).reshape(len(totals), k)


def _carry(values: np.ndarray) -> np.ndarray:
    """Non-negative monthly amounts with the same running total (a negative month is netted next month)."""
    out = np.zeros_like(values)
    carry = 0.0
    for i, v in enumerate(values):
        amount = v + carry
        if amount < 0:
            carry = amount
        else:
            out[i] = amount
            carry = 0.0
    return out


def _draw(value: Any, rng: np.random.Generator) -> float:
    if isinstance(value, (tuple, list)):
        return float(rng.uniform(float(value[0]), float(value[1])))
    return float(value)


def _spoken(value: float) -> float:
    """A figure as people say it: three significant digits."""
    if value == 0:
        return 0.0
    digits = 3 - int(np.floor(np.log10(abs(value)))) - 1
    return float(round(value, digits))
