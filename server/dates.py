"""Dates in words, as people write them in German and English: the importers write descriptions with them, and
pages show dates of the data with them (web/page_model.py), so both say "8. September 2020" alike."""
from __future__ import annotations

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember"]


def spoken_date(value: str, lang: str) -> str:
    """'2020-09-08' as '8. September 2020' (de) or '8 September 2020' (en); '2017-06' as 'Juni 2017'."""
    parts = [int(p) for p in value.split("-")]
    months = MONTHS_DE if lang == "de" else MONTHS
    if len(parts) == 1:
        return str(parts[0])
    month = f"{months[parts[1] - 1]} {parts[0]}"
    return month if len(parts) == 2 else f"{parts[2]}{'.' if lang == 'de' else ''} {month}"
