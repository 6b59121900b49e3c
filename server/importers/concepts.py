"""SKOS schemes: the Smart City Charta, the 2020 evaluation criteria, fields of action and code lists."""
from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from .. import iris, names
from ..dates import MONTHS
from ..namespaces import MPSC, SCHEMA
from .provenance import cite
from .places import DESTATIS_GV
from .register import Register
from .sources import CONFIDENCE, Sources, clean_note, date_literal, source_iris, strip_parenthetical

# The collector wrote reading remarks into some Charta labels; they become editorial notes instead.
LABEL_REMARKS = [
    r"\s*\(Text im Auszug abgeschnitten\)", r"\s*–\s*Thema laut Querverweis, amtliche Überschrift nicht gesehen",
    r"\s*\(Wortlaut in der Charta ggf\. abweichend\)", r"\s*\(topic per cross-reference\)",
]
# Source id prefixes of the Charta's kinds of principle; the empty prefix (1.1, 4.3) comes last.
CHARTER_IDS = (("SCC-AIM-", "aim"), ("SCC-V", "vision"), ("L", "guideline"), ("", "recommendation"))
# Publishers of the documents as programme.csv names them (BBSR with BMUB in 2017, with BMI in 2021).
PUBLISHERS = {"smart-city-charta": ("bbsr", "bmub"), "datenstrategien": ("bbsr", "bmi")}
CATEGORIES = {
    "grossstadt": ("Großstädte", "Large cities"),
    "mittelstadt": ("Mittelstädte", "Medium-sized towns"),
    "kleinstadt-landgemeinde": ("Kleinstädte und Landgemeinden", "Small towns and rural municipalities"),
    "kooperation-landkreis": ("Interkommunale Kooperationen und Landkreise", "Inter-municipal cooperations and districts"),
}
CODE_LISTS = {
    "phase": (MPSC.ProjectPhase, "Projektphasen", "Project phases", {
        "direct-implementation": ("direkte Umsetzung", "direct implementation"),
        "strategy-first": ("Strategiephase vor der Umsetzung", "strategy phase before implementation"),
    }),
    "funding-kind": (MPSC.FundingKind, "Arten von Förderbeträgen", "Kinds of funding amounts", {
        "federal-grant": ("Bundeszuwendung", "federal grant"),
        "total-volume": ("Gesamtvolumen des Projekts", "total project volume"),
        "unspecified": ("nicht angegeben, ob Zuwendung oder Volumen", "not stated whether grant or volume"),
        "federal-budget": ("Haushaltsmittel des Bundes für das Programm", "federal budget funds for the programme"),
    }),
    "confidence": (MPSC.ConfidenceLevel, "Belegstufen", "Confidence levels", {
        "confirmed": ("bestätigt (zwei oder mehr Quellen oder amtliche Quelle)", "confirmed (two or more sources or an official page)"),
        "single-source": ("eine Quelle", "single source"),
        "uncertain": ("unsicher (erschlossen oder nur mittelbar belegt)", "uncertain (inferred or known only at second hand)"),
    }),
    "measure-status": (MPSC.MeasureStatus, "Umsetzungsstände von Maßnahmen", "Statuses of measures", {
        "planned": ("geplant", "planned"),
        "in-implementation": ("in Umsetzung", "in implementation"),
        "in-operation": ("in Betrieb", "in operation"),
    }),
    "role": (MPSC.Role, "Rollen im Programm und in den Projekten", "Roles in the programme and the projects", {
        "responsible-ministry": ("zuständiges Bundesministerium", "responsible federal ministry"),
        "paying-agency": ("Bewilligungs- und Auszahlungsstelle", "paying agency"),
        "coordination-office": ("Koordinierungs- und Transferstelle", "coordination and transfer office"),
        "evaluator": ("Evaluation", "evaluator"),
        "project-partner": ("Projektpartner", "project partner"),
    }),
}


def concept_triples(iri: URIRef, scheme: URIRef, de: str, en: str | None, *, notation: str | list[str] | None = None,
                    top: bool = False, broader: URIRef | None = None):
    """The SKOS triples every concept carries: labels in both properties, scheme, notation (or notations), place in
    the hierarchy."""
    yield iri, RDF.type, SKOS.Concept
    yield iri, SKOS.inScheme, scheme
    for lang, text in (("de", de), ("en", en)):
        if text:
            yield iri, RDFS.label, Literal(text, lang=lang)
            yield iri, SKOS.prefLabel, Literal(text, lang=lang)
    for code in [notation] if isinstance(notation, str) else notation or ():
        if code:
            yield iri, SKOS.notation, Literal(code)
    if top:
        yield iri, SKOS.topConceptOf, scheme
        yield scheme, SKOS.hasTopConcept, iri
    if broader is not None:
        yield iri, SKOS.broader, broader
        yield broader, SKOS.narrower, iri


def categories(sources: Sources) -> Graph:
    """The programme's four size groupings as a SKOS scheme, sourced from the round announcements."""
    graph = Graph()
    scheme = _scheme(graph, "category", "Projektkategorien der Modellprojekte Smart Cities",
                     "Project categories of the Smart Cities model projects")
    round_sources = sorted({s for row in sources.rounds for s in source_iris(row["sources"])})
    for slug, (de, en) in CATEGORIES.items():
        iri = iris.category(slug)
        for triple in concept_triples(iri, scheme, de, en, notation=slug, top=True):
            graph.add(triple)
        graph.add((iri, RDF.type, MPSC.ProjectCategory))
        for source in round_sources:
            graph.add((iri, DCTERMS.source, source))
    # The sources name the categories in German only (a fact audit: the English looked sourced).
    _comment(graph, scheme, "Die deutschen Bezeichnungen sind die Namen der Kategorien in den Bekanntmachungen der "
             "Staffeln; die englischen sind redaktionell (geschrieben in server/importers/concepts.py), keine Worte "
             "einer Quelle.",
             "The German labels are the round announcements' names of the categories; the English labels are editorial "
             "(written in server/importers/concepts.py), not a source's words.")
    return graph


def _comment(graph: Graph, scheme: URIRef, de: str, en: str) -> None:
    """A scheme's note on where its labels come from, in both languages (a data-quality audit: German readers of
    a German dataset found it in English only)."""
    graph.add((scheme, RDFS.comment, Literal(de, lang="de")))
    graph.add((scheme, RDFS.comment, Literal(en, lang="en")))


def _clean_label(text: str) -> tuple[str, bool]:
    cleaned = text
    for pattern in LABEL_REMARKS:
        cleaned = re.sub(pattern, "", cleaned)
    return cleaned.strip(), cleaned != text


def charter_key(source_id: str) -> str:
    """`guideline-1`, `recommendation-1.1`, `vision-3`, `aim-2` from the source ids L1, 1.1, SCC-V3, SCC-AIM-2."""
    prefix, kind = next((p, k) for p, k in CHARTER_IDS if source_id.startswith(p))
    return f"{kind}-{source_id[len(prefix):]}"


def month_year(text: str) -> Literal | None:
    """'June 2017' or 'May 2021 (Stand …)' as xsd:gYearMonth."""
    match = re.search(rf"({'|'.join(MONTHS)}) (\d{{4}})", text)
    if match is None:
        return None
    return Literal(f"{match.group(2)}-{MONTHS.index(match.group(1)) + 1:02d}", datatype=XSD.gYearMonth)


def charter(sources: Sources) -> Graph:
    """The Charta as a scheme: guidelines on top, recommendations below; aims and vision as collections.

    The fifth pass (charter-2.csv) decides numbering, confidence and the labels it read; where it read
    none, the paraphrased topics of the earlier pass (charter.csv) stand in, marked as such.
    """
    graph, scheme = Graph(), iris.scheme("charter")
    earlier = {row["id"]: row for row in sources.charter}
    _document(graph, scheme, sources, "SCC", "smart-city-charta", [earlier["SCC"]])
    collections = {"aim": _collection(graph, "aims", "Ziele der Charta", "Aims of the Charter"),
                   "vision": _collection(graph, "vision", "Normatives Leitbild", "Normative vision")}
    # The collections cite the rows that name them: the vision's own, and the aims' (a provenance review: the aims'
    # collection cited nothing).
    cite(graph, collections["aim"], [r for r in sources.charter2 if charter_key(r["id"]).startswith("aim-")], note="")
    for row in sources.charter2:
        if row["kind"] == "vision" and row["id"] == "SCC-V":
            cite(graph, collections["vision"], [row], note=None)
        elif row["kind"] in ("vision", "guideline", "recommendation"):
            _add_principle(graph, scheme, row, earlier, collections, sources.translations)
    _edition_2021(graph, sources)
    return graph


def _document(graph: Graph, scheme: URIRef, sources: Sources, key: str, subject: str, earlier: list[dict]) -> None:
    """A document the scheme stands for (the Charta, the data strategies): titles, date, publishers, ISBN."""
    row = next(r for r in sources.charter2 if r["id"] == key)
    facts = {r["field"]: r for r in sources.programme if r["subject"] == subject}
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.label, Literal(row["title_de"], lang="de")))
    graph.add((scheme, RDFS.label, Literal(row["title_en"], lang="en")))
    # The Charta's month of publication; the data strategies' year of adoption (only the English
    # edition's month is known, and the row's note says so).
    issued = facts.get("published") or facts["adopted_by"]
    graph.add((scheme, DCTERMS.issued, month_year(issued["value"]) or date_literal(issued["value"][-4:])))
    isbn = facts.get("isbn_bilingual") or facts.get("isbn_en")
    graph.add((scheme, SCHEMA.isbn, Literal(isbn["value"])))
    page = facts.get("url_bbsr") or facts.get("url_bbsr_en")
    graph.add((scheme, FOAF.page, URIRef(page["value"])))
    for publisher in PUBLISHERS[subject]:
        graph.add((scheme, DCTERMS.publisher, iris.organisation(publisher)))
    graph.add((scheme, DCTERMS.creator, iris.organisation("dialogplattform")))
    used = [row, *earlier, issued, isbn, page, facts["publishers"], facts.get("author_body") or facts["adopted_by"]]
    # The collector's note on the document is a note, not its description (descriptions.py writes that).
    cite(graph, scheme, used, confidence=row["confidence"], note=clean_note(row["note"]), note_property=SKOS.note)


def _edition_2021(graph: Graph, sources: Sources) -> None:
    """The Charta's revised edition of May 2021, a version of the 2017 document."""
    row = next(r for r in sources.charter2 if r["id"] == "SCC-2021")
    edition = next(r for r in sources.programme if r["subject"] == "smart-city-charta" and r["field"] == "second_edition")
    iri = iris.document("smart-city-charta-2021")
    graph.add((iris.scheme("charter"), DCTERMS.hasVersion, iri))
    graph.add((iri, RDF.type, MPSC.Publication))
    graph.add((iri, RDFS.label, Literal(row["title_de"], lang="de")))
    graph.add((iri, RDFS.label, Literal(sources.translations[("charter-2.csv", "SCC-2021")]["label_en"], lang="en")))
    graph.add((iri, DCTERMS.isVersionOf, iris.scheme("charter")))
    graph.add((iri, DCTERMS.issued, month_year(edition["value"])))
    for publisher in ("bbsr", "bmi"):
        graph.add((iri, DCTERMS.publisher, iris.organisation(publisher)))
    cite(graph, iri, [row, edition], confidence=row["confidence"],
         note=f"{clean_note(row['note'])}; English label: {sources.translations[('charter-2.csv', 'SCC-2021')]['reason']}")


def _collection(graph: Graph, slug: str, de: str, en: str) -> URIRef:
    iri = iris.charter_principle(slug)
    graph.add((iri, RDF.type, SKOS.Collection))
    graph.add((iri, RDFS.label, Literal(de, lang="de")))
    graph.add((iri, RDFS.label, Literal(en, lang="en")))
    return iri


def _add_principle(graph: Graph, scheme: URIRef, row: dict, earlier: dict, collections: dict,
                   translations: dict) -> None:
    """One aim, vision attribute, guideline or recommendation, labelled as well as the sources allow.

    German and English label must say the same: where the fifth pass read a German heading but no English
    one, the earlier pass's English stands in only if it translates that same German text; otherwise our
    translation (translations.csv) does. A German paraphrase of the earlier pass loses its trailing
    "(…)" elaboration, which the English does not carry either; the note keeps it.
    """
    key = charter_key(row["id"])
    kind, iri = key.split("-")[0], iris.charter_principle(key)
    before = earlier.get(row["id"], {})
    earlier_de = _clean_label(before.get("label_de", ""))[0]
    de, paraphrased = (row["title_de"], False) if row["title_de"] else (strip_parenthetical(earlier_de), True)
    elaboration = earlier_de[len(de):].strip(" ()") if paraphrased and earlier_de != de else ""
    translation = translations.get(("charter-2.csv", row["id"]))
    if row["title_en"]:
        en, translated = row["title_en"], ""
    elif translation is not None:
        en, translated = translation["label_en"], translation["reason"]
    else:
        en = _clean_label(before.get("label_en", ""))[0]
        translated = "the English label is our translation; the official English heading was not read" if en else ""
        if en and row["title_de"] and row["title_de"] != earlier_de:
            raise ValueError(f"charter-2.csv {row['id']}: the earlier English label translates another German "
                             f"heading ({earlier_de!r}); add our translation of {de!r} to translations.csv")
    if not de:
        raise ValueError(f"charter-2.csv {row['id']}: no German label in either pass")
    number = row["number"] if kind in ("guideline", "recommendation") else None
    broader = iris.charter_principle(f"guideline-{row['parent'][1:]}") if kind == "recommendation" else None
    for triple in concept_triples(iri, scheme, de, en, notation=number, top=kind == "guideline", broader=broader):
        graph.add(triple)
    graph.add((iri, RDF.type, MPSC.CharterPrinciple))
    if kind in collections:
        graph.add((collections[kind], SKOS.member, iri))
    remarks = [clean_note(row["note"]),
               "the German label paraphrases the topic; the official heading was not read" if paraphrased else "",
               f"the paraphrase also names: {elaboration}" if elaboration else "",
               f"English label: {translated}" if translation is not None else translated]
    cite(graph, iri, [row, *([before] if before else [])], confidence=row["confidence"],
         note="; ".join(filter(None, remarks)))


def data_strategies(sources: Sources) -> Graph:
    """The 2021 data strategies as a scheme of their seven guidelines, related to the Charta they elaborate."""
    graph, scheme = Graph(), iris.scheme("data-strategies")
    _document(graph, scheme, sources, "DS", "datenstrategien", [])
    graph.add((scheme, DCTERMS.relation, iris.scheme("charter")))
    for row in sources.charter2:
        if row["kind"] != "data-guideline":
            continue
        iri = iris.data_guideline(row["number"])
        translation = sources.translations[("charter-2.csv", row["id"])]
        for triple in concept_triples(iri, scheme, row["title_de"], translation["label_en"], notation=row["number"],
                                      top=True):
            graph.add(triple)
        graph.add((iri, RDF.type, MPSC.DataStrategyGuideline))
        cite(graph, iri, [row], confidence=row["confidence"],
             note=f"{clean_note(row['note'])}; English label: {translation['reason']}")
    return graph


# The call describes its criteria in German only: their English labels are the collector's (a fact-checker's audit).
CRITERION_ENGLISH = "translated by the collector of the source table; the call names its criteria in German only"


def criterion_english(sources: Sources, row: dict) -> tuple[str, str]:
    """A criterion's English label (ours where translations.csv gives one), and how it came about."""
    translation = sources.translations.get(("criteria.csv", row["id"]))
    return (translation["label_en"], translation["reason"]) if translation else (row["label_en"], CRITERION_ENGLISH)


def criteria(sources: Sources) -> Graph:
    """The evaluation criteria of the 2020 call: four groups with the sub-criteria the sources list."""
    graph, scheme = Graph(), iris.scheme("criterion")
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.label, Literal("Bewertungskriterien des Förderaufrufs 2020", lang="de")))
    graph.add((scheme, RDFS.label, Literal("Evaluation criteria of the 2020 call", lang="en")))
    for row in sources.criteria:
        if row["type"] not in ("criterion-group", "criterion"):
            continue  # the selection procedure's steps are not criteria
        iri = iris.criterion(row["id"].lower())
        group = row["type"] == "criterion-group"
        broader = None if group else iris.criterion(row["parent"].lower())
        english, translated = criterion_english(sources, row)
        for triple in concept_triples(iri, scheme, row["label_de"], english, top=group, broader=broader):
            graph.add(triple)
        graph.add((iri, RDF.type, MPSC.EvaluationCriterion))
        graph.add((iri, MPSC.confidence, CONFIDENCE[row["confidence"]]))
        if group:
            graph.add((iris.round(2020), MPSC.evaluationCriterion, iri))
        probable = "call year probable, not certain" if "probable" in row["call_year"] else ""
        note = "; ".join(filter(None, [row["note"], probable, f"English label: {translated}"]))
        graph.add((iri, SKOS.editorialNote, Literal(clean_note(note), lang="en")))
        for source in source_iris(row["sources"]):
            graph.add((iri, DCTERMS.source, source))
    return graph


def fields_of_action(sources: Sources, terms_by_field: dict[str, set[str]]) -> Graph:
    """Our fields of action; each lists as hidden labels the source terms mapped to it."""
    graph, scheme = Graph(), iris.scheme("topic")
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.label, Literal("Handlungsfelder der Modellprojekte", lang="de")))
    graph.add((scheme, RDFS.label, Literal("Fields of action of the model projects", lang="en")))
    _comment(graph, scheme, "Redaktionelle Gruppierung der Themenbegriffe der Quellen; jeder Begriff führt die ihm "
             "zugeordneten Begriffe als skos:hiddenLabel. Die Regeln stehen in sources/curation/topics.csv.",
             "Editorial grouping of the topic terms the sources use; each concept lists the terms mapped to it as "
             "skos:hiddenLabel. The rules are in sources/curation/topics.csv.")
    for row in sources.topics:
        iri = iris.topic(row["slug"])
        for triple in concept_triples(iri, scheme, row["label_de"], row["label_en"], top=True):
            graph.add(triple)
        graph.add((iri, RDF.type, MPSC.FieldOfAction))
        for term in sorted(terms_by_field.get(row["slug"], ())):
            graph.add((iri, SKOS.hiddenLabel, Literal(term, lang="en")))
    return graph


def code_lists(sources: Sources, register: Register) -> Graph:
    """Small controlled vocabularies: project phases, kinds of funding figure, confidence, unit types (their labels
    ours, their text codes the register's, which the concept then cites)."""
    graph = Graph()
    for slug, (cls, de, en, members) in CODE_LISTS.items():
        scheme = _scheme(graph, slug, de, en)
        # each list's note names it and its concepts: five alike were one description to search engines (a review)
        _comment(graph, scheme, f"Codeliste „{de}“: {'; '.join(m[0] for m in members.values())}. Die Bezeichnungen "
                 "sind in beiden Sprachen redaktionell (geschrieben in server/importers/concepts.py), keine Worte einer "
                 "Quelle.",
                 f"Code list “{en}”: {'; '.join(m[1] for m in members.values())}. The labels, in both languages, are "
                 "editorial (written in server/importers/concepts.py), not a source's words.")
        for member, (mde, men) in members.items():
            for triple in concept_triples(iris.concept(slug, member), scheme, mde, men, top=True):
                graph.add(triple)
            graph.add((iris.concept(slug, member), RDF.type, cls))
    scheme = _scheme(graph, "unit-type", "Gebietstypen des Gemeindeverzeichnisses", "Unit types of the municipal register")
    _comment(graph, scheme, "Die Gebietstypen des amtlichen Gemeindeverzeichnisses mit ihren Textkennzeichen von "
             "Destatis (skos:notation, eines je Art von Datensatz, in der ein Typ vorkommt: eine kreisfreie Stadt ist "
             "als Kreis 41, als Gemeinde 61). Die englischen Bezeichnungen sind redaktionell "
             "(sources/curation/unit-types.csv).",
             "The unit types of the official register with their Destatis text codes (skos:notation, one per kind of "
             "record a type appears in: a kreisfreie Stadt is 41 as a district, 61 as a municipality). The English "
             "labels are editorial (sources/curation/unit-types.csv).")
    codes, named = register.type_codes(), register.type_labels()
    for row in sources.unit_types:
        iri = iris.unit_type(names.slug(row["label_de"]))
        notations = codes.get(row["label_de"], [])
        for triple in concept_triples(iri, scheme, row["label_de"], row["label_en"], notation=notations, top=True):
            graph.add(triple)
        graph.add((iri, RDF.type, MPSC.UnitType))
        if row["label_de"] in named:  # the German name is the register's (a fact audit: eight types, those of
            graph.add((iri, DCTERMS.source, DESTATIS_GV))  # associations and states, without a text code, cited none)
    return graph


def _scheme(graph: Graph, slug: str, de: str, en: str) -> URIRef:
    scheme = iris.scheme(slug)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.label, Literal(de, lang="de")))
    graph.add((scheme, RDFS.label, Literal(en, lang="en")))
    return scheme
