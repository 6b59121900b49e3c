"""Every IRI pattern of docs/model.md, minted in one place.

Importers and the metadata writer call these functions instead of formatting IRIs themselves, so a
pattern changes in one line and `docs/model.md` can be checked against this module. Keys are passed
in already as the model defines them (slugs, AGS, years); nothing here looks anything up.
"""
from __future__ import annotations

from rdflib import URIRef

from .namespaces import BASE, ID

# The path segment of each register level (the importers' level names are the register's).
LEVEL_PATHS = {"state": "state", "district": "district", "association": "municipal-association",
               "municipality": "municipality"}


def _id(path: str) -> URIRef:
    return ID[path]


def identifier(path: str) -> URIRef:
    """The resource a path under …/id/ names, as curation files write it (`organisation/zebralog-gmbh`)."""
    return _id(path)


def path_of(iri: str) -> str | None:
    """The path under …/id/ of one of our IRIs (`municipality/09162000`), the inverse of `identifier`; None for an
    IRI elsewhere."""
    return iri[len(ID):] if iri.startswith(ID) else None


def fragment(iri: URIRef | str, name: str) -> URIRef:
    """`…#name`: a resource that lives in the document of `iri` (a point, a statement about it)."""
    return URIRef(f"{iri}#{name}")


# --- the programme ------------------------------------------------------------------------------

def programme() -> URIRef:
    """The funding programme Modellprojekte Smart Cities itself."""
    return _id("programme")


def round(year: int | str) -> URIRef:  # noqa: A001 - the model calls the pattern round/{year}
    """A funding round (Staffel) by its year."""
    return _id(f"round/{year}")


def call(year: int | str) -> URIRef:
    """The call for proposals (Förderaufruf) of the round of `year`."""
    return _id(f"call/{year}")


def project(slug: str) -> URIRef:
    return _id(f"project/{slug}")


def measure(project_slug: str, number: int) -> URIRef:
    """The `number`-th measure of a project, counted in the order of sources/mpsc/measures.csv."""
    return _id(f"measure/{project_slug}-{number}")


def strategy(project_slug: str) -> URIRef:
    """The Smart City (or digital) strategy document a project works to."""
    return _id(f"strategy/{project_slug}")


# --- bodies -------------------------------------------------------------------------------------

def unit(level: str, key: str) -> URIRef:
    """A register unit: `level` is state, district, association or municipality."""
    return _id(f"{LEVEL_PATHS[level]}/{key}")


def state(key: str) -> URIRef:
    return unit("state", key)


# The digits of each register level's key (AGS; a municipal association's 9-digit ARS).
KEY_DIGITS = {"state": 2, "district": 5, "municipal-association": 9, "municipality": 8}


def key_restored(path: str) -> str | None:
    """The path of a register unit whose key lost its leading zero (`municipality/9461000` for
    `municipality/09461000`: spreadsheets drop it), else None; whether the unit exists is for the caller."""
    level, _, key = path.partition("/")
    if key.isascii() and key.isdigit() and len(key) == KEY_DIGITS.get(level, 0) - 1:
        return f"{level}/0{key}"
    return None


# The code lists of DCAT-AP.de's political geocoding (dcatde:politicalGeocodingURI), one per key of the register;
# the patterns are those of GovData's own test cases and reference examples (tests/fixtures/dcat-ap-de/README.md).
POLITICAL_GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
GEOCODING_LISTS = {"state": "stateKey", "district": "districtKey", "association": "municipalAssociationKey",
                   "municipality": "municipalityKey", "regional": "regionalKey"}  # "regional": the 12-digit ARS


def political_geocoding(level: str, key: str) -> URIRef:
    """A register unit's entry in the DCAT-AP.de political geocoding list of its level, e.g.
    `…/politicalGeocoding/municipalityKey/09461000`; `level` "regional" names the 12-digit regional key (ARS)."""
    return URIRef(f"{POLITICAL_GEOCODING}{GEOCODING_LISTS[level]}/{key}")


def geometry(place: URIRef) -> URIRef:
    """The point of a register unit."""
    return fragment(place, "geometry")


def cooperation(slug: str) -> URIRef:
    """The cooperation carrying project `slug`."""
    return _id(f"cooperation/{slug}")


def association(slug: str) -> URIRef:
    """A body outside the register that takes part in a project (regional association, municipal company)."""
    return _id(f"association/{slug}")


def organisation(slug: str) -> URIRef:
    """Any other organisation: ministries, agencies, the programme's offices, named project partners."""
    return _id(f"organisation/{slug}")


# --- concept schemes and their concepts ---------------------------------------------------------

def scheme(slug: str) -> URIRef:
    """A concept scheme: `charter`, `criterion`, `topic`, `category`, a code list such as `phase`."""
    return _id(slug)


def concept(scheme_slug: str, slug: str) -> URIRef:
    """A concept of a scheme, e.g. `concept("phase", "strategy-first")`."""
    return _id(f"{scheme_slug}/{slug}")


def category(slug: str) -> URIRef:
    return concept("category", slug)


def topic(slug: str) -> URIRef:
    """A field of action."""
    return concept("topic", slug)


def phase(slug: str) -> URIRef:
    return concept("phase", slug)


def funding_kind(slug: str) -> URIRef:
    return concept("funding-kind", slug)


def confidence(slug: str) -> URIRef:
    return concept("confidence", slug)


def unit_type(slug: str) -> URIRef:
    return concept("unit-type", slug)


def criterion(key: str) -> URIRef:
    return concept("criterion", key)


def charter_principle(key: str) -> URIRef:
    """A Charta principle or one of its collections: `guideline-1`, `recommendation-1.1`, `aims`."""
    return concept("charter", key)


def document(slug: str) -> URIRef:
    """A publication of the programme that is not itself a concept scheme, e.g. the Charta's 2021 edition."""
    return _id(f"document/{slug}")


def data_guideline(number: int | str) -> URIRef:
    """A guideline of the 2021 data strategies (Datenstrategien für die gemeinwohlorientierte Stadtentwicklung)."""
    return concept("data-strategies", f"guideline-{number}")


def measure_status(slug: str) -> URIRef:
    return concept("measure-status", slug)


def role(slug: str) -> URIRef:
    """A role an organisation plays in the programme or a project (prov:Role)."""
    return concept("role", slug)


# --- the dataset and its description ------------------------------------------------------------

def dataset() -> URIRef:
    return _id("dataset")


def publisher() -> URIRef:
    return _id("publisher")


def catalog() -> URIRef:
    return _id("catalog")


def distribution(file_name: str) -> URIRef:
    """`mpsc.nt.gz` -> id:distribution/mpsc-nt-gz (dots would read as format suffixes in /doc/ URLs)."""
    return _id("distribution/" + file_name.replace(".", "-"))


def changelog(version: str) -> URIRef:
    """The changelog of a release (build/changes.py): a document of the site, /changes/{version}."""
    return URIRef(f"{BASE}changes/{version}")


def catalog_document() -> URIRef:
    """The document /catalog, about the dcat:Catalog id:catalog (it answers under its own IRI, as graphs do)."""
    return URIRef(f"{BASE}catalog")


def downloads() -> URIRef:
    """The page listing a release's files, every distribution's access URL."""
    return URIRef(f"{BASE}dumps/")


def download(version: str, file_name: str) -> URIRef:
    """A release file of one version, as the catalogue's download URL names it."""
    return URIRef(f"{BASE}dumps/{version}/{file_name}")


def class_partition(graph: URIRef | str, class_name: str) -> URIRef:
    """The VoID class partition of a named graph, e.g. …/graph/programme/class/mpsc-ModelProject."""
    return URIRef(f"{graph}/class/{class_name}")


def linkset(graph: URIRef | str, target_name: str, property_name: str) -> URIRef:
    """The VoID linkset of a named graph's links by one property into another dataset (`target_name`, its
    dcterms:identifier in data/metadata/), e.g. …/graph/reference/linkset/wikidata/owl-sameAs."""
    return URIRef(f"{graph}/linkset/{target_name}/{property_name}")


def property_partition(partition: URIRef, property_name: str) -> URIRef:
    """A VoID property partition within a class partition: …/class/mpsc-ModelProject/property/mpsc-phase."""
    return URIRef(f"{partition}/property/{property_name}")
