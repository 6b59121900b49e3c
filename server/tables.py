"""Plain-text tables for the terminal: `mpsc query --format table` and `mpsc stats`."""
from __future__ import annotations


def aligned(rows: list[list[str]]) -> str:
    """Rows of cells as left-aligned columns two spaces apart, one line per row, without trailing blanks."""
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(max(map(len, rows), default=0))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)
