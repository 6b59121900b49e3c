"""German and English for the HTML pages: which language a request gets, and the words the pages use.

German is the default (the programme and its sources are German). `?lang=en|de` wins over
Accept-Language, and pages carry the choice on in their links, so the switch works without cookies
or JavaScript. Labels of our own terms come from the ontology; the few reused terms from other
vocabularies get theirs here.
"""
from __future__ import annotations

from flask import request
from rdflib import URIRef
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from ..build.licences import LICENCES
from ..build.metadata import EU_FILE_TYPE
from ..errors import READ_ONLY
from ..formats import FORMATS
from ..iris import POLITICAL_GEOCODING
from ..languages import DEFAULT, LANGUAGES, other_tag, preferred  # noqa: F401 (the web layer's names for them)
from ..namespaces import (ADMS, BIBO_STATUS, DCAT, DCAT_VERSION, DCATDE, DCTERMS, FOAF, GEO, ORG, OWL, PROV, RDF, RDFS,
                          SCHEMA, SKOS, VANN, VCARD, VOID)


def choose_language() -> tuple[str, str | None]:
    """The request's language and, when the reader chose it explicitly with ?lang=, that choice."""
    return language(request.args.get("lang"), request.headers.get("Accept-Language"))


def language(lang_param: str | None, accept_language: str | None) -> tuple[str, str | None]:
    """`choose_language` for a request given by its parts (for the document fast path in fastpath.py)."""
    chosen = (lang_param or "").strip().lower().partition("-")[0]  # ?lang=EN or en-GB as a reader may type it
    if chosen in LANGUAGES:
        return chosen, chosen
    return accepted_language(accept_language), None


def accepted_language(header: str | None) -> str:
    """The first of LANGUAGES the Accept-Language header ranks highest, a regional tag counting for its language
    (RFC 4647 §3.4 lookup): "de-DE,en;q=0.5" is German. Werkzeug's best_match tries exact tags before regional
    ones and gave English there (an English reader's review); `*` is the first language not refused with q=0."""
    ranges = sorted(parse_accept_header(header, LanguageAccept), key=lambda r: -r[1])  # Werkzeug puts `*` last
    refused = {tag.lower().partition("-")[0] for tag, quality in ranges if quality <= 0}
    for tag, quality in ranges:
        primary = tag.lower().partition("-")[0]
        if quality > 0 and primary in LANGUAGES:
            return primary
        if quality > 0 and tag == "*":
            return next((code for code in (DEFAULT, *LANGUAGES) if code not in refused), DEFAULT)
    return DEFAULT


MESSAGES = {
    "site.title": ("Modellprojekte Smart Cities", "Model Projects Smart Cities"),
    "site.tagline": ("Offener Wissensgraph", "Open knowledge graph"),
    # what search engines and link previews show of a page without a description of its own (<meta name=description>)
    "site.description": ("Die Modellprojekte Smart Cities des Bundes als offener Wissensgraph: Projekte, Staffeln, "
                         "Kommunen, Förderung und Smart City Charta, mit Quellen; SPARQL, Downloads, DCAT-AP.de.",
                         "Germany's Smart Cities model projects as an open knowledge graph: projects, rounds, "
                         "municipalities, funding and the Smart City Charter, with sources; SPARQL, downloads, "
                         "DCAT-AP.de."),
    "nav.programme": ("Programm", "Programme"),
    "nav.projects": ("Projekte", "Projects"),
    "nav.municipalities": ("Gemeinden", "Municipalities"),
    "nav.districts": ("Kreise", "Districts"),
    "nav.cooperations": ("Kooperationen", "Cooperations"),
    "nav.charter": ("Smart City Charta", "Smart City Charter"),
    "nav.sparql": ("SPARQL", "SPARQL"),
    "nav.dumps": ("Downloads", "Downloads"),
    "nav.ontology": ("Ontologie", "Ontology"),
    "nav.catalog": ("Katalog (DCAT-AP.de)", "Catalogue (DCAT-AP.de)"),
    "nav.void": ("VoID-Beschreibung", "VoID description"),
    "nav.skip": ("Zum Inhalt springen", "Skip to content"),
    "lang.switch": ("English", "Deutsch"),
    "search.title": ("Suche", "Search"),
    "search.for": ("Suche nach „{text}“", "Search for “{text}”"),
    "search.label": ("Name, Titel, Gemeindeschlüssel oder Wikidata-ID", "Name, title, municipality key or Wikidata id"),
    "search.header": ("Im Graphen suchen", "Search the graph"),
    "search.placeholder": ("z. B. Köln, 09184131, Q365", "e.g. Köln, 09184131, Q365"),
    "search.submit": ("Suchen", "Search"),
    "search.help": ("Gesucht wird in Namen und Titeln der Projekte, Maßnahmen und aller Orte des Gemeindeverzeichnisses, "
                    "auch in amtlichen Schreibweisen („Köln, Stadt“, „Kirchheim b. München“), ohne Umlaute („Koeln“) "
                    "und nach AGS, ARS oder Wikidata-ID. Zuerst kommen genaue Treffer, dann Namen, die so beginnen, dann "
                    "Namen mit allen Wörtern; jeweils zuerst, was zum Programm gehört.",
                    "Searches the names and titles of projects, measures and every place of the municipal register, by "
                    "their German names (Köln, not Cologne; the register has no English ones), also "
                    "in official forms (“Köln, Stadt”, “Kirchheim b. München”), without umlauts (“Koeln”) and by AGS, "
                    "ARS or Wikidata id. Exact matches come first, then names beginning with the text, then names "
                    "containing all its words; within each, what belongs to the programme first."),
    # a text that found nothing, searched again without the programme's words (finder.plainer)
    "search.instead": ("Keine Treffer für „{text}“.", "No results for “{text}”."),
    "search.total": ("{n} Treffer für „{text}“", "{n} results for “{text}”"),
    "search.one": ("1 Treffer für „{text}“", "1 result for “{text}”"),
    "search.page": ("Seite {page} von {pages}", "page {page} of {pages}"),
    "search.near": ("Ähnlich geschrieben", "Spelt alike"),
    "search.pages": ("Seiten der Treffer", "Result pages"),
    "search.previous": ("← vorherige Seite", "← previous page"),
    "search.next": ("nächste Seite →", "next page →"),
    "home.intro": (
        "Der Bund fördert seit 2019 in drei Staffeln 73 Modellprojekte Smart Cities. Dieser Wissensgraph "
        "beschreibt die Projekte mit Staffeln, Kategorien, Zuwendungsempfängern, Kooperationen und "
        "Fördersummen, die Grundsätze der Smart City Charta und das amtliche Verzeichnis der Länder, Kreise "
        "und Gemeinden – als Linked Open Data mit Quellenangabe zu jeder Aussage.",
        "Since 2019 Germany's federal government has funded 73 Smart Cities model projects in three rounds. "
        "This knowledge graph describes the projects with their rounds, categories, grantees, cooperations and "
        "funding, the principles of the Smart City Charter and the official register of states, districts and "
        "municipalities – as Linked Open Data, every fact with its source."),
    "home.by_round": ("Nach Förderstaffel", "By funding round"),
    "home.by_category": ("Nach Kategorie", "By category"),
    "home.by_state": ("Nach Land", "By state"),
    "home.use": ("Daten nutzen", "Use the data"),
    "home.sparql": ("SPARQL-Endpunkt: eigene Abfragen über alle Graphen", "SPARQL endpoint: your own queries over every graph"),
    "home.exports": ("Die Daten als Tabellen für Excel, LibreOffice und pandas, ihre Spalten erklärt",
                     "The data as tables for Excel, LibreOffice and pandas, their columns explained"),
    "home.dumps": ("Downloads der aktuellen Veröffentlichung mit Prüfsummen", "Downloads of the current release with checksums"),
    "home.ontology": ("Das Vokabular mit Klassen und Eigenschaften", "The vocabulary with its classes and properties"),
    "home.catalog": ("Metadaten für Datenportale (DCAT-AP.de, VoID)", "Metadata for data portals (DCAT-AP.de, VoID)"),
    "home.examples": ("Beispielabfragen", "Example queries"),
    "home.release": ("Veröffentlichung", "Release"),
    "count.projects": ("Projekte", "projects"),
    "count.triples": ("Tripel", "triples"),
    "count.quads": ("Quads", "quads"),
    "count.dataset_triples": ("Tripel im Datensatz", "triples in the dataset"),
    "list.filter": ("Filtern", "Filter"),
    "list.all": ("alle", "all"),
    "list.reset": ("Filter zurücksetzen", "Reset filters"),
    "list.count": ("{n} Einträge", "{n} entries"),
    "home.state_sum": ("Ein Projekt zählt in jedem Land, in dem sein Zuwendungsempfänger oder ein Mitglied seiner "
                       "Kooperation liegt (Connected Urban Twins in drei Ländern); die Balken ergeben daher {listed} "
                       "für {n} Projekte.",
                       "A project counts in every state where its grantee or a member of its cooperation lies "
                       "(Connected Urban Twins in three); so the bars add up to {listed} for {n} projects."),
    "coop.lead": ("federführend", "lead"),
    "coop.no_lead": ("Die Quellen nennen kein federführendes Mitglied.", "The sources name no lead member."),
    "list.table": ("Tabelle, seitlich verschiebbar", "Table, scrolls sideways"),
    "list.one": ("1 Eintrag", "1 entry"),
    "list.none": ("Keine Einträge für diese Auswahl.", "Nothing matches this selection."),
    "col.name": ("Name", "Name"),
    "col.round": ("Staffel", "Round"),
    "col.category": ("Kategorie", "Category"),
    "col.state": ("Land", "State"),
    # soft hyphens: the long German words may break in a table's header (the project list overflowed at 1280 px)
    "col.grantee": ("Zuwendungs\u00adempfänger", "Grantee"),
    "col.grant": ("Bundes\u00adzuwendung", "Federal grant"),
    "col.start": ("Beginn", "Start"),
    "col.end": ("Ende", "End"),
    "list.unknown": ("nicht bekannt", "not known"),
    # the end column shows an extension's end where one was decided, and says so (a researcher's review: the list's
    # end differed from projects.csv's `end` without a word)
    "list.extended": ("verlängert", "extended"),
    "list.uncertain": ("unsicher", "uncertain"),
    "list.uncertain_note": ("„unsicher“: die Quellen widersprechen sich, oder die Angabe ist nur erschlossen oder "
                            "mittelbar belegt; die Seite des Projekts nennt die Quellen.",
                            "“uncertain”: the sources conflict, or the fact is only inferred or known at second hand; "
                            "the project's page names the sources."),
    "col.projects": ("Projekte", "Projects"),
    "col.population": ("Einwohner", "Population"),
    # each list names what it lists (a municipal officer's review: the districts' list said "municipalities and
    # districts" too)
    "bodies.note": ("{title}, die an einem Modellprojekt beteiligt sind – als Zuwendungsempfänger oder als Mitglied "
                    "einer Kooperation. Das vollständige Gemeindeverzeichnis steht im SPARQL-Endpunkt und in den "
                    "Downloads.",
                    "{title} taking part in a model project, as grantee or as member of a cooperation. The full "
                    "register is in the SPARQL endpoint and the downloads."),
    # what search results show of the lists (a search engine's review: they had the site's description)
    "projects.summary": ("{heading}: {count} Modellprojekte mit Staffel, Kategorie, Zuwendungsempfänger, Förderung "
                         "und Laufzeit, mit Quellen.",
                         "{heading}: {count} model projects with their round, category, grantee, funding and runtime, "
                         "with sources."),
    "bodies.summary": ("{title}, die an einem Modellprojekt Smart Cities beteiligt sind: {count}, nach Ländern, als "
                       "Zuwendungsempfänger oder Mitglied einer Kooperation.",
                       "{title} taking part in a Smart Cities model project: {count}, by state, as grantee or member "
                       "of a cooperation."),
    "coop.summary": ("{count} Kooperationen von Kommunen, die ein Modellprojekt Smart Cities tragen, mit ihren "
                     "Mitgliedern.",
                     "{count} cooperations of municipalities that carry a Smart Cities model project, with their "
                     "members."),
    "dumps.summary": ("Veröffentlichung {version} des Wissensgraphen Modellprojekte Smart Cities zum Herunterladen: "
                      "RDF-Dumps, Tabellen, Prüfsummen, Lizenzen.",
                      "Release {version} of the Model Projects Smart Cities knowledge graph to download: RDF dumps, "
                      "tables, checksums, licences."),
    "changes.summary": ("Was sich in Veröffentlichung {version} des Wissensgraphen Modellprojekte Smart Cities "
                        "geändert hat, je Graph und Ressource.",
                        "What changed in release {version} of the Model Projects Smart Cities knowledge graph, per "
                        "graph and resource."),
    "charter.intro": ("Die Smart City Charta (2017) formuliert Leitlinien und Handlungsempfehlungen für die digitale Transformation der Kommunen.",
                      "The Smart City Charter (2017) sets out guidelines and recommendations for the digital transformation of municipalities."),
    "charter.guideline": ("Leitlinien und Handlungsempfehlungen", "Guidelines and recommendations"),
    "charter.uncertain": ("unsicher", "uncertain"),
    "charter.uncertain_note": ("„unsicher“: nur erschlossen (etwa die Nummer aus der Reihenfolge in den Quellen) oder nur "
                               "aus zweiter Hand belegt; Einzelheiten auf der Seite des Eintrags.",
                               "“uncertain”: only inferred (such as the number, from the order in the sources) or known "
                               "only second-hand; details on the entry's page."),
    "charter.gap": ("– von keiner unserer Quellen genannt", "– named by none of our sources"),
    "charter.resource": ("Die Charta als Datensatz (IRI, Quellen, Formate)", "The Charter as a resource (IRI, sources, formats)"),
    "charter.aim": ("Ziele", "Aims"),
    "charter.vision": ("Normative Vision", "Normative vision"),
    "home.counts": ("Der Graph in Zahlen", "The graph in numbers"),
    "count.cooperations": ("Kooperationen", "cooperations"),
    # every kind the Charta page lists, so that the count is what the reader finds there (a journalist's review)
    "count.principles": ("Einträge der Charta (Leitlinien, Empfehlungen, Ziele, Vision)",
                         "entries of the Charter (guidelines, recommendations, aims, vision)"),
    "res.iri": ("IRI", "IRI"),
    # the description search engines show of a page without one of its own: what and where it is (a review)
    "res.summary": ("{kinds}: {name}. Mit Quellen und Verknüpfungen im offenen Wissensgraphen der Modellprojekte "
                    "Smart Cities.",
                    "{kinds}: {name}. With sources and links in the open knowledge graph of the Smart Cities Model "
                    "Projects."),
    "res.facts": ("Angaben", "Facts"),
    "res.relations": ("Verknüpfungen", "Relations"),
    "res.identifiers": ("Kennungen und externe Verweise", "Identifiers and external links"),
    "res.sources": ("Quellen", "Sources"),
    "res.backlinks": ("Verweise auf diese Ressource", "Links to this resource"),
    "res.district_key": ("Kreisschlüssel (AGS)", "district key (AGS)"),
    "res.state_key": ("Landesschlüssel (AGS)", "state key (AGS)"),
    "res.only@en": ("nur auf Englisch", "in English only"),
    "res.only@de": ("nur auf Deutsch", "in German only"),
    "res.more": ("und {n} weitere", "and {n} more"),
    "res.more_all": ("und {n} weitere – alle als SPARQL-Abfrage", "and {n} more – all of them as a SPARQL query"),
    "res.named_as": ("als „{prop}“ genannt von", "named as “{prop}” by"),
    "res.editorial_lead": ("Von der Redaktion aus den belegten Angaben unten formuliert, kein Text des Projekts",
                           "Written by the editors from the sourced facts below, not the project's own words"),
    "res.location": ("Lage", "Location"),
    "res.part": ("Teil dieser Beschreibung", "Part of this description"),
    "map.parts": ("Die {n} Gemeinden {whose}; hervorgehoben sein Land", "The {n} municipalities {whose}; its state highlighted"),
    "map.some_parts": ("{n} der {total} Gemeinden {whose} ({missing} ohne Punkt im Register); hervorgehoben sein Land",
                       "{n} of the {total} municipalities {whose} ({missing} without a point in the register); its "
                       "state highlighted"),
    "map.whose.district": ("des Kreises", "of the district"),
    "map.whose.association": ("des Gemeindeverbands", "of the municipal association"),
    "map.credit": ("Karte: Natural Earth; Ländergrenzen aus dem Gemeindeverzeichnis (© Destatis), angenähert",
                   "Map: Natural Earth; state borders from the municipal register (© Destatis), approximate"),
    "map.state": ("Das Land, hervorgehoben", "The state, highlighted"),
    "res.osm": ("Auf OpenStreetMap ansehen", "View on OpenStreetMap"),
    "res.formats": ("Als RDF", "As RDF"),
    "res.external": ("externer Link", "external link"),
    "res.anchor": ("Link zu diesem Abschnitt", "Link to this section"),
    "res.projects": ("Projekte", "Projects"),
    "res.projects_here": ("Modellprojekte in diesem Gebiet", "Model projects in this area"),
    "res.projects_above": ("Modellprojekte des übergeordneten Kreises oder Gemeindeverbands",
                           "Model projects of the district or municipal association it belongs to"),
    "res.model_project": ("Modellprojekt", "model project"),
    "res.projects_list": ("In der Projektliste mit Staffel und Kategorie", "In the project list, with round and category"),
    "res.participants": ("Beteiligte", "Taking part"),
    "dumps.title": ("Downloads", "Downloads"),
    "dumps.counts": ("Welche Zahl was zählt", "Which number counts what"),
    "dumps.count_dataset": ("{n} Tripel hat der Datensatz (Startseite, VoID void:triples): Ontologie, Programm und "
                            "Gemeindeverzeichnis zusammen, jedes Tripel einmal.",
                            "{n} triples in the dataset (landing page, VoID void:triples): ontology, programme and "
                            "register together, each triple once."),
    "dumps.count_default": ("{n} Tripel hat der Standardgraph des SPARQL-Endpunkts: dazu die Metadaten dieser "
                            "Veröffentlichung ({metadata} Tripel, wenige davon auch im Datensatz). So zählt",
                            "{n} triples in the SPARQL endpoint's default graph: also this release's metadata "
                            "({metadata} triples, a few of them also in the dataset). That is what counts"),
    "dumps.count_quads": ("{n} Quads hat mpsc-all.nq.gz: jedes Tripel einmal je benanntem Graphen, in dem es steht, "
                          "und noch einmal im Standardgraphen, der Vereinigung aller Graphen, die Triplestores "
                          "laden; die Zahlen der einzelnen Dateien oben sind die Tripel ihrer Graphen.",
                          "{n} quads in mpsc-all.nq.gz: each triple once per named graph it is in, and once more in "
                          "the default graph, the merge of all graphs, which triplestores load; the figures of the "
                          "single files above are the triples of their graphs."),
    "dumps.intro": ("Alle Dateien einer Veröffentlichung; prüfen mit", "Every file of a release; verify with"),
    "dumps.file": ("Datei", "File"),
    "dumps.size": ("Größe", "Size"),
    "dumps.licence": ("Lizenz", "Licence"),
    "dumps.version": ("Version", "Version"),
    "dumps.modified": ("Stand", "Date"),
    "dumps.earlier": ("Frühere Veröffentlichungen", "Earlier releases"),
    "dumps.later": ("Spätere Veröffentlichungen", "Later releases"),
    "dumps.current": ("aktuell", "current"),
    "dumps.permanent": ("Diese Veröffentlichung bleibt mit denselben Dateien unter",
                        "This release stays, with the same files, at"),
    "count.rows": ("Zeilen", "rows"),
    "changes.title": ("Änderungen", "Changes"),
    "changes.link": ("Änderungen gegenüber der vorherigen Veröffentlichung", "Changes since the previous release"),
    "changes.intro": ("Was sich in Veröffentlichung {version} gegenüber {previous} geändert hat, je benanntem Graphen. "
                      "Eine Ressource umfasst ihre #-Fragmente; bei geänderten stehen die Eigenschaften dabei, deren "
                      "Aussagen hinzukamen oder wegfielen.",
                      "What changed in release {version} since {previous}, per named graph. A resource includes its "
                      "# fragments; a modified one lists the properties whose statements were added or removed."),
    "changes.first": ("Veröffentlichung {version} ist die erste in ihrem Ordner: Es gibt nichts, womit sie zu "
                      "vergleichen wäre.", "Release {version} is the first in its folder: there is nothing to compare "
                      "it with."),
    "changes.added": ("Neu", "Added"),
    "changes.removed": ("Entfernt", "Removed"),
    "changes.modified": ("Geändert", "Modified"),
    "changes.counts": ("{added} neu, {removed} entfernt, {modified} geändert; Tripel: {triples_added} hinzugekommen, "
                       "{triples_removed} weggefallen.", "{added} added, {removed} removed, {modified} modified; "
                       "triples: {triples_added} added, {triples_removed} removed."),  # no "1 triples"
    "changes.more": ("… und {n} weitere; das RDF nennt alle.", "… and {n} more; the RDF lists them all."),
    "changes.rdf": ("Als RDF", "As RDF"),
    "exports.title": ("Tabellen (CSV)", "Tables (CSV)"),
    "exports.intro": ("Die Daten als Tabellen für Tabellenkalkulationen, jede mit CSVW-Metadaten (W3C CSV on the Web): "
                      "Spalten, Datentypen und die RDF-Aussage jeder Zelle. Dieselben Dateien liegen unter",
                      "The data as tables for spreadsheets, each with CSVW metadata (W3C CSV on the Web): columns, "
                      "datatypes and the RDF statement each cell stands for. The same files are under"),
    "exports.link": ("Die Tabellen für Tabellenkalkulationen, ihre Spalten erklärt:",
                     "The tables for spreadsheets, their columns explained:"),
    "exports.open": ("In Excel oder LibreOffice Calc öffnen", "Opening them in Excel or LibreOffice Calc"),
    "exports.open_why": ("Die Dateien folgen RFC 4180 und CSVW: UTF-8, Komma zwischen den Zellen, Punkt vor den "
                         "Dezimalstellen. Per Doppelklick geöffnet, liest eine deutsch eingestellte "
                         "Tabellenkalkulation sie falsch: Umlaute verstümmelt, jede Zeile in einer Spalte, Zahlen wie 17.12 als Datum, "
                         "Schlüssel wie 01001000 ohne ihre führende Null. Importieren Sie sie stattdessen:",
                         "The files follow RFC 4180 and CSVW: UTF-8, commas between cells, a point before decimals. "
                         "Opened by a double click, a spreadsheet set to a language that writes decimal commas "
                         "(German, for one) misreads them: garbled umlauts, each row in one column, numbers such as "
                         "17.12 taken for dates, keys such as 01001000 without their leading zero. Import them "
                         "instead:"),
    "exports.open_excel": ("Excel: Daten › Aus Text/CSV, Dateiursprung „65001: Unicode (UTF-8)“, Trennzeichen "
                           "„Komma“; dann „Daten transformieren“, jede Spalte, deren Datentyp unten weder decimal "
                           "noch integer ist, als Text festlegen und die Zahlenspalten über „Typ ändern › Mit "
                           "Gebietsschema…“ als Dezimalzahl mit „Englisch (USA)“.",
                           "Excel: Data › From Text/CSV, File Origin “65001: Unicode (UTF-8)”, Delimiter “Comma”; "
                           "then “Transform Data”, set every column whose datatype below is neither decimal nor "
                           "integer to Text, and the number columns by “Change Type › Using Locale…” to Decimal "
                           "Number with “English (United States)”."),
    "exports.open_calc": ("LibreOffice Calc: Datei › Öffnen, im Textimport Zeichensatz „Unicode (UTF-8)“, Sprache "
                          "„Englisch (USA)“, getrennt durch „Komma“; die Spalten, deren Datentyp unten weder decimal "
                          "noch integer ist, markieren und als Spaltentyp „Text“ wählen.",
                          "LibreOffice Calc: File › Open, in the Text Import dialogue Character Set “Unicode (UTF-8)”, "
                          "Language “English (USA)”, separated by “Comma”; select the columns whose datatype below is "
                          "neither decimal nor integer and set their Column Type to “Text”."),
    "exports.dates": ("Beginn und Ende eines Projekts nennen nur, was die Quelle angibt: ein Jahr (2019), einen Monat "
                      "(2021-01) oder einen Tag (2027-12-31). Als Text eingelesen bleibt das so; als Datum macht eine "
                      "Tabellenkalkulation aus einem Monat dessen ersten Tag und aus einem Jahr eine Zahl.",
                      "A project's start and end say only what the source says: a year (2019), a month (2021-01) or "
                      "a day (2027-12-31). Read as text they stay so; read as dates, a spreadsheet makes a month its "
                      "first day and a year a number."),
    "exports.columns": ("Spalten der Tabellen", "The tables' columns"),
    "exports.columns_of": ("Spalten von {name}", "Columns of {name}"),
    "exports.column": ("Spalte", "Column"),
    "exports.meaning": ("Bedeutung", "Meaning"),
    "exports.datatype": ("Datentyp", "Datatype"),
    "exports.note": ("Hinweis (englisch)", "Note"),
    "onto.earlier": ("Eine frühere Version der Ontologie, wie sie veröffentlicht wurde.",
                     "An earlier version of the ontology, as it was published."),
    "onto.current": ("Zur aktuellen Version", "Go to the current version"),
    "onto.classes": ("Klassen", "Classes"),
    "onto.properties": ("Eigenschaften", "Properties"),
    "onto.domain": ("Domäne (rdfs:domain)", "Domain (rdfs:domain)"),
    "onto.domain_includes": ("Verwendet bei (schema:domainIncludes)", "Used on (schema:domainIncludes)"),
    "onto.range": ("Wertebereich (rdfs:range)", "Range (rdfs:range)"),
    "onto.range_includes": ("Erwartete Werte (schema:rangeIncludes)", "Expected values (schema:rangeIncludes)"),
    "onto.subclass_of": ("Unterklasse von", "Subclass of"),
    "onto.subproperty_of": ("Untereigenschaft von", "Subproperty of"),
    "onto.namespace": ("Namensraum", "Namespace"),
    "error.404": ("Nicht gefunden", "Not found"),
    "error.404.text": ("Zu dieser Adresse gibt es keine Ressource.", "There is no resource at this address."),
    "error.whole_number": ("`{name}` muss eine ganze Zahl von {lowest} bis {highest} sein.",
                           "`{name}` must be a whole number from {lowest} to {highest}."),
    "error.no_such_page": ("Diese Suche hat {last} Seite(n) Ergebnisse; eine Seite {page} gibt es nicht.",
                           "This search has {last} page(s) of results; there is no page {page}."),
    "error.no_result_page": ("Das Ergebnis hat {total} Zeile(n); Seite {page} enthält keine.",
                             "The result has {total} row(s): page {page} holds none."),
    "error.no_format": ("Keines der verlangten Formate wird hier angeboten.",
                        "None of the requested formats is offered here."),
    "error.unfit_format": ("format={asked} nennt kein Format, das hier angeboten wird.",
                           "format={asked} names no format offered here."),
    "error.not_reconciled": ("Zu dieser Kennung gibt es keine abgeglichene Ressource.",
                             "No reconciled resource has this id."),
    "error.410": ("Zurückgezogen", "Gone"),
    "error.410.text": ("Diese Kennung ist seit dem {day} zurückgezogen, ohne Nachfolger (Grund, auf Englisch: "
                       "{reason}).", "This identifier was withdrawn on {day}, with none to replace it: {reason}."),
    "error.home": ("Zur Startseite", "Go to the start page"),
    "error.no_release": ("Es wurde noch keine Veröffentlichung erstellt.", "No release has been built yet."),
    "error.no_version": ("Es gibt keine Veröffentlichung {version}.", "There is no release {version}."),
    "error.no_changes": ("Veröffentlichung {version} ist die erste in ihrem Ordner und hat kein Änderungsprotokoll.",
                         "Release {version} is the first in its folder and has no changelog."),
    "error.no_file": ("Diese Veröffentlichung hat keine Datei {name}.", "There is no file {name} in this release."),
    "error.bad_sort": ("Sortiert wird nach sort={columns} und order={orders}.",
                       "sort takes one of {columns} and order one of {orders}."),
    "error.no_facet": ("Keine Projekte für {facet}={value}.", "There are no projects for {facet}={value}."),
    "error.400": ("Ungültige Anfrage", "Bad request"),
    "error.405": ("Methode nicht erlaubt", "Method not allowed"),
    "error.406": ("Kein passendes Format", "Not acceptable"),
    "error.413": ("Anfrage zu groß", "Request too large"),
    "error.415": ("Nicht unterstützter Medientyp", "Unsupported media type"),
    "error.500": ("Interner Fehler", "Internal server error"),
    "error.502": ("Fehler im Triplestore", "Bad gateway"),
    "error.503": ("Vorübergehend nicht verfügbar", "Service unavailable"),
    "error.where": ("Zeile {line}, Spalte {column}", "Line {line}, column {column}"),
    "error.offered": ("Angeboten werden diese Formate:", "Offered formats:"),
    "sparql.title": ("SPARQL-Endpunkt", "SPARQL endpoint"),
    "sparql.results": ("SPARQL-Ergebnis", "SPARQL results"),
    "sparql.intro": ("Fragen Sie den Wissensgraphen mit SPARQL 1.1 ab: hier im Formular oder mit jedem SPARQL-Client unter",
                     "Query the knowledge graph with SPARQL 1.1: here in the form, or from any SPARQL client at"),
    "sparql.limits": ("Abfragen ohne GRAPH sehen alle benannten Graphen. Der Endpunkt ist schreibgeschützt; lange oder "
                      "sehr große Abfragen werden abgebrochen. Für die Arbeit mit allen Daten gibt es die",
                      "Queries without GRAPH see all named graphs. The endpoint is read-only; long or very large queries "
                      "are stopped. For bulk work, use the"),
    "sparql.query": ("Abfrage", "Query"),
    "sparql.format": ("Ergebnisformat", "Result format"),
    "sparql.table": ("HTML-Tabelle", "HTML table"),
    "sparql.run": ("Abfrage ausführen", "Run query"),
    "sparql.unfit": ("Eine {form}-Abfrage lässt sich in diesem Format nicht ausgeben. Möglich sind: die Tabelle, {offered}.",
                     "A {form} query cannot be given in this format. Possible are: the table, {offered}."),
    "sparql.undeclared": ("Das Präfix „{prefix}“ ist nicht erklärt. Erklären Sie es am "
                          "Anfang der Abfrage, etwa PREFIX {prefix} <…>, oder schreiben Sie die volle IRI in <…>.",
                          "The prefix “{prefix}” is not declared. Declare it at the "
                          "start of the query, e.g. PREFIX {prefix} <…>, or write the full IRI in <…>."),
    "sparql.misspelt": ("„{word}“ ist kein Wort von SPARQL; gemeint ist wohl {keyword}.",
                        "“{word}” is no word of SPARQL; did you mean {keyword}?"),
    "sparql.syntax": ("Die Abfrage ist an der markierten Stelle nicht lesbar: dort erwartet SPARQL etwas anderes. "
                      "Prüfen Sie an dieser Stelle Klammern, Punkte, Anführungszeichen und Schreibweise.",
                      "The query cannot be read at the marked point: SPARQL expects something else there. "
                      "Check brackets, full stops, quotes and spelling at that point."),
    # a store's or the endpoint's refusal of a query, on the form (errors.QueryFailed.limit or .words)
    "sparql.refused.max_rows": (
        "Das Ergebnis hat mehr als {n} Zeilen, mehr als dieser Endpunkt ausgibt. Grenzen Sie es ein, fragen Sie es "
        "mit LIMIT und OFFSET seitenweise ab (ORDER BY hält die Seiten auseinander, sortiert dann aber für jede Seite "
        "das ganze Ergebnis, was länger als die Zeitgrenze dauern kann), oder laden Sie die Dumps unter /dumps/.",
        "The result has more than {n} rows, more than this endpoint gives. Narrow it down, page through it with "
        "LIMIT and OFFSET (ORDER BY keeps the pages apart, but each page then sorts the whole result, which can "
        "outlast the time limit), or download the dumps at /dumps/."),
    "sparql.refused.query_timeout": (
        "Die Abfrage wurde nach {n} Sekunden angehalten, der Zeitgrenze dieses Endpunkts. Grenzen Sie sie ein, oder "
        "laden Sie die Dumps unter /dumps/.",
        "The query was stopped after {n} seconds, the time limit of this endpoint. Narrow it down, or download the "
        "dumps at /dumps/."),
    "sparql.refused.busy_timeout": (
        "Die Abfrage wurde nach {n} Sekunden angehalten: Alle Ausführungsplätze sind belegt, und auf dem letzten gilt "
        "diese kürzere Zeitgrenze. Versuchen Sie es später noch einmal, oder grenzen Sie die Abfrage ein.",
        "The query was stopped after {n} seconds: all executors are busy, and this shorter time limit holds on the "
        "last one. Try again later, or narrow the query down."),
    "sparql.refused.query_memory": (
        "Die Abfrage brauchte mehr als {n} MB Arbeitsspeicher, die Grenze je Abfrage, und wurde angehalten. Grenzen "
        "Sie sie ein, oder laden Sie die Dumps unter /dumps/.",
        "The query needed more than {n} MB of memory, the limit per query, and was stopped. Narrow it down, or "
        "download the dumps at /dumps/."),
    "sparql.refused.max_query_depth": (
        "Die Abfrage schachtelt Klammern tiefer als {n} Ebenen; dieser Endpunkt erlaubt höchstens {n}.",
        "The query nests brackets more than {n} levels deep; this endpoint allows at most {n}."),
    "sparql.refused.evaluation_failed": (
        "Die Abfrage ließ sich nicht auswerten: Die Datenbank brach bei der Auswertung ab.",
        "The query could not be evaluated: the store failed while evaluating it."),
    "sparql.refused.service_failed": (
        "Die Abfrage ruft mit SERVICE einen anderen Endpunkt auf, und ein solcher Endpunkt war nicht erreichbar "
        "oder gab keine verwertbare Antwort.",
        "The query calls SERVICE, and an endpoint it calls could not be reached or gave no usable answer."),
    "sparql.refused.read_only": (
        "Dieser Endpunkt ist schreibgeschützt; SPARQL Update wird nicht angenommen.", READ_ONLY),
    "sparql.for_select": ("für SELECT und ASK", "for SELECT and ASK"),
    "sparql.for_construct": ("für CONSTRUCT und DESCRIBE", "for CONSTRUCT and DESCRIBE"),
    "sparql.parser": ("Meldung des Parsers", "The parser's message"),
    "sparql.failed": ("Die Abfrage wurde nicht beantwortet", "The query was not answered"),
    "sparql.examples": ("Beispielabfragen", "Example queries"),
    "sparql.edit": ("Bearbeiten", "Edit"),
    "sparql.run_example": ("Ausführen", "Run"),
    "sparql.programs": ("Für Programme", "For programs"),
    "sparql.protocol": ("GET oder POST mit query=… (formularkodiert) oder die Abfrage selbst als POST mit "
                        "application/sparql-query. Das Format wählen Accept oder format=: SELECT und ASK antworten als "
                        "SPARQL Results JSON, XML, CSV oder TSV, CONSTRUCT und DESCRIBE als Turtle, JSON-LD, RDF/XML "
                        "oder N-Triples.",
                        "GET or POST query=… (form-encoded), or POST the query itself as application/sparql-query. "
                        "Choose the format with Accept or format=: SELECT and ASK answer as SPARQL Results JSON, XML, "
                        "CSV or TSV; CONSTRUCT and DESCRIBE as Turtle, JSON-LD, RDF/XML or N-Triples."),
    "sparql.description": ("Die Dienstbeschreibung nennt die Graphen und ihre Größe.",
                           "The service description lists the graphs and their sizes."),
    "sparql.rows": ("{n} Zeilen", "{n} rows"),
    "sparql.row": ("1 Zeile", "1 row"),
    "sparql.shown_rows": ("angezeigt werden die Zeilen {first} bis {last}", "rows {first} to {last} are shown"),
    "sparql.pages": ("Seiten des Ergebnisses", "Pages of the result"),
    "sparql.pages_below": ("Seiten des Ergebnisses (unter der Tabelle)", "Pages of the result (below the table)"),
    "sparql.previous_rows": ("vorige {n} Zeilen", "previous {n} rows"),
    "sparql.next_rows": ("nächste {n} Zeilen", "next {n} rows"),
    "sparql.answer": ("Antwort", "Answer"),
    "sparql.true": ("ja (true)", "yes (true)"),
    "sparql.false": ("nein (false)", "no (false)"),
    "sparql.subject": ("Subjekt", "subject"),
    "sparql.predicate": ("Prädikat", "predicate"),
    "sparql.object": ("Objekt", "object"),
    "sparql.download": ("Herunterladen", "Download"),
    "sparql.prefixes": ("Vordefinierte Präfixe", "Predefined prefixes"),
    "sparql.prefixes_intro": ("Diese Präfixe kann jede Abfrage ohne PREFIX-Deklaration verwenden; eine eigene "
                              "Deklaration geht vor.",
                              "Every query may use these prefixes without a PREFIX declaration; its own declaration "
                              "wins."),
    "sparql.views": ("Ansicht", "View"),
    "sparql.view.table": ("Tabelle", "Table"),
    "sparql.view.map": ("Karte", "Map"),
    "sparql.view.bar": ("Balkendiagramm", "Bar chart"),
    "sparql.view.line": ("Liniendiagramm", "Line chart"),
    "sparql.view.script": ("Karte und Diagramme brauchen JavaScript; die Tabelle unten zeigt dieselben Daten.",
                           "The map and the charts need JavaScript; the table below holds the same data."),
    "sparql.map_label": ("Karte der Ergebniszeilen mit Koordinaten", "Map of the result rows with coordinates"),
    "sparql.chart_label": ("Diagramm: {y} nach {x}", "Chart: {y} by {x}"),
    "sparql.embed": ("Einbetten", "Embed"),
    "sparql.embed_intro": ("Diesen HTML-Code in eine Seite einfügen, um nur diese Ansicht zu zeigen:",
                           "Paste this HTML into a page to show only this view:"),
    "sparql.open_full": ("Abfrage und Ergebnis im Abfragedienst öffnen", "Open query and result in the query service"),
    "sparql.sort": ("Nach dieser Spalte sortieren", "Sort by this column"),
    "sparql.zoom_in": ("Vergrößern", "Zoom in"),
    "sparql.close_popup": ("Schließen", "Close"),
    "sparql.zoom_out": ("Verkleinern", "Zoom out"),
    "editor.query": ("SPARQL-Abfrage", "SPARQL query"),
    "editor.examples": ("Beispiele", "Examples"),
    "editor.history": ("Verlauf", "History"),
    "editor.choose": ("– auswählen –", "– choose –"),
    "editor.permalink": ("Link zu dieser Abfrage", "Link to this query"),
    "editor.shortlink": ("Kurzlink", "Short link"),
    "editor.copied": ("In die Zwischenablage kopiert.", "Copied to the clipboard."),
    "editor.shortcut": ("Strg+Enter führt aus, Strg+Leertaste vervollständigt, Strg+Umschalt+M listet die Fehler der "
                        "Prüfung, F8 springt zum nächsten.",
                        "Ctrl+Enter runs, Ctrl+Space completes, Ctrl+Shift+M lists what the check found, F8 goes to "
                        "the next."),
    "editor.check.unexpected": ("Zeile {line}, Spalte {column}: {got} passt hier nicht; erwartet: {expected}.",
                                "Line {line}, column {column}: {got} does not fit here; expected: {expected}."),
    "editor.check.prefix": ("Unbekanntes Präfix {prefix}: – deklarieren Sie es mit PREFIX.",
                            "Unknown prefix {prefix}: – declare it with PREFIX."),
    "editor.check.end": ("das Ende der Abfrage", "the end of the query"),
    "editor.check.iri": ("eine IRI <…>", "an IRI <…>"),
    "editor.check.pname": ("ein Name mit Präfix", "a prefixed name"),
    "editor.check.variable": ("eine Variable", "a variable"),
    "editor.check.string": ("eine Zeichenkette", "a string"),
    "editor.check.number": ("eine Zahl", "a number"),
    "nav.limits": ("Grenzen des Endpunkts", "Limits of the endpoint"),
    # The accessibility statement (pages.accessibility), editorial: what the project's checks found, as of its date.
    "access.title": ("Erklärung zur Barrierefreiheit", "Accessibility statement"),
    "access.intro": ("Diese Erklärung gilt für die Seiten dieses Servers: den offenen Wissensgraphen Modellprojekte "
                     "Smart Cities mit seinen Listen, der Seite jeder Ressource, der Suche und dem Abfrageeditor für "
                     "SPARQL. Die Daten selbst stehen außerdem als Dateien und Tabellen zum Herunterladen bereit.",
                     "This statement covers the pages of this server: the open knowledge graph Model Projects Smart "
                     "Cities with its lists, the page of every resource, the search and the SPARQL query editor. The "
                     "data themselves are also there to download as files and tables."),
    "access.status_heading": ("Stand der Vereinbarkeit", "Compliance status"),
    "access.status": ("Die Seiten sind teilweise mit der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) "
                      "vereinbar, die auf die Web Content Accessibility Guidelines (WCAG) 2.1, Stufe AA, verweist: "
                      "die unten genannten Inhalte sind nicht barrierefrei.",
                      "The pages are partially compliant with the German regulation on accessible information "
                      "technology (BITV 2.0), which refers to the Web Content Accessibility Guidelines (WCAG) 2.1, "
                      "level AA: the content named below is not accessible."),
    "access.known_heading": ("Nicht barrierefreie Inhalte", "Content that is not accessible"),
    "access.known.easy": ("Es gibt keine Erläuterungen in Leichter Sprache und in Deutscher Gebärdensprache, wie sie "
                          "§ 4 BITV 2.0 für die Startseite verlangt.",
                          "There are no explanations in Easy Read German and in German Sign Language, which § 4 of "
                          "BITV 2.0 asks for on the start page."),
    "access.known.languages": ("Die Daten stammen aus öffentlichen Quellen und sind oft nur auf Deutsch beschrieben: "
                               "englische Seiten zeigen dann deutsche Namen und Texte, als deutsch ausgezeichnet.",
                               "The data come from public sources and are often described in German only: English "
                               "pages then show German names and texts, marked as German."),
    "access.known.tables": ("Tabellen, die nicht breiter als der Bildschirm sind, lassen sich trotzdem mit der "
                            "Tabulatortaste ansteuern und werden als seitlich verschiebbar angekündigt.",
                            "Tables no wider than the screen can still be reached with the Tab key and are announced "
                            "as scrolling sideways."),
    "access.known.sparql": ("Eigene Abfragen setzen die Abfragesprache SPARQL voraus; die Listen, die Suche und die "
                            "Beispielabfragen führen ohne sie zu denselben Daten.",
                            "Queries of one's own need the query language SPARQL; the lists, the search and the "
                            "example queries lead to the same data without it."),
    "access.method_heading": ("Wie geprüft wird", "How it is checked"),
    "access.method": ("Jeder Testlauf des Projekts prüft eine Seite jeder Art in zwei Breiten (1280 und 320 Pixel) im "
                      "Browser Chromium mit axe-core auf die Regeln der WCAG 2.1, Stufen A und AA. Bedienung mit der "
                      "Tastatur, sichtbarer Fokus, Vergrößerung auf 400 %, erzwungene Farben und reduzierte Bewegung "
                      "wurden im Dezember 2026 in Chromium mit echten Tastatureingaben geprüft. Es ist eine "
                      "Selbstbewertung; eine Prüfung durch eine unabhängige Prüfstelle steht aus.",
                      "Every test run of the project checks one page of each kind at two widths (1280 and 320 pixels) "
                      "in the Chromium browser with axe-core against the rules of WCAG 2.1, levels A and AA. "
                      "Keyboard use, visible focus, zoom to 400 %, forced colours and reduced motion were checked in "
                      "Chromium with real key presses in December 2026. It is a self-assessment; an independent "
                      "audit is still to come."),
    "access.feedback_heading": ("Barrieren melden", "Reporting barriers"),
    "access.feedback": ("Wenn Sie auf eine Barriere stoßen oder Inhalte in anderer Form brauchen, schreiben Sie dem "
                        "Betreiber dieses Servers:",
                        "If you meet a barrier or need content in another form, write to the operator of this "
                        "server:"),
    "access.no_contact": ("Der Betreiber dieses Servers hat keine Kontaktadresse angegeben.",
                          "The operator of this server has named no contact."),
    "access.date": ("Diese Erklärung wurde am 7. Dezember 2026 erstellt, auf Grundlage der genannten Prüfungen.",
                    "This statement was prepared on 7 December 2026, based on the checks named above."),
    "limits.intro": ("Damit eine einzelne Abfrage oder ein einzelner Client den Endpunkt nicht für alle anderen "
                     "blockiert, gelten diese Grenzen. Ein Client ist eine Adresse zusammen mit ihrem User-Agent. "
                     "Seiten, Dokumente und Downloads haben eigene Kapazität und warten nie auf SPARQL-Abfragen.",
                     "So that no single query or client can block the endpoint for everyone else, these limits "
                     "apply. A client is an address together with its User-Agent. Pages, documents and downloads "
                     "have capacity of their own and never wait for SPARQL queries."),
    "limits.limit": ("Grenze", "Limit"),
    "limits.value": ("Wert", "Value"),
    "limits.beyond": ("Darüber hinaus", "Beyond it"),
    "limits.setting": ("Einstellung", "Setting"),
    "limits.beyond.executors": ("warten in der Warteschlange", "wait in the queue"),
    "limits.beyond.header_timeout": ("Verbindung wird geschlossen", "the connection is closed"),
    "limits.workers": ("Ausführungsplätze, Warteschlange und Budgets der Clients gelten je Web-Worker-Prozess (hier: "
                       "{workers}): Jeder Worker führt sie für sich, ein Client kann also bis zum {workers}-Fachen "
                       "dieser Werte nutzen, je nachdem, welcher Worker seine Anfragen annimmt.",
                       "Executors, queue and client budgets apply per web worker process (here: {workers}): each "
                       "worker keeps them for itself, so a client may use up to {workers} times these values, "
                       "depending on which worker takes its requests."),
    "limits.more": ("Anfragen und Formulare dürfen bis zu {n} Bytes lang sein, die URL einer Anfrage bis zu {target} "
                    "Bytes (länger: 414 ohne Text; längere Abfragen per POST senden); die HTML-Tabelle zeigt ein Ergebnis "
                    "zu je {rows} Zeilen auf Seiten, die Downloads der Ergebnisse enthalten alle. Antworten mit 429 "
                    "und 503 nennen in Retry-After, wann sich ein neuer Versuch lohnt (eine Abfrage, die an ihrer "
                    "Speichergrenze oder nach dem größten Teil ihrer Zeitgrenze angehalten wurde, nicht: sie würde "
                    "wieder angehalten); die überschrittene Grenze steht im Feld „limit“ der Fehlerbeschreibung (application/problem+json).",
                    "Requests and forms may be up to {n} bytes long, a request's URL up to {target} bytes (longer: "
                    "414 without a text; send longer queries by POST); the HTML table shows a result in pages of {rows} "
                    "rows, the result downloads hold all of them. Answers 429 and 503 say in Retry-After when "
                    "to try again (not for a query stopped at its memory limit or after most of its time limit: it "
                    "would be stopped again); the exceeded limit is named in the field “limit” of the problem details "
                    "(application/problem+json)."),
    "limit.query_timeout": ("Zeit je Abfrage, Warten in der Warteschlange eingeschlossen",
                            "Time per query, waiting in the queue included"),
    # the units the limits count in (server/config.py, the `limit` of each setting)
    "unit.MB": ("MB", "MB"), "unit.bodies": ("Anfragekörper", "bodies"), "unit.bytes": ("Bytes", "bytes"),
    "unit.levels": ("Ebenen", "levels"), "unit.links": ("Links", "links"), "unit.queries": ("Abfragen", "queries"),
    "unit.rows": ("Zeilen", "rows"), "unit.s": ("s", "s"), "unit.requests": ("Anfragen", "requests"),
    "unit.batches": ("Stapel", "batches"),
    "limit.max_query_bytes": ("Länge einer Abfrage", "Length of a query"),
    "limit.max_query_depth": ("Verschachtelungstiefe von { ( [ <<", "Nesting depth of { ( [ <<"),
    "limit.max_rows": ("Zeilen oder Tripel eines Ergebnisses", "Rows or triples of a result"),
    "limit.query_memory": ("Arbeitsspeicher je Abfrage", "Memory per query"),
    "limit.executors": ("Gleichzeitig laufende Abfragen je Web-Worker", "Queries running at once per web worker"),
    "limit.busy_timeout": ("Zeit je Abfrage auf dem letzten freien Ausführungsplatz (damit Neue schnell "
                           "drankommen)", "Time per query on the last free executor (so that newcomers get in "
                           "quickly)"),
    "limit.queue": ("Abfragen je Web-Worker, die auf einen freien Platz warten",
                    "Queries waiting for a free place, per web worker"),
    "limit.client_queries": ("Laufende oder wartende Abfragen je Client und Web-Worker",
                             "Queries running or waiting per client and web worker"),
    "limit.client_seconds": ("Abfragezeit je Client und Minute, je Web-Worker",
                             "Query time per client and minute, per web worker"),
    "limit.address_queries": ("Laufende oder wartende Abfragen je Client-Adresse, alle User-Agents zusammen, je "
                              "Web-Worker", "Queries running or waiting per client address, all User-Agents together, "
                              "per web worker"),
    "limit.address_seconds": ("Abfragezeit je Client-Adresse und Minute, alle User-Agents zusammen, je Web-Worker",
                              "Query time per client address and minute, all User-Agents together, per web worker"),
    "limit.client_bodies": ("Anfrageinhalte, die eine Client-Adresse gleichzeitig sendet, je Web-Worker",
                            "Request bodies one client address is sending at once, per web worker"),
    "limit.address_pages": ("Seiten und Dokumente, auf die die Clients einer Adresse gleichzeitig warten, je Web-Worker",
                            "Pages and documents the clients of one address are waiting for at once, per web worker"),
    "limit.address_batches": ("Abgleich-Stapel (/reconcile), die für die Clients einer Adresse gleichzeitig laufen, "
                              "je Web-Worker", "Reconciliation batches matched at once for the clients of one "
                              "address, per web worker"),
    "limit.header_timeout": ("Zeit, in der ein Client die Kopfzeilen einer Anfrage senden muss",
                             "Time a client has to send the headers of a request"),
    "limit.reconcile_batch": ("Abfragen je Anfrage an /reconcile", "Queries per request to /reconcile"),
    "limit.max_short_links": ("Gespeicherte Kurzlinks zu Abfragen", "Short links to queries kept"),
    "limit.short_links_bytes": ("Größe der Datei der Kurzlinks", "Size of the short links' file"),
    "limit.client_short_links": ("Neue Kurzlinks je Client-Adresse und Stunde, je Web-Worker",
                                 "New short links per client address and hour, per web worker"),
    "footer.programme": ("Programmdaten", "Programme data"),
    "footer.register": ("Gemeindeverzeichnis © Statistisches Bundesamt (Destatis),",
                        "municipal register © Statistisches Bundesamt (Destatis),"),
    # what the operator names (MPSC_CONTACT, MPSC_IMPRINT, MPSC_PRIVACY; a municipal officer's review: no page said
    # whom to tell of an error)
    "footer.contact": ("Kontakt und Fehlermeldungen", "Contact and corrections"),
    "footer.imprint": ("Impressum", "Imprint"),
    "footer.privacy": ("Datenschutz", "Privacy"),
    "cite.heading": ("Zitieren", "Cite"),
    "cite.text": ("„{title}“. In: {dataset}, Version {version}", "“{title}”. In: {dataset}, version {version}"),
    "cite.day": (", Stand {day}", ", {day}"),
    "cite.licence": ("Lizenz:", "Licence:"),
    "cite.release": ("Die Daten dieser Version bleiben unter", "This version's data stay at"),
    "res.report": ("Fehler auf dieser Seite melden", "Report an error on this page"),
    "res.report_subject": ("Fehler: {label}", "Error: {label}"),
}

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"

# Reused terms from other vocabularies, as a reader would name them.
TERMS = {
    # values of the EU's and DCAT-AP.de's code lists the catalogue uses (a municipal officer's review: pages showed
    # them as bare IRIs, "Sprache http://publications.europa.eu/resource/authority/language/DEU")
    URIRef(EU_AUTHORITY + "language/DEU"): ("Deutsch", "German"),
    URIRef(EU_AUTHORITY + "language/ENG"): ("Englisch", "English"),
    URIRef(EU_AUTHORITY + "frequency/IRREG"): ("unregelmäßig", "irregular"),
    URIRef(EU_AUTHORITY + "country/DEU"): ("Deutschland", "Germany"),
    URIRef(EU_AUTHORITY + "data-theme/GOVE"): ("Regierung und öffentlicher Sektor", "Government and public sector"),
    URIRef(EU_AUTHORITY + "data-theme/REGI"): ("Regionen und Städte", "Regions and cities"),
    URIRef(EU_AUTHORITY + "data-theme/TECH"): ("Wissenschaft und Technologie", "Science and technology"),
    # the file types the catalogue names (build/metadata.py), by the name of their format where we know it
    **{URIRef(EU_FILE_TYPE + fmt.eu_file_type): (fmt.label, fmt.label) for fmt in FORMATS if fmt.eu_file_type},
    **{URIRef(licence.dcat_ap_de): (licence.named("de"), licence.named("en")) for licence in LICENCES.values()},
    DCTERMS.PeriodOfTime: ("Zeitraum", "period of time"),
    VCARD.Organization: ("Organisation", "organisation"),
    RDF.type: ("Typ", "type"),
    RDFS.label: ("Bezeichnung", "label"),
    RDFS.comment: ("Anmerkung", "comment"),
    RDFS.seeAlso: ("siehe auch", "see also"),
    SKOS.prefLabel: ("Bezeichnung", "preferred label"),
    SKOS.altLabel: ("andere Bezeichnung", "alternative label"),
    SKOS.notation: ("Nummer", "notation"),
    SKOS.definition: ("Definition", "definition"),
    SKOS.scopeNote: ("Anwendungshinweis", "scope note"),
    SKOS.editorialNote: ("redaktioneller Hinweis", "editorial note"),
    SKOS.inScheme: ("gehört zu", "in scheme"),
    SKOS.topConceptOf: ("oberster Begriff von", "top concept of"),
    SKOS.hasTopConcept: ("oberste Begriffe", "top concepts"),
    SKOS.broader: ("Oberbegriff", "broader"),
    SKOS.narrower: ("Unterbegriffe", "narrower"),
    DCTERMS.source: ("Quelle", "source"),
    DCTERMS.type: ("Art", "kind"),
    DCTERMS.title: ("Titel", "title"),
    DCTERMS.description: ("Beschreibung", "description"),
    DCTERMS.license: ("Lizenz", "licence"),
    DCTERMS.publisher: ("Herausgeber", "publisher"),
    DCTERMS.creator: ("Urheber", "creator"),
    DCTERMS.issued: ("veröffentlicht", "issued"),
    DCTERMS.modified: ("geändert", "modified"),
    DCTERMS.identifier: ("Kennung", "identifier"),
    DCTERMS.format: ("Format", "format"),
    DCTERMS.language: ("Sprache", "language"),
    DCTERMS.spatial: ("räumliche Abdeckung", "spatial coverage"),
    DCTERMS.temporal: ("Zeitraum", "temporal coverage"),
    DCTERMS.accrualPeriodicity: ("Aktualisierung", "update frequency"),
    FOAF.homepage: ("Website", "homepage"),
    FOAF.name: ("Name", "name"),
    FOAF.page: ("weitere Seite", "further page"),  # beside the homepage ("Website"), not a second "Webseite"
    OWL.sameAs: ("identisch mit", "same as"),
    OWL.disjointWith: ("disjunkt zu", "disjoint with"),
    OWL.versionInfo: ("Version", "version"),
    SCHEMA.sameAs: ("entspricht", "same as"),
    SCHEMA.containedInPlace: ("liegt in", "contained in"),
    SCHEMA.keywords: ("Schlagwörter", "keywords"),
    SCHEMA.currency: ("Währung", "currency"),
    SCHEMA.alternateName: ("Kurzname", "alternate name"),
    SCHEMA.startDate: ("Beginn", "start"),
    SCHEMA.endDate: ("Ende", "end"),
    ORG.hasMember: ("Mitglied", "member"),
    GEO.hasGeometry: ("Geometrie", "geometry"),
    GEO.Geometry: ("Geometrie", "geometry"),
    GEO.asWKT: ("Koordinaten (WKT)", "coordinates (WKT)"),
    GEO.sfEquals: ("gleiches Gebiet wie", "same territory as"),
    PROV.wasDerivedFrom: ("abgeleitet von", "derived from"),
    PROV.wasAttributedTo: ("verfasst von", "attributed to"),
    PROV.wasAssociatedWith: ("beteiligt", "associated with"),
    PROV.qualifiedAssociation: ("Beteiligung", "association"),
    PROV.Association: ("Beteiligung", "association"),
    PROV.agent: ("Beteiligte", "agent"),
    PROV.hadRole: ("Rolle", "role"),
    RDF.Statement: ("Aussage", "statement"),
    RDF.subject: ("Aussage über", "subject"),
    RDF.predicate: ("Eigenschaft", "property"),
    RDF.object: ("Wert", "value"),
    SKOS.note: ("Hinweis", "note"),
    ADMS.status: ("Stand", "status"),
    DCTERMS.conformsTo: ("folgt", "conforms to"),
    DCTERMS.isPartOf: ("Teil von", "part of"),
    DCTERMS.hasVersion: ("Fassung", "version"),
    DCTERMS.isVersionOf: ("Fassung von", "version of"),
    DCTERMS.relation: ("bezieht sich auf", "related to"),
    DCTERMS.dateAccepted: ("beschlossen", "adopted"),
    DCTERMS.date: ("Datum", "date"),
    SCHEMA.applicationDeadline: ("Bewerbungsfrist", "application deadline"),
    SCHEMA.minValue: ("mindestens", "at least"),
    SCHEMA.maxValue: ("höchstens", "at most"),
    SCHEMA.isbn: ("ISBN", "ISBN"),
    DCAT.distribution: ("Distribution", "distribution"),
    DCAT.downloadURL: ("Download", "download"),
    DCAT.accessURL: ("Zugang", "access URL"),
    DCAT.mediaType: ("Medientyp", "media type"),
    DCAT.byteSize: ("Größe (Bytes)", "size (bytes)"),
    DCAT_VERSION: ("Version", "version"),
    DCAT.theme: ("Kategorie", "theme"),
    DCAT.keyword: ("Schlagwort", "keyword"),
    DCAT.landingPage: ("Startseite", "landing page"),
    DCAT.contactPoint: ("Kontakt", "contact point"),
    DCAT.dataset: ("Datensatz", "dataset"),
    DCAT.service: ("Dienst", "service"),
    DCAT.endpointURL: ("Endpunkt", "endpoint"),
    DCAT.servesDataset: ("stellt bereit", "serves dataset"),
    VOID.sparqlEndpoint: ("SPARQL-Endpunkt", "SPARQL endpoint"),
    VOID.dataDump: ("Download", "data dump"),
    VOID.triples: ("Tripel", "triples"),
    VOID.subset: ("Teilmenge", "subset"),
    VOID.exampleResource: ("Beispiel", "example resource"),
    VCARD.fn: ("Name", "name"),
    VCARD.hasURL: ("Website", "website"),
    # classes of reused vocabularies, as a page's kicker names a resource's types
    SKOS.Concept: ("Begriff", "concept"),
    SKOS.ConceptScheme: ("Begriffssystem", "concept scheme"),
    VOID.Dataset: ("Datensatz (VoID)", "dataset (VoID)"),
    VOID.Linkset: ("Verknüpfungsmenge", "linkset"),
    VOID.distinctSubjects: ("verschiedene Subjekte", "distinct subjects"),
    VOID.distinctObjects: ("verschiedene Objekte", "distinct objects"),
    VOID.properties: ("Eigenschaften", "properties"),
    VOID.classes: ("Klassen", "classes"),
    VOID.entities: ("Entitäten", "entities"),
    DCAT.Catalog: ("Katalog", "catalogue"),
    DCAT.Dataset: ("Datensatz", "dataset"),
    DCAT.Distribution: ("Distribution", "distribution"),
    DCAT.DataService: ("Datendienst", "data service"),
    FOAF.Organization: ("Organisation", "organisation"),
    # Terms the pages showed as their prefixed names (an English reader's review: "skos:hiddenLabel").
    SKOS.hiddenLabel: ("Suchform", "hidden label"),
    SKOS.changeNote: ("Änderungsnotiz", "change note"),
    SKOS.closeMatch: ("entspricht weitgehend", "close match"),
    SKOS.member: ("Mitglied", "member"),
    SCHEMA.slogan: ("Motto", "slogan"),
    SCHEMA.domainIncludes: ("Bereich", "domain includes"),
    SCHEMA.rangeIncludes: ("Wertebereich", "range includes"),
    DCTERMS.isReplacedBy: ("ersetzt durch", "replaced by"),
    DCTERMS.rightsHolder: ("Rechteinhaber", "rights holder"),
    OWL.deprecated: ("nicht mehr verwendet", "deprecated"),
    OWL.priorVersion: ("frühere Version", "prior version"),
    DCTERMS.created: ("erstellt", "created"),
    DCTERMS.bibliographicCitation: ("Zitierweise", "how to cite"),
    BIBO_STATUS: ("Status", "status"),
    URIRef("http://purl.org/ontology/bibo/status/published"): ("veröffentlicht", "published"),
    OWL.versionIRI: ("Versions-IRI", "version IRI"),
    RDFS.domain: ("Definitionsbereich", "domain"),
    RDFS.range: ("Wertebereich", "range"),
    RDFS.subClassOf: ("Unterklasse von", "subclass of"),
    RDFS.subPropertyOf: ("Untereigenschaft von", "subproperty of"),
    RDFS.isDefinedBy: ("definiert in", "defined by"),
    DCAT.accessService: ("Zugangsdienst", "access service"),
    DCAT.compressFormat: ("Kompressionsformat", "compression format"),
    DCAT.endpointDescription: ("Beschreibung des Endpunkts", "endpoint description"),
    DCAT.startDate: ("Beginn", "start date"),
    DCATDE.licenseAttributionByText: ("Namensnennung", "attribution text"),
    DCATDE.politicalGeocodingLevelURI: ("Geokodierungsebene", "political geocoding level"),
    DCATDE.politicalGeocodingURI: ("politische Geokodierung", "political geocoding"),
    VANN.preferredNamespacePrefix: ("bevorzugtes Präfix", "preferred namespace prefix"),
    VANN.preferredNamespaceUri: ("bevorzugter Namensraum", "preferred namespace URI"),
    VOID.classPartition: ("Teilmenge nach Klasse", "class partition"),
    VOID.propertyPartition: ("Teilmenge nach Eigenschaft", "property partition"),
    VOID["class"]: ("Klasse", "class"),
    VOID.property: ("Eigenschaft", "property"),
    VOID.inDataset: ("im Datensatz", "in dataset"),
    VOID.linkPredicate: ("verknüpfende Eigenschaft", "link predicate"),
    VOID.objectsTarget: ("Ziel der Objekte", "objects target"),
    VOID.subjectsTarget: ("Ziel der Subjekte", "subjects target"),
    VOID.uriSpace: ("IRI-Raum", "URI space"),
    VOID.vocabulary: ("Vokabular", "vocabulary"),
}


def message(key: str, lang: str) -> str:
    """One UI text in the language; the key itself if it is missing (visible, so it gets noticed)."""
    pair = MESSAGES.get(key)
    return pair[LANGUAGES.index(lang)] if pair else key


# DCAT-AP.de's political geocoding URIs (…/politicalGeocoding/{kind}/{key}), named by the kind of key and the key
# (a municipal officer's review: place pages showed them as bare IRIs)
GEOCODING_KINDS = {"stateKey": ("Landesschlüssel", "state key"), "districtKey": ("Kreisschlüssel", "district key"),
                   "municipalAssociationKey": ("Gemeindeverbandsschlüssel", "municipal association key"),
                   "municipalityKey": ("Gemeindeschlüssel (AGS)", "municipality key (AGS)"),
                   "regionalKey": ("Regionalschlüssel (ARS)", "regional key (ARS)"), "Level": ("Ebene", "level")}
GEOCODING_LEVELS = {"federal": ("Bund", "federal")}

# CodeMirror's own words (its search panel, completion list and the check's list), which it says in English; a
# German page had them so, unmarked (a keyboard and screen-reader user's review). English needs none.
EDITOR_PHRASES = {"de": {
    "Find": "Suchen", "Replace": "Ersetzen", "next": "nächster", "previous": "vorheriger", "all": "alle",
    "match case": "Groß-/Kleinschreibung", "regexp": "regulärer Ausdruck", "by word": "ganze Wörter",
    "replace": "ersetzen", "replace all": "alle ersetzen", "close": "schließen", "current match": "aktueller Treffer",
    "on line": "in Zeile", "replaced $ matches": "$ Treffer ersetzt", "replaced match on line $": "Treffer in Zeile $ ersetzt",
    "Go to line": "Gehe zu Zeile", "go": "los", "Completions": "Vorschläge", "Diagnostics": "Fehler der Prüfung",
    "No diagnostics": "Keine Fehler gefunden", "Selection deleted": "Auswahl gelöscht",
    "Control character": "Steuerzeichen", "folded code": "eingeklappter Code", "unfold": "ausklappen", "to": "bis",
}}


def term_label(iri, lang: str) -> str | None:
    """The label of a reused vocabulary term or code-list value, if we name it."""
    pair = TERMS.get(URIRef(str(iri)))
    if pair:
        return pair[LANGUAGES.index(lang)]
    if str(iri).startswith(EU_FILE_TYPE):  # one the formats do not name: its code, SPARQLQ as what it is
        code = str(iri)[len(EU_FILE_TYPE):]
        return {"SPARQLQ": "SPARQL"}.get(code, code)
    if not str(iri).startswith(POLITICAL_GEOCODING):
        return None
    kind, _, key = str(iri)[len(POLITICAL_GEOCODING):].partition("/")
    if kind not in GEOCODING_KINDS or not key:
        return None
    named = GEOCODING_LEVELS.get(key, (key, key))[LANGUAGES.index(lang)]
    return f"{GEOCODING_KINDS[kind][LANGUAGES.index(lang)]} {named}"
