"""The licences of the release files, one table for the catalogue, the release notes and the dumps page."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    key: str
    dcat_ap_de: str  # the IRI GovData's DCAT-AP.de expects in dcterms:license
    name: str
    short: str
    url: str  # the licence text for people
    name_en: str = ""  # its own English title where its name is German (an English-only reader's review)

    def named(self, lang: str) -> str:
        """The licence's title in `lang` ("de" or "en")."""
        return self.name_en if lang == "en" and self.name_en else self.name


LICENCES = {
    licence.key: licence
    for licence in (
        Licence("cc-by-4.0", "http://dcat-ap.de/def/licenses/cc-by/4.0",
                "Creative Commons Attribution 4.0 (CC BY 4.0)", "CC BY 4.0",
                "https://creativecommons.org/licenses/by/4.0/"),
        Licence("dl-by-de-2.0", "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
                "Datenlizenz Deutschland – Namensnennung 2.0 (dl-de/by-2-0)", "dl-de/by-2-0",
                "https://www.govdata.de/dl-de/by-2-0",
                "Data licence Germany – attribution – version 2.0 (dl-de/by-2-0)"),
    )
}
LICENCES_BY_IRI = {licence.dcat_ap_de: licence for licence in LICENCES.values()}  # as DCAT-AP.de names them
