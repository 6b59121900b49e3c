"""Numbers and amounts as people write them in German and English: pages show the data's numbers with them
(web/site.py, web/page_model.py) and the importers write the labels of funding figures with them
(importers/figures.py), so that a page and a label say "€15,750,000" (and "15.750.000 €") alike."""
from __future__ import annotations

from decimal import Decimal


def number(value, lang: str) -> str:
    """A number with the reader's digit grouping: 77.150 in German, 77,150 in English."""
    grouped = f"{value:,}"
    return grouped.translate(str.maketrans(",.", ".,")) if lang == "de" else grouped


def quantity(value, unit: str, lang: str) -> str:
    """A number with its unit as the reader writes it: "15.750.000 €" and "65 %" in German, "€15,750,000" and
    "65%" in English (an English reader's review: "15,750,000 €"); other units follow after a space ("54.62 km²")."""
    text = number(value, lang)
    if lang != "de" and unit == "€":
        return unit + text
    return text + unit if lang != "de" and unit == "%" else f"{text} {unit}".strip()


# How a funding figure's amount is qualified, by the property that holds it (importers/figures.py): "mehr als" for
# a lower bound, "bis zu" for an upper one, "rund" for an approximate amount.
BOUND_WORDS = {"": ("", ""), "min": ("mehr als ", "more than "), "max": ("bis zu ", "up to "),
               "about": ("rund ", "about ")}


def euro_amount(amount, bound: str, lang: str) -> str:
    """'mehr als 11.000.000 €' (de) or 'more than €11,000,000' (en): a whole amount of euros as the sources bound it."""
    return "".join(euro_amount_parts(amount, bound, lang))


def euro_amount_parts(amount, bound: str, lang: str) -> tuple[str, str]:
    """`euro_amount` as the qualifier ('mehr als ', '' for none) and the amount, for a table cell that may break
    between them but not within the amount."""
    return BOUND_WORDS[bound][0 if lang == "de" else 1], quantity(int(Decimal(str(amount))), "€", lang)
