"""A resource's document graph turned into what its HTML page shows.

The page reads the same graph the RDF formats serialise, so HTML and Turtle never disagree. Properties
are grouped the way a reader scans a page: facts, links to other resources of the graph, identifiers
and external links, sources; then the #fragment resources (a place's point, a dataset's period), the
projects a body takes part in, and everything else that links here.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..namespaces import AMOUNT_BY_BOUND, BASE, GEO, LABEL_PROPERTIES, MPSC, SCHEMA, WD, compact
from .. import iris, queries
from ..dates import spoken_date
from ..names import sort_key
from ..numbers import quantity
from .i18n import message, other_tag, preferred, term_label
from .links import Linker, web_link
from .maps import parse_point

SOURCES = {DCTERMS.source, PROV.wasDerivedFrom}
DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?")  # what spoken_date reads; others as written
SOURCE_PATH_CHARS = 48  # of a source URL's path shown as its name
IDENTIFIERS = {OWL.sameAs, SCHEMA.sameAs, FOAF.homepage, FOAF.page, MPSC.ags, MPSC.ars, SKOS.notation,
               DCTERMS.identifier, MPSC.registerName}
# Rows a reader looks for first, in this order (a project's runtime start before end in every language); everything
# else follows by label.
FIRST = (MPSC.title, SCHEMA.alternateName, MPSC.fundingRound, MPSC.category, MPSC.grantee, ORG.hasMember,
         MPSC.leadMember, DCTERMS.type, SCHEMA.containedInPlace, MPSC.federalGrant, MPSC.totalVolume,
         MPSC.fundingAmount, MPSC.fundingKind, SCHEMA.startDate, SCHEMA.endDate, MPSC.extendedEndDate)
# Shown among the facts although their values are resources: a project's leading grant and volume are the amounts a
# reader quotes, and the kind says what its own amount is (a citizen's review: the page opened with the project
# table's 17.5 Mio "unsicher" while the leading grant, 15.7 Mio, stood far below among the links).
HEADLINE = {MPSC.federalGrant, MPSC.totalVolume, MPSC.fundingKind}
BACKLINKS_SHOWN = 50
UNITS = {**dict.fromkeys(AMOUNT_BY_BOUND.values(), "€"), MPSC.fundingRate: "%", MPSC.area: "km²"}


@dataclass
class Value:
    text: str
    href: str | None = None
    external: bool = False
    note: str = ""  # a literal's language tag (@en) where it differs from the page's
    lang: str = ""  # a linked resource's name's language where it is not the page's (WCAG 3.1.2)
    rating: str = ""  # its confidence where a statement or the value itself rates it below confirmed


@dataclass
class Row:
    label: str
    href: str | None  # where the property is defined
    values: list[Value]
    more: int = 0  # values left out (long backlink lists)
    all_url: str | None = None  # a query listing every value, when some are left out


@dataclass
class Section:
    key: str  # message key of the heading
    rows: list[Row]
    anchor: str = ""
    title: str = ""  # the heading itself where the section has a name of its own (a #fragment's label)
    title_lang: str = ""  # its language where it is not the page's (WCAG 3.1.2)


@dataclass
class Page:
    iri: str
    label: str
    other_labels: list[Value]
    types: list[Value]
    description: str
    sections: list[Section] = field(default_factory=list)
    projects: list[Value] = field(default_factory=list)
    projects_here: list[Value] = field(default_factory=list)  # of a place: in it or covering it (resources.py)
    projects_above: list[Value] = field(default_factory=list)  # of the district or association a place lies in
    projects_list: str | None = None  # of a state: the project list filtered to it
    participants: list[Value] = field(default_factory=list)
    point: tuple[float, float] | None = None
    label_lang: str = ""  # the heading's and the description's language where it is not the page's (WCAG 3.1.2)
    description_lang: str = ""
    description_html: Markup | None = None  # the description with what it quotes in another language marked
    description_statement: str = ""  # the anchor of the editorial statement that is the description, if it is one
    within: list[str] = field(default_factory=list)  # names the title adds to tell it from others (`within`)
    summary: str = ""  # what search results show of the page: its description, else what and where it is

    @property
    def title(self) -> str:
        """The page's title: the resource's name, and where it is or whose it is (`within`)."""
        return f"{self.label} ({', '.join(self.within)})" if self.within else self.label


class Namer:
    """Names and links terms for one reader: labels from the graph or the ontology, else prefixed names."""

    def __init__(self, graph: Graph, lang: str, link: Linker, term_labels: dict[str, dict[str, str]],
                 page: str = ""):
        self.graph, self.lang, self.link, self.term_labels = graph, lang, link, term_labels
        self.page = page  # the resource whose page this is: its own #fragments need not name it

    def label(self, node) -> str:
        """The node's label in the reader's language, else German, else any, else a short form of the IRI."""
        return self.labelled(node)[0]

    def labelled(self, node) -> tuple[str, str]:
        """`label` and its language tag where that is not the reader's: an English page names a district
        "Kreisfreie Stadt Hamburg", which a screen reader should read as German (an accessibility review)."""
        found = {}
        for prop in LABEL_PROPERTIES:
            for value in sorted(self.graph.objects(node, prop)):  # sorted: not the store's order
                found.setdefault(getattr(value, "language", None) or "", str(value))
        if found:
            text = preferred(found, self.lang)
            return text, other_tag(found, text, self.lang)
        if "#" in str(node) and self.link.resource(str(node)):  # a fragment of one of our documents
            name = self.fragment_name(node)  # its owner's name alone, as often as not: in the owner's language
            owner, tag = self.labelled(URIRef(str(node).partition("#")[0]))
            return name, tag if name == owner else ""
        return self.term(node), ""

    def named(self, node, href: str | None = None, external: bool = False) -> Value:
        """A resource of the graph as a value: its label, in its language, linked to `href`."""
        text, tag = self.labelled(node)
        return Value(text, href, external, lang=tag)

    def fragment_name(self, node) -> str:
        """A #fragment without a label, named by what it is about ("Esri Deutschland (Projektpartner)",
        "Beschreibung (de)"), after the resource it belongs to unless that is the page's ("Bamberg: Beschreibung
        (de)"); its fragment where the graph tells neither. A journalist's review: partners, the ministries of
        the programme and the descriptions citing a round were links reading "#partner-1", "#bmi",
        "#description-de"."""
        about = fragment_about(self.graph, node, self)
        owner = URIRef(str(node).partition("#")[0])
        if owner == URIRef(self.page) or not any((owner, p, None) in self.graph for p in LABEL_PROPERTIES):
            return about or "#" + str(node).partition("#")[2]
        return f"{self.label(owner)}: {about}" if about else self.label(owner)

    def term(self, iri) -> str:
        """A vocabulary term's label: ours from the ontology, well-known ones from i18n, else prefix:name."""
        return (preferred(self.term_labels.get(str(iri), {}), self.lang) or term_label(iri, self.lang)
                or compact(str(iri)) or str(iri))

    def value(self, node, unit: str = "") -> Value:
        if isinstance(node, Literal):
            return literal_value(node, self.lang, unit)
        local = self.link.resource(str(node))
        if local is not None:
            return self.named(node, local)
        if str(node).startswith(BASE):  # ours but not served here (named graph IRIs): no link to elsewhere
            return self.named(node) if (node, None, None) in self.graph else Value(str(node))
        if str(node).startswith(str(WD)):
            return Value("Wikidata " + str(node)[len(str(WD)):], str(node), external=True)
        if term_label(node, self.lang):  # a vocabulary term as a value, e.g. the property a statement is about
            return Value(term_label(node, self.lang), web_link(str(node)), external=True)
        href = web_link(str(node))
        return self.named(node, href, bool(href)) if (node, None, None) in self.graph else Value(str(node), href,
                                                                                                   bool(href))

    def row(self, prop, values, more: int = 0) -> Row:
        return Row(self.term(prop), self.link.resource(str(prop)) or web_link(str(prop)), values, more)


def literal_value(literal: Literal, lang: str, unit: str = "") -> Value:
    """A literal as shown: numbers grouped in the reader's style with their unit, a day or a month in words
    ("8. September 2020", as the descriptions say it), a language tag that differs from the page's as a note."""
    if literal.datatype in (XSD.integer, XSD.decimal) and literal.value is not None:
        return Value(quantity(literal.value, unit, lang))
    if literal.datatype in (XSD.date, XSD.gYearMonth) and DATE.fullmatch(str(literal)):
        return Value(spoken_date(str(literal), lang))
    note = f"@{literal.language}" if literal.language and literal.language != lang else ""
    return Value(str(literal), note=note)


def build_page(graph: Graph, iri: str, namer: Namer, incoming: dict[str, int]) -> Page:
    """The page model of resource `iri` from its document graph; `incoming` counts links per property
    (the graph may hold only a sample of them)."""
    node = URIRef(iri)
    lang = namer.lang
    heading = title(graph, node, lang) or namer.label(node)
    description = prose(graph, node, lang)
    page = Page(iri=iri, label=heading, other_labels=other_labels(graph, node, heading, lang),
                types=[namer.value(t) for t in sorted(graph.objects(node, RDF.type))], description=description,
                label_lang=other_language(graph, node, (MPSC.title, *LABEL_PROPERTIES), heading, lang),
                description_lang=other_language(graph, node, PROSE, description, lang))
    page.description_html = quoting(description, foreign_names(graph, node, page.description_lang or lang))
    page.description_statement = editorial_statement(graph, node, description)
    page.sections = property_sections(graph, node, namer)
    name_the_key(graph, node, namer, page.sections)
    page.sections += fragment_sections(graph, node, namer)
    page.projects = taken_part_in(graph, node, namer)
    page.participants = participants(graph, node, namer)
    page.sections.append(Section("res.backlinks", backlinks(graph, node, namer, incoming)))
    page.point = point(graph, node)
    page.within = within(graph, node, namer)
    kinds = ", ".join(kind.text for kind in page.types)
    page.summary = description or message("res.summary", lang).format(kinds=kinds[:1].upper() + kinds[1:],
                                                                       name=page.title)
    return page


# Where a resource is, or whose it is: a place's district and state, a measure's or strategy's project. The title
# names them after the resource (a search-engine review: 942 municipalities share their name with another, among
# them three Neuenkirchen, and seven measures theirs, so pages had the same title and description).
CONTAINERS = (MPSC.District, MPSC.State)
OWNED_BY = (MPSC.measure, MPSC.strategy)


def within(graph: Graph, node, namer: Namer) -> list[str]:
    """The names of the places containing `node` (district, then state; not the district an urban district
    (kreisfreie Stadt) is in its other role, "Bamberg (Bamberg, Bayern)", a review; a city-state's state stays, or
    its page would be titled as the state's), else of the projects it belongs to."""
    same = set(graph.objects(node, GEO.sfEquals)) | set(graph.subjects(GEO.sfEquals, node))
    places = [o for kind in CONTAINERS for o in sorted(graph.objects(node, SCHEMA.containedInPlace))
              if (o, RDF.type, kind) in graph and not (kind == MPSC.District and o in same)]
    owners = sorted({s for prop in OWNED_BY for s in graph.subjects(prop, node)})
    return [namer.label(o) for o in places or owners]


# mpsc:ags is labelled for municipalities; districts and states carry the same register key by another name.
KEY_NAMES = {MPSC.District: "res.district_key", MPSC.State: "res.state_key"}


def name_the_key(graph: Graph, node, namer: Namer, sections: list[Section]) -> None:
    """Call a district's key "Kreisschlüssel" and a state's "Landesschlüssel", not "Gemeindeschlüssel"."""
    key = next((KEY_NAMES[c] for c in graph.objects(node, RDF.type) if c in KEY_NAMES), None)
    for row in (row for section in sections for row in section.rows) if key else ():
        if row.label == namer.term(MPSC.ags):
            row.label = message(key, namer.lang)


def title(graph: Graph, node, lang: str) -> str:
    """A project's title (mpsc:title) in the reader's language: what a project is called, where its label names
    its grantee ("Hamburg in Kooperation mit Leipzig und München" for Connected Urban Twins)."""
    return preferred({v.language or "": str(v) for v in sorted(graph.objects(node, MPSC.title))}, lang)


def other_labels(graph: Graph, node, heading: str, lang: str) -> list[Value]:
    """The resource's other labels, shown under the heading: those in the reader's language first (a municipal
    officer's review: sorted by their text, "Cooperation of Brandis, …" came before "Kooperation Brandis, …")."""
    texts = sorted({(v.language != lang, v.language or "", str(v)) for v in graph.objects(node, RDFS.label)
                    if str(v) != heading})
    return [Value(text, note=f"@{tag}" if tag else "") for _, tag, text in texts]


PROSE = (DCTERMS.description, SKOS.definition, RDFS.comment)  # what describes a resource, in this order


def prose(graph: Graph, node, lang: str) -> str:
    """The description or comment in the reader's language, else German, else any."""
    for prop in PROSE:
        text = preferred({v.language or "": str(v) for v in graph.objects(node, prop)}, lang)
        if text:
            return text
    return ""


def editorial_statement(graph: Graph, node, text: str) -> str:
    """The fragment of the editorial statement whose object is the description `text`, "" if none is: the lead
    paragraph says it was written by the editors where it was (a municipal officer's review: only a section far
    below said so, and a council paper quoted the lead as the project's own words)."""
    for statement in graph.subjects(RDF.subject, node):
        if (statement, RDF.type, MPSC.EditorialStatement) in graph and \
                any(str(v) == text for v in graph.objects(statement, RDF.object)):
            return str(statement).rpartition("#")[2]
    return ""


QUOTED_LEAST = 8  # characters of a name in another language before `quoting` marks it (not "Bamberg")


NAMING = (MPSC.title, *LABEL_PROPERTIES, MPSC.motto)  # what a description may quote of its resource


def foreign_names(graph: Graph, node, lang: str) -> dict[str, str]:
    """The resource's names, titles and mottos in another language than `lang` ({text: tag}), such as a
    project's German title or a round's motto, which its description in `lang` may quote; not those it also has in
    `lang` (a name the same in both), nor keywords (the review that asked for it found "MobileStadt"@en marked
    English in a German description)."""
    texts = [v for p in NAMING for v in graph.objects(node, p) if isinstance(v, Literal) and v.language]
    own = {str(v) for v in texts if v.language == lang}
    return {str(v): v.language for v in texts if v.language != lang and str(v) not in own
            and len(str(v)) >= QUOTED_LEAST}


def quoting(text: str, names: dict[str, str]) -> Markup:
    """`text` escaped, each of `names` ({text: language tag}) in it marked with its language (WCAG 3.1.2: on an
    English page, 70 project descriptions named their project by its German title, which a screen reader read
    with an English voice, an accessibility review)."""
    if not names:
        return escape(text)
    parts, last = [], 0
    for match in re.finditer("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), text):
        parts += [escape(text[last:match.start()]),
                  Markup('<span lang="{}">{}</span>').format(names[match.group()], match.group())]
        last = match.end()
    return Markup("").join([*parts, escape(text[last:])])


def other_language(graph: Graph, node, props, text: str, lang: str) -> str:
    """The language tag of `text` among the node's values of `props` when the text is in another language than
    the page's, so that the page can say so (WCAG 3.1.2); "" when it is the page's language or has no tag."""
    same = {v.language or "": text for p in props for v in graph.objects(node, p) if isinstance(v, Literal)
            and str(v) == text}
    return other_tag(same, text, lang)


def in_language(values: list, lang: str) -> list:
    """Literals in the reader's language when there are any, so bilingual values are not shown twice."""
    mine = [v for v in values if isinstance(v, Literal) and v.language == lang]
    return mine + [v for v in values if not isinstance(v, Literal) or not v.language] if mine else values


# What a page shows above its sections (the heading, the class, the lead text), not again among them.
SHOWN_ABOVE = (RDF.type, *LABEL_PROPERTIES, DCTERMS.description, SKOS.definition, RDFS.comment)


def property_sections(graph: Graph, node, namer: Namer) -> list[Section]:
    """The resource's own statements, grouped into facts, relations, identifiers and sources."""
    groups = {"res.facts": [], "res.relations": [], "res.identifiers": [], "res.sources": []}
    rated = less_than_confirmed(graph, node)
    for prop in sorted(set(graph.predicates(node, None)) - set(SHOWN_ABOVE), key=lambda p: order(p, namer)):
        objects = in_language(sorted(graph.objects(node, prop)), namer.lang)
        values = [rated_value(namer.value(o, UNITS.get(prop, "")), rated.get((prop, o)), namer) for o in objects]
        if prop in SOURCES:
            group = "res.sources"
            values = [source_value(v) for v in values]
        elif prop in IDENTIFIERS:
            group = "res.identifiers"
        elif all(v.href and not v.external for v in values) and prop not in HEADLINE:
            group = "res.relations"
        else:
            group = "res.facts"
        groups[group].append(namer.row(prop, values))
    return [Section(key, rows) for key, rows in groups.items() if rows]


CONFIRMED = iris.confidence("confirmed")


def less_than_confirmed(graph: Graph, node) -> dict:
    """(property, value) -> confidence of the resource's facts whose statement (`#start-date`, `#funding-amount`)
    rates them below confirmed. A journalist's review: a project's amount was shown beside the project's own
    "Beleglage: bestätigt" while its statement, further down, said "unsicher"."""
    rated = {}
    for statement in graph.subjects(RDF.subject, node):
        confidence = graph.value(statement, MPSC.confidence)
        if confidence is not None and confidence != CONFIRMED:
            rated[(graph.value(statement, RDF.predicate), graph.value(statement, RDF.object))] = confidence
    # A value that is a part of this resource rated by itself, such as a funding figure (`#federal-grant-2`): a
    # cross-view review found Jena's uncertain grant unflagged at the top of its page, flagged further down.
    for prop, part in graph.predicate_objects(node):
        confidence = graph.value(part, MPSC.confidence) if str(part).startswith(f"{node}#") else None
        if confidence is not None and confidence != CONFIRMED:
            rated[(prop, part)] = confidence
    return rated


def rated_value(value: Value, confidence, namer: Namer) -> Value:
    """The value with its confidence where its statement rates it below confirmed, beside a language note it has
    (a cross-view review: a status "(nur auf Englisch)" lost its confidence on German pages)."""
    if confidence is not None:
        value.rating = f"– {namer.term(MPSC.confidence)}: {namer.label(confidence)}"
    return value


def source_value(value: Value) -> Value:
    """A source web page shown by its host and a short path ("staedtetag.blog › 2019/09/02/smart-city-…"), the full
    URL as the link: we hold no page titles, and bare URLs are hard to read."""
    if not value.external or value.text != value.href:
        return value
    parts = urlsplit(value.href)
    path = parts.path.strip("/")
    short = path if len(path) <= SOURCE_PATH_CHARS else path[:SOURCE_PATH_CHARS - 1] + "…"
    host = parts.hostname.removeprefix("www.") if parts.hostname else value.href
    return Value(f"{host} › {short}" if short else host, value.href, external=True, note=value.note,
                 rating=value.rating)


def order(prop, namer: Namer):
    return (FIRST.index(prop) if prop in FIRST else len(FIRST), sort_key(namer.term(prop)), str(prop))


def fragment_sections(graph: Graph, node, namer: Namer) -> list[Section]:
    """One section per #fragment resource of this document, anchored by its fragment and headed by its label
    (`#federal-grant-1` is "Bundeszuwendung: 13.480.000 €"), where it has one."""
    sections = []
    prefix = str(node) + "#"
    quoted = functools.cache(lambda lang: foreign_names(graph, node, lang))  # once per language, not per statement
    for fragment in sorted({s for s in graph.subjects() if str(s).startswith(prefix)}):
        translated = stated_in(graph, fragment, namer.lang)
        rows = [namer.row(p, [stated_value(namer, p, o, quoted, translated)
                              for o in in_language(sorted(graph.objects(fragment, p)), namer.lang)])
                for p in sorted(set(graph.predicates(fragment, None)) - {RDF.type}, key=lambda p: order(p, namer))]
        key = "res.location" if (fragment, GEO.asWKT, None) in graph else "res.part"
        title = fragment_title(graph, fragment, namer)
        sections.append(Section(key, rows, anchor=str(fragment)[len(prefix):], title=title,
                                title_lang=other_language(graph, fragment, LABEL_PROPERTIES, namer.label(fragment),
                                                          namer.lang)))
    return sections


def stated_value(namer: Namer, prop, obj, quoted, translated: bool = False) -> Value:
    """A #fragment's value; the text a statement states (a description) with what it quotes in another language
    marked, as the lead is (`quoting`; `quoted(lang)` gives the resource's `foreign_names` for that language);
    where another statement says it in the reader's language (`translated`), its language is marked without
    "only in German" (an English-only reader's review: `#description-de` said so above `#description-en`)."""
    value = namer.value(obj, UNITS.get(prop, ""))
    if prop == RDF.object and isinstance(obj, Literal) and obj.language:
        value.text = quoting(str(obj), quoted(obj.language))
        if translated and value.note == f"@{obj.language}":
            value.note, value.lang = "", obj.language
    return value


def stated_in(graph: Graph, statement, lang: str) -> bool:
    """Whether another statement about the same subject and property as `statement` states a text in `lang`."""
    subject, predicate = graph.value(statement, RDF.subject), graph.value(statement, RDF.predicate)
    return subject is not None and any(
        other != statement and graph.value(other, RDF.predicate) == predicate
        and any(isinstance(o, Literal) and o.language == lang for o in graph.objects(other, RDF.object))
        for other in graph.subjects(RDF.subject, subject))


def fragment_title(graph: Graph, fragment, namer: Namer) -> str:
    """A #fragment's heading: its label; else what it is and what about ("Aussage: Ende", "Beteiligung: Esri
    Deutschland", with the language of a text it states); "" for the general heading. Sixteen headings
    "Part of this description" on one page told a screen reader's list of headings nothing."""
    if any((fragment, p, None) in graph for p in LABEL_PROPERTIES):
        return _capitalised(namer.label(fragment))
    kind = next(iter(sorted(graph.objects(fragment, RDF.type))), None)
    about = fragment_about(graph, fragment, namer, full=False)
    return _capitalised(f"{namer.term(kind)}: {about}") if kind is not None and about else ""


def fragment_about(graph: Graph, fragment, namer: Namer, full: bool = True) -> str:
    """What a #fragment without a label is about: a statement's property (with the language of a text it states),
    an association's agent, and if `full` its role, else its kind ("Geometrie"); "" where the graph tells none of
    these (a heading names the kind itself, so not `full`)."""
    predicate, agent = graph.value(fragment, RDF.predicate), graph.value(fragment, PROV.agent)
    if predicate is not None:
        stated = graph.value(fragment, RDF.object)
        language = f" ({stated.language})" if isinstance(stated, Literal) and stated.language else ""
        return f"{namer.term(predicate)}{language}"
    if agent is not None:
        played = graph.value(fragment, PROV.hadRole) if full else None
        if str(agent) == namer.page:  # on the agent's own page: the role it played
            return namer.label(played) if played is not None else ""
        return namer.label(agent) + (f" ({namer.label(played)})" if played is not None else "")
    kind = next(iter(sorted(graph.objects(fragment, RDF.type))), None)
    return namer.term(kind) if kind is not None and full else ""


def _capitalised(heading: str) -> str:
    return heading[:1].upper() + heading[1:]


def by_text(values) -> list[Value]:
    """Values in alphabetical order (`sort_key`); equal texts (`#description-de` of many projects) by their link,
    so that every process renders the same page (a set's order changes with Python's hash seed)."""
    return sorted(values, key=lambda v: (sort_key(v.text), v.href or ""))


def taken_part_in(graph: Graph, node, namer: Namer) -> list[Value]:
    """The projects a body takes part in: as grantee, or as member of a cooperation that is the grantee."""
    grantees = {node} | set(graph.subjects(ORG.hasMember, node))
    projects = {p for g in grantees for p in graph.subjects(MPSC.grantee, g)}
    return by_text(namer.value(p) for p in projects)


def participants(graph: Graph, node, namer: Namer) -> list[Value]:
    """The bodies behind a project whose grantee is a cooperation: the cooperation's members."""
    members = {m for g in graph.objects(node, MPSC.grantee) for m in graph.objects(g, ORG.hasMember)}
    return by_text(namer.value(m) for m in members)


def backlinks(graph: Graph, node, namer: Namer, incoming: dict[str, int]) -> list[Row]:
    """Incoming links grouped by property, read in their direction ("named as member by …"), with how many
    more there are than the graph holds and a query that lists them all. Links from the resource's own
    #fragments (statements about it) are its parts, not links to it, and are left out."""
    rows = []
    own = str(node) + "#"
    for prop in sorted(set(graph.predicates(None, node)), key=lambda p: order(p, namer)):
        subjects = set(graph.subjects(prop, node))
        linking = [s for s in subjects if not str(s).startswith(own)]
        more = max(0, incoming.get(str(prop), 0) - len(subjects))
        if not linking and not more:
            continue
        values = told_apart(by_text(namer.value(s) for s in linking))
        label = message("res.named_as", namer.lang).format(prop=namer.term(prop))
        query = queries.incoming(str(node), str(prop), namer.lang) if more else None
        rows.append(Row(label, namer.link.resource(str(prop)) or web_link(str(prop)), values, more,
                        namer.link.url("sparql", query=query) if query else None))
    return rows


def told_apart(values: list[Value]) -> list[Value]:
    """Values that read alike, each with its #fragment: a round's page listed every project's two descriptions as
    "Aalen …: redaktionelle Aussage" twice (a citizen's review), as the page holds no more of them than their kind."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value.text] = counts.get(value.text, 0) + 1
    for value in values:
        fragment = (value.href or "").partition("#")[2]
        if counts[value.text] > 1 and fragment:
            value.text = f"{value.text} (#{fragment})"
    return values


def point(graph: Graph, node) -> tuple[float, float] | None:
    """(longitude, latitude) of the resource's WKT point, if it has one."""
    for geometry in graph.objects(node, GEO.hasGeometry):
        for wkt in graph.objects(geometry, GEO.asWKT):
            found = parse_point(str(wkt))
            if found:
                return found
    return None
