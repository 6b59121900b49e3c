"""Query-string parameters read one way on every route: a whole number is ASCII digits within its bounds.

`str.isdigit` accepts "²" and "١", which `int` then refuses or reads, and `int` refuses more than 4,300 digits:
both were 500s on a route that checked its number alone (an attacker's review of the results page's `page`).
"""
from __future__ import annotations

from flask import request

from ..errors import HttpError

MOST_DIGITS = 9  # beyond any bound a route has, and far below what int() refuses


def whole_number(name: str, default: int, highest: int, lowest: int = 1) -> int:
    """The integer parameter `name` from `lowest` to `highest` (`default` when absent); 400 for anything else."""
    value = request.args.get(name, str(default))
    if not (value.isascii() and value.isdigit() and len(value) <= MOST_DIGITS) or not lowest <= int(value) <= highest:
        raise HttpError(400, f"`{name}` must be a whole number from {lowest:,} to {highest:,}.",
                        words=("error.whole_number", {"name": name, "lowest": lowest, "highest": highest}))
    return int(value)
