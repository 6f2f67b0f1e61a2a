"""PHP's ``strnatcmp``: the order Magento (Laminas ``Oauth\\Signature``) sorts signature parameters in.

RFC 5849 sorts by byte value; Magento sorts with ``uksort($params, 'strnatcmp')``, where runs of digits compare
as numbers (NOTES §2.1 item 4). The two agree until a key holds a multi-digit index — the eleventh filter group,
``searchCriteria%5Bfilter_groups%5D%5B10%5D…``, sorts after ``…%5B9%5D…`` naturally but before it by bytes — so a
client that signs the RFC way gets "The signature is invalid" from the eleventh filter group on.

This follows the behaviour of PHP's ``strnatcmp_ex``: leading zeros of the first run are skipped, whitespace is
ignored, a digit run starting with ``0`` compares left-aligned ("fractional"), other digit runs compare by
magnitude.
"""

from __future__ import annotations

import functools


def _is_digit(text: str, index: int) -> bool:
    return index < len(text) and text[index].isascii() and text[index].isdigit()


def _compare_right(a: str, i: int, b: str, j: int) -> tuple[int, int, int]:
    """Integer runs: the longer run wins; with equal lengths, the first differing digit decides."""
    bias = 0
    while True:
        a_digit, b_digit = _is_digit(a, i), _is_digit(b, j)
        if not a_digit and not b_digit:
            return bias, i, j
        if not a_digit:
            return -1, i, j
        if not b_digit:
            return 1, i, j
        if bias == 0 and a[i] != b[j]:
            bias = -1 if a[i] < b[j] else 1
        i, j = i + 1, j + 1


def _compare_left(a: str, i: int, b: str, j: int) -> tuple[int, int, int]:
    """Fractional runs (leading zero): the first differing digit decides."""
    while True:
        a_digit, b_digit = _is_digit(a, i), _is_digit(b, j)
        if not a_digit and not b_digit:
            return 0, i, j
        if not a_digit:
            return -1, i, j
        if not b_digit:
            return 1, i, j
        if a[i] != b[j]:
            return (-1 if a[i] < b[j] else 1), i, j
        i, j = i + 1, j + 1


def strnatcmp(a: str, b: str) -> int:
    """-1, 0 or 1, as PHP's ``strnatcmp`` (case-sensitive)."""
    if not a or not b:
        return (len(a) > len(b)) - (len(a) < len(b))
    i = j = 0
    leading = True
    while True:
        if leading:
            while i + 1 < len(a) and a[i] == "0" and _is_digit(a, i + 1):
                i += 1
            while j + 1 < len(b) and b[j] == "0" and _is_digit(b, j + 1):
                j += 1
            leading = False
        while i < len(a) and a[i].isspace():
            i += 1
        while j < len(b) and b[j].isspace():
            j += 1
        if _is_digit(a, i) and _is_digit(b, j):
            compare = _compare_left if a[i] == "0" or b[j] == "0" else _compare_right
            result, i, j = compare(a, i, b, j)
            if result:
                return result
            if i >= len(a) and j >= len(b):
                return 0
            if i >= len(a):
                return -1
            if j >= len(b):
                return 1
        ca = a[i] if i < len(a) else ""
        cb = b[j] if j < len(b) else ""
        if ca != cb:
            return -1 if ca < cb else 1
        i, j = i + 1, j + 1
        if i >= len(a) and j >= len(b):
            return 0
        if i >= len(a):
            return -1
        if j >= len(b):
            return 1


natural_key = functools.cmp_to_key(strnatcmp)
"""``sorted(keys, key=natural_key)`` sorts as PHP's ``uksort($array, 'strnatcmp')``."""
