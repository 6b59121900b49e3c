"""Every SPARQL query the web pages and documents ask, as small named functions, with their result shaping.

Views never contain SPARQL. IRIs and filter values reach the query text only through `iri()` and
`key()`, which refuse anything that could break out of an IRI reference or a literal; callers turn
that refusal into a 404. Labels come back in every language; `languages.preferred` picks one for the reader.
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from . import iris
from .languages import DEFAULT
from .namespaces import AMOUNT_BY_BOUND, ID, LABEL_PROPERTIES, METADATA_GRAPH, MPSC, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PREFIXES, PROGRAMME_GRAPH, REFERENCE_GRAPH

# Every query may use the project's prefixes; a few unused declarations cost the parser nothing.
PROLOGUE = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
FACET_IRIS = {"round": iris.round, "category": iris.category, "state": iris.state}
_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$")


def iri(value: str) -> str:
    """`<value>` for query text; ValueError for anything that is not a plain absolute IRI (checked as the
    engine checks it, so that no request path turns into a query the engine refuses)."""
    if not value.startswith(("http://", "https://")) or _UNSAFE.search(value):
        raise ValueError(f"not a usable IRI: {value!r}")
    ox.NamedNode(value)  # ValueError for code points IRIs may not contain
    return f"<{value}>"


def key(value: str) -> str:
    """A slug or numeric key from a URL parameter, checked so it can be spliced into an IRI."""
    if not _KEY.match(value):
        raise ValueError(f"not a key: {value!r}")
    return value


def label_triples(subject: str, label: str, prop: str = "?p") -> str:
    """A pattern matching every label triple of `subject` (namespaces.LABEL_PROPERTIES), binding `prop`.

    One pattern per property in a UNION, not `VALUES ?p` and not a property path: Oxigraph then looks each
    subject up by subject and predicate (measured for 1,000 IRIs: 0.12 s instead of 1.0 s), and Virtuoso
    answers a project's document in 0.03 s instead of 1.7 s over a path `?o rdfs:label|… ?l . ?o ?p ?l`.
    """
    return " UNION ".join(f"{{ {subject} <{p}> {label} BIND(<{p}> AS {prop}) }}" for p in LABEL_PROPERTIES)


def labels(iris) -> str:
    """Every label of the given IRIs; `labels_by_language` groups them for `languages.preferred`.

    Fetched apart from the list queries because OPTIONAL label patterns multiply rows (the union
    default graph repeats what two named graphs share), which made list queries slow.
    """
    values = " ".join(iri(str(i)) for i in sorted(set(map(str, iris))))
    return PROLOGUE + f"""SELECT DISTINCT ?s ?p ?label WHERE {{ VALUES ?s {{ {values} }}
  {label_triples("?s", "?label")} }}"""


def labels_by_language(rows: list[dict]) -> dict[str, dict[str, str]]:
    """Label rows (?s ?label, and ?p where given) as {iri: {language: label}}, for languages.preferred. Per
    language the label of the most preferred property wins, then the smallest text: the choice does not
    depend on the order in which a store returns rows."""
    rank = {str(prop): n for n, prop in enumerate(LABEL_PROPERTIES)}
    table: dict[str, dict[str, str]] = {}
    for row in sorted(rows, key=lambda r: (rank.get(str(r.get("p")), 0), str(r["label"]))):
        table.setdefault(str(row["s"]), {}).setdefault(row["label"].language or "", str(row["label"]))
    return table


# --- resource documents -------------------------------------------------------------------------

def document(resource: str, fragments: list[str] = (), sample: dict[str, int] | None = None) -> str:
    """The document of a resource: its concise bounded description (with its #fragment resources),
    labels and types of everything it and its fragments link to, and every incoming link with the linking resource's
    label and type. Projects and bodies also see through cooperations: a project lists the members of
    its grantee, a member lists the projects of the cooperations it belongs to; a dataset lists its
    distributions' download URLs, media types and licences.

    With `sample` ({property: n}), only the first n incoming links per property are included (by IRI):
    pages show a sample of lists that run into thousands, e.g. the municipalities of a state.
    """
    r = iri(resource)
    # A fragment's own statements, and the labels of what it links to (a statement's confidence level).
    # One VALUES block, not two UNION branches per fragment: a project has dozens of fragments, and
    # Virtuoso took ~10 s over the branches.
    values = f"VALUES ?f {{ {' '.join(iri(f) for f in fragments)} }}"
    own = (f"  UNION {{ {values} ?f ?p ?o BIND(?f AS ?s) }}\n"
           f"  UNION {{ {values} ?f ?p0 ?o . {label_triples('?o', '?ol', '?lp')} }}\n") if fragments else ""
    if sample is None:
        incoming = f"?in ?ip {r}"
    else:
        incoming = " UNION ".join(
            f"{{ SELECT ?in ?ip WHERE {{ ?in {iri(p)} {r} BIND({iri(p)} AS ?ip) }} ORDER BY ?in LIMIT {int(n)} }}"
            for p, n in sorted(sample.items())) or "FILTER(false)"
    return PROLOGUE + f"""CONSTRUCT {{
  ?s ?p ?o . ?o ?lp ?ol . ?o a ?ot .
  ?in ?ip {r} . ?in ?lp ?inl . ?in a ?int .
  ?g org:hasMember ?m . ?m rdfs:label ?ml .
  ?project mpsc:grantee ?coop . ?project rdfs:label ?pl . ?project a ?pt .
  ?o ?dp ?dv .
}} WHERE {{
  {{ {r} ?p ?o BIND({r} AS ?s) }}
{own}  UNION {{ {r} ?p0 ?o . ?o a ?ot }}
  UNION {{ {r} ?p0 ?o . {label_triples("?o", "?ol", "?lp")} }}
  UNION {{ {{ {incoming} }} OPTIONAL {{ ?in a ?int }} OPTIONAL {{ {label_triples("?in", "?inl", "?lp")} }} }}
  UNION {{ {r} mpsc:grantee ?g . ?g org:hasMember ?m . OPTIONAL {{ ?m rdfs:label ?ml }} }}
  UNION {{ ?coop org:hasMember {r} . ?project mpsc:grantee ?coop ; rdfs:label ?pl ; a ?pt }}
  UNION {{ {r} dcat:distribution ?o .
          VALUES ?dp {{ dcat:downloadURL dcat:mediaType dcat:compressFormat dcterms:license dcat:byteSize }}
          ?o ?dp ?dv }}
}}"""


def incoming_counts(resource: str) -> str:
    """How many resources link to `resource`, per property."""
    return f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p {iri(resource)} }} GROUP BY ?p"


def incoming(resource: str, prop: str, lang: str) -> str:
    """Every resource linking to `resource` by `prop`, with its label: what a page's "and 2,413 more" links to. The
    label in the reader's language, else in German, as the page names them (`languages.preferred`): on an English
    page the query named none of the 2,463 municipalities of Bavaria (a third-language probe)."""
    if lang == DEFAULT:
        label = f'OPTIONAL {{ ?resource rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "{lang}")) }}'
    else:
        label = (f'OPTIONAL {{ ?resource rdfs:label ?own FILTER(LANGMATCHES(LANG(?own), "{lang}")) }}\n'
                 f'  OPTIONAL {{ ?resource rdfs:label ?{DEFAULT} FILTER(LANGMATCHES(LANG(?{DEFAULT}), "{DEFAULT}")) }}\n'
                 f"  BIND(COALESCE(?own, ?{DEFAULT}) AS ?label)")
    return f"""PREFIX rdfs: <{PREFIXES["rdfs"]}>
SELECT ?resource ?label WHERE {{
  ?resource {iri(prop)} {iri(resource)}
  {label}
}} ORDER BY ?label ?resource
"""


def fragment_resources() -> str:
    """Every hash IRI under /id/ (…#geometry, …#period, …#contact): they live in their base's document."""
    return f"""SELECT DISTINCT ?s WHERE {{
  ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}") && CONTAINS(STR(?s), "#"))
}}"""


def fragments_by_base(rows: list[dict]) -> dict[str, list[str]]:
    """Group hash IRIs by the IRI of the document they belong to."""
    index: dict[str, list[str]] = {}
    for row in rows:
        base = str(row["s"]).partition("#")[0]
        index.setdefault(base, []).append(str(row["s"]))
    return {base: sorted(found) for base, found in index.items()}


def exists(resource: str) -> str:
    """Whether the graph says anything about a resource (it is then served, else 404)."""
    return f"ASK {{ {iri(resource)} ?p ?o }}"


def document_licences(resource: str) -> str:
    """The licences of the named graphs that hold statements about a resource, what its document is under, with
    the attribution a licence asks for (dl-de/by: with every copy)."""
    return PROLOGUE + f"""SELECT DISTINCT ?licence ?attribution WHERE {{ GRAPH ?g {{ {iri(resource)} ?p ?o }}
  ?g dcterms:license ?licence OPTIONAL {{ ?g dcatde:licenseAttributionByText ?attribution }} }}"""


def dataset_licences() -> str:
    """The licences of the dataset's files, with their attributions: the dataset's own, as no single one covers
    the register's facts and the programme's (`document_licences` gives the metadata graph's, that describes it)."""
    return PROLOGUE + f"""SELECT DISTINCT ?licence ?attribution WHERE {{ GRAPH {iri(METADATA_GRAPH)} {{
  {iri(str(iris.dataset()))} dcat:distribution ?file . ?file dcterms:license ?licence
  OPTIONAL {{ ?file dcatde:licenseAttributionByText ?attribution }} }} }}"""


def named_graph(name: str) -> str:
    """One named graph as it is, e.g. the ontology or the VoID/DCAT metadata."""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(name)} {{ ?s ?p ?o }} }}"


def ontology_versions() -> str:
    """The ontology's version IRIs (owl:versionIRI), which are dereferenced like the ontology itself."""
    return PROLOGUE + f"""SELECT ?version WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY_IRI}> owl:versionIRI ?version }}
}}"""


def dataset_titles_and_day() -> str:
    """The dataset's titles and the day its release was written (`dcterms:modified`), from the metadata graph of the
    release the store serves: what a page's suggested citation names."""
    return PROLOGUE + f"""SELECT ?p ?value WHERE {{ GRAPH {iri(METADATA_GRAPH)} {{
  {iri(str(iris.dataset()))} ?p ?value VALUES ?p {{ dcterms:title dcterms:modified }} }} }}"""


def catalog() -> str:
    """The DCAT catalogue: the metadata graph without VoID's statistics (class and property partitions, linksets)."""
    return PROLOGUE + f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  GRAPH {iri(METADATA_GRAPH)} {{
    ?s ?p ?o
    FILTER(?p NOT IN (void:classPartition, void:propertyPartition))
    FILTER NOT EXISTS {{ ?any void:classPartition|void:propertyPartition ?s }}
    FILTER NOT EXISTS {{ ?s a void:Linkset }} FILTER NOT EXISTS {{ ?o a void:Linkset }}
  }}
}}"""


def retired() -> str:
    """Every identifier under /id/ the graph no longer uses (data/programme/retired.ttl): what replaced it, if
    anything, since when and why."""
    return PROLOGUE + f"""SELECT ?old ?new ?day ?reason WHERE {{
  ?old owl:deprecated true ; dcterms:modified ?day ; skos:changeNote ?reason FILTER(STRSTARTS(STR(?old), "{ID}"))
  OPTIONAL {{ ?old dcterms:isReplacedBy ?new }}
}}"""


def statements_of(resource: str) -> str:
    """A resource's own statements: of a withdrawn identifier, that it is deprecated, since when and why."""
    return f"CONSTRUCT {{ {iri(resource)} ?p ?o }} WHERE {{ {iri(resource)} ?p ?o }}"


def documents() -> str:
    """Every resource with a document of its own, for the sitemap; in no order (`harvest.document_iris` sorts)."""
    return f"""SELECT DISTINCT ?s WHERE {{
  ?s a ?type FILTER(STRSTARTS(STR(?s), "{ID}") && !CONTAINS(STR(?s), "#"))
}}"""


# --- landing and list pages ---------------------------------------------------------------------
# Lists are about the programme, so they read the programme graph only (it carries the register facts
# of every participating body). That is also what keeps them fast: Oxigraph joins across the union
# default graph far more slowly than inside one named graph.
FACETS = ("round", "category", "state")  # what the project list filters by: ?round=2020&category=…&state=09

# The states a project is located in: its grantee's, or its cooperation members'.
_PROJECT_STATE = """{ ?grantee schema:containedInPlace ?state } UNION { ?grantee org:hasMember/schema:containedInPlace ?state }
    ?state a mpsc:State ."""


def _programme(select: str, where: str, tail: str = "") -> str:
    return PROLOGUE + f"{select} WHERE {{ GRAPH <{PROGRAMME_GRAPH}> {{\n  {where}\n}} }} {tail}"


def facet_key(iri) -> str:
    """The filter value of a round, category or state IRI (its last path segment); `projects` turns it back."""
    return str(iri).rsplit("/", 1)[-1]


def counts_by(facet: str) -> str:
    """Projects per round, category or state (`facet`)."""
    patterns = {
        "round": "?project mpsc:fundingRound ?value .",
        "category": "?project mpsc:category ?value .",
        "state": "?project mpsc:grantee ?grantee . " + _PROJECT_STATE.replace("?state", "?value"),
    }
    return _programme("SELECT ?value (COUNT(DISTINCT ?project) AS ?count)",
                      f"?project a mpsc:ModelProject . {patterns[facet]}", "GROUP BY ?value ORDER BY ?value")


def totals() -> str:
    """Headline numbers for the landing page."""
    return _programme(
        "SELECT (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?coop) AS ?cooperations) "
        "(COUNT(DISTINCT ?principle) AS ?principles)",
        "{ ?project a mpsc:ModelProject } UNION { ?coop a mpsc:Cooperation } UNION { ?principle a mpsc:CharterPrinciple }")


def projects_in(place: str) -> str:
    """The model projects that lie in a place of the register or cover it: whose grantee (or a member of it) lies in
    `place` (a state's, a district's projects), or that cover a district `place` lies in (a citizen's review: the
    page of a town in Kreis Höxter did not name the district's project, nor Bayern's page its eleven). It starts
    from the 73 projects and their grantees: started from the place, a state's thousands of places were slow."""
    place = iri(place)
    return PROLOGUE + f"""SELECT DISTINCT ?project WHERE {{ ?project a mpsc:ModelProject ; mpsc:grantee ?grantee .
  {{ ?grantee schema:containedInPlace {place} }} UNION {{ ?grantee org:hasMember ?member .
    ?member schema:containedInPlace {place} }} UNION {{ ?project dcterms:spatial ?district .
    {place} schema:containedInPlace ?district }} }}"""


def projects_of_wholes(place: str, kinds) -> str:
    """The model projects a unit of `kinds` (districts, municipal associations) that `place` lies in carries or
    takes part in (as grantee or member), which `projects_in` names only where a source says the district applied
    for all its municipalities (a municipal officer's review: Marktredwitz's page named nothing of the Landkreis
    Wunsiedel's)."""
    place, kinds = iri(place), " ".join(iri(str(kind)) for kind in kinds)
    return PROLOGUE + f"""SELECT DISTINCT ?project WHERE {{ {place} schema:containedInPlace ?whole .
  VALUES ?kind {{ {kinds} }} ?whole a ?kind .
  ?project a mpsc:ModelProject ; mpsc:grantee ?grantee . {{ ?project mpsc:grantee ?whole }} UNION
  {{ ?grantee org:hasMember ?whole }} }}"""


# The property that holds a funding figure's amount, by how the sources bound it (namespaces.AMOUNT_BY_BOUND; their
# words: numbers.BOUND_WORDS).
_BOUNDS = ("VALUES (?boundBy ?bound) { " + " ".join(f'(<{prop}> "{bound}")' for bound, prop in AMOUNT_BY_BOUND.items())
           + " }")


def projects(round_: str | None = None, category: str | None = None, state: str | None = None) -> str:
    """Model projects with title, round, category, grantee, one row per state they lie in, the amount of the
    leading federal grant and how it is bound, start, end and a decided extension's end, each with its confidence
    (`…Confidence`: the figure's, the date's statement's); optionally only those of one round, category or state."""
    filters = [f"FILTER(?{var} = <{FACET_IRIS[var](key(value))}>)"
               for var, value in (("round", round_), ("category", category), ("state", state)) if value]
    states = _PROJECT_STATE if state else f"OPTIONAL {{ {_PROJECT_STATE} }}"
    rated = "OPTIONAL {{ ?{0}Fact rdf:subject ?project ; rdf:predicate {1} ; mpsc:confidence ?{0}Confidence }}"
    return _programme(
        "SELECT DISTINCT ?project ?title ?round ?category ?grantee ?state ?grant ?bound ?grantConfidence ?start "
        "?startConfidence ?end ?endConfidence ?extended ?extendedConfidence",
        f"""?project a mpsc:ModelProject ; mpsc:fundingRound ?round ; mpsc:category ?category ; mpsc:grantee ?grantee .
  OPTIONAL {{ ?project mpsc:title ?title }}
  OPTIONAL {{ ?project mpsc:federalGrant ?figure . {_BOUNDS} ?figure ?boundBy ?grant
             OPTIONAL {{ ?figure mpsc:confidence ?grantConfidence }} }}
  OPTIONAL {{ ?project schema:startDate ?start {rated.format("start", "schema:startDate")} }}
  OPTIONAL {{ ?project schema:endDate ?end {rated.format("end", "schema:endDate")} }}
  OPTIONAL {{ ?project mpsc:extendedEndDate ?extended {rated.format("extended", "mpsc:extendedEndDate")} }}
  {states}
  {" ".join(filters)}""")


def participants(cls: str) -> str:
    """Bodies of one class (Municipality, District) taking part in a project, as grantee or member."""
    return _programme(
        "SELECT ?body ?state ?population (COUNT(DISTINCT ?project) AS ?count)",
        f"""?body a mpsc:{key(cls)} .
  {{ ?project mpsc:grantee ?body }} UNION {{ ?project mpsc:grantee/org:hasMember ?body }}
  OPTIONAL {{ ?body schema:containedInPlace ?state . ?state a mpsc:State }}
  OPTIONAL {{ ?body mpsc:population ?population }}""",
        "GROUP BY ?body ?state ?population")


def cooperations() -> str:
    """Each cooperation with its project and one row per member (lead member flagged)."""
    return _programme(
        "SELECT DISTINCT ?coop ?project ?member ?lead",
        """?coop a mpsc:Cooperation ; org:hasMember ?member .
  OPTIONAL { ?project mpsc:grantee ?coop }
  BIND(EXISTS { ?coop mpsc:leadMember ?member } AS ?lead)""")


def charter() -> str:
    """The Charta's principles with number, parent, and whether the entry is uncertain (numbered by inference)."""
    return _programme(
        "SELECT DISTINCT ?concept ?notation ?broader ?uncertain",
        f"""?concept skos:inScheme <{iris.scheme("charter")}> .
  OPTIONAL {{ ?concept skos:notation ?notation }}
  BIND(EXISTS {{ ?concept mpsc:confidence <{iris.confidence("uncertain")}> }} AS ?uncertain)
  OPTIONAL {{ ?broader skos:narrower ?concept }}""")


def term_labels() -> str:
    """Labels of the vocabulary's own terms (properties and classes), for naming rows on pages."""
    return PROLOGUE + f"""SELECT DISTINCT ?s ?label WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?s rdfs:label ?label FILTER(STRSTARTS(STR(?s), "{MPSC}")) }}
}}"""


def vocabulary_terms() -> str:
    """Every property and class the graph uses or the ontology defines, for the query editor's completion."""
    return PROLOGUE + f"""SELECT DISTINCT ?term ?kind WHERE {{
  {{ ?s ?term ?o BIND("property" AS ?kind) }} UNION {{ ?s a ?term BIND("class" AS ?kind) }}
  UNION {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?term a ?type VALUES (?type ?kind) {{
    (owl:Class "class") (owl:ObjectProperty "property") (owl:DatatypeProperty "property") }} }} }}
}}"""


def term_comments() -> str:
    """What the vocabulary's own terms mean, in every language, for the query editor's completion."""
    return PROLOGUE + f"""SELECT DISTINCT ?s ?label WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?s rdfs:comment ?label FILTER(STRSTARTS(STR(?s), "{MPSC}")) }}
}}"""


def municipality_points(place: str) -> str:
    """The municipalities in `place` (a district or municipal association) with their coordinates where the
    register gives them: the dots that show where it lies."""
    return PROLOGUE + f"""SELECT ?m ?wkt WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{
  ?m a mpsc:Municipality ; schema:containedInPlace <{place}> OPTIONAL {{ ?m geo:hasGeometry/geo:asWKT ?wkt }} }} }}"""


def group_projects(rows: list[dict]) -> list[dict]:
    """One entry per project (rows repeat a project once per state and title), its states in the order of
    their keys and its titles by language (the smallest text per language), whatever order the store sent
    the rows in; its leading grant as (amount, bound), its start and its end (a decided extension's, `extended`),
    and which of these three the sources make uncertain."""
    found: dict[str, dict] = {}
    for row in sorted(rows, key=lambda r: str(r.get("title", ""))):
        entry = found.setdefault(str(row["project"]), {
            "project": str(row["project"]), "titles": {}, "round": str(row["round"]),
            "category": str(row["category"]), "grantee": str(row["grantee"]), "states": [],
            "grant": (str(row["grant"]), str(row["bound"])) if "grant" in row else None,
            "start": str(row.get("start", "")), "end": str(row.get("extended", row.get("end", ""))),
            "extended": "extended" in row,
            # what the list marks "uncertain" (a cross-view review: it showed uncertain grants and dates as plain)
            "uncertain": {column for column, rated in (("grant", "grant"), ("start", "start"),
                                                        ("end", "extended" if "extended" in row else "end"))
                          if str(row.get(f"{rated}Confidence", "")) == str(iris.confidence("uncertain"))}})
        if "title" in row:
            entry["titles"].setdefault(row["title"].language or "", str(row["title"]))
        if "state" in row and str(row["state"]) not in entry["states"]:
            entry["states"].append(str(row["state"]))
    for entry in found.values():
        entry["states"].sort()
    return list(found.values())


def group_cooperations(rows: list[dict]) -> list[dict]:
    """One entry per cooperation with its project and members, the lead member first, then in the order of
    their keys whatever order the store sent the rows in. (`lead` is a boolean, or 1/0 from Virtuoso.)"""
    found: dict[str, dict] = {}
    for row in rows:
        entry = found.setdefault(str(row["coop"]), {"coop": str(row["coop"]), "project": str(row.get("project", "")),
                                                     "members": []})
        entry["members"].append((str(row["member"]), bool(row["lead"].toPython())))
    for entry in found.values():
        entry["members"].sort(key=lambda member: (not member[1], member[0]))
    return list(found.values())


def _natural(iri: str) -> tuple:
    """Sort key that puts recommendation-1.10 after recommendation-1.9."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", iri))


def charter_tree(rows: list[dict]) -> dict[str, list[dict]]:
    """The Charta's principles by kind (guideline, aim, vision…), each top principle with its children, among
    them the numbers missing between them (`gap`: "4.2" between 4.1 and 4.3, which no source names)."""
    children: dict[str, list[str]] = {}
    notation, uncertain = {}, set()
    for row in rows:
        concept = str(row["concept"])
        notation[concept] = str(row.get("notation", ""))
        if "uncertain" in row and bool(row["uncertain"].toPython()):
            uncertain.add(concept)
        if "broader" in row:
            children.setdefault(str(row["broader"]), []).append(concept)
    nested = {c for kids in children.values() for c in kids}
    tree: dict[str, list[dict]] = {}
    for concept in sorted(set(notation) - nested, key=_natural):
        kind = concept.rsplit("/", 1)[-1].split("-")[0]
        kids = [_principle(c, notation, uncertain) for c in sorted(set(children.get(concept, [])), key=_natural)]
        kids += [{"concept": "", "notation": gap, "gap": True} for gap in _gaps(kids)]
        kids.sort(key=lambda kid: _natural(kid["notation"]))
        tree.setdefault(kind, []).append({**_principle(concept, notation, uncertain), "children": kids})
    return tree


def _principle(concept: str, notation: dict[str, str], uncertain: set[str]) -> dict:
    return {"concept": concept, "notation": notation[concept], "uncertain": concept in uncertain}


def _gaps(items: list[dict]) -> list[str]:
    """Numbers missing in a run of sub-numbers ("4.1", "4.3" → ["4.2"])."""
    numbers = [n.rsplit(".", 1) for n in (i["notation"] for i in items) if re.fullmatch(r"\d+\.\d+", n)]
    present = {int(last) for _, last in numbers}
    return [f"{numbers[0][0]}.{n}" for n in range(1, max(present, default=0)) if n not in present]


# The classes the reconciliation service matches names against (web/reconcile.py), by their local names.
RECONCILED_CLASSES = ("Municipality", "District", "State", "MunicipalAssociation", "ModelProject", "Cooperation",
                      "CharterPrinciple", "FieldOfAction")
_RECONCILED = "VALUES ?class { " + " ".join(f"mpsc:{c}" for c in RECONCILED_CLASSES) + " } ?s a ?class ."


def reconcile_names() -> str:
    """Every name of every reconciled resource: labels in all languages, alternative names, register names,
    project titles."""
    return PROLOGUE + f"""SELECT DISTINCT ?s ?class ?p ?name WHERE {{ {_RECONCILED}
  VALUES ?p {{ rdfs:label skos:prefLabel skos:altLabel schema:alternateName mpsc:registerName mpsc:title }}
  ?s ?p ?name }}"""


def reconcile_facts() -> str:
    """What reconciliation matches and extends by, as (?s ?key ?o): keys, Wikidata item (of a district or state that
    is also a city: "wikidata-role", its schema:sameAs), population, the state
    and district a place lies in (a project's: its grantee's or its cooperation members'), a body's projects
    (as grantee or cooperation member), a project's round and category. Subjects are not restricted to the
    reconciled classes (the join made the query slow); the index keeps the facts of its resources."""
    return PROLOGUE + f"""SELECT DISTINCT ?s ?key ?o WHERE {{
  {{ VALUES (?key ?p) {{ ("ags" mpsc:ags) ("ars" mpsc:ars) ("wikidata" owl:sameAs) ("wikidata-role" schema:sameAs)
                       ("population" mpsc:population) ("round" mpsc:fundingRound) ("category" mpsc:category) }}
     ?s ?p ?o }}
  UNION {{ VALUES (?key ?level) {{ ("state" mpsc:State) ("district" mpsc:District) }}
          ?s schema:containedInPlace ?o . ?o a ?level }}
  UNION {{ ?s mpsc:grantee ?grantee . {_PROJECT_STATE} BIND(?state AS ?o) BIND("state" AS ?key) }}
  UNION {{ ?o mpsc:grantee ?s BIND("projects" AS ?key) }}
  UNION {{ ?o mpsc:grantee/org:hasMember ?s BIND("projects" AS ?key) }}
}}"""
