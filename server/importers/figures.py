"""Funding figures: one published number about money – an amount, a bound or a rate – with its kind,
labels and source. Projects, rounds and the programme all describe their money this way."""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .. import iris
from ..numbers import euro_amount
from ..namespaces import AMOUNT_BY_BOUND, MPSC, SCHEMA
from .provenance import cite

CURRENCY = "EUR"  # ISO 4217, as schema:currency asks: every amount the sources give is in euros
KIND_LABELS = {"federal-grant": ("Bundeszuwendung", "federal grant"), "total-volume": ("Gesamtvolumen", "total volume"),
               "unspecified": ("Förderbetrag, Zuwendung oder Volumen", "funding amount, grant or volume")}


def amount_labels(names: tuple[str, str], bound: str, amount: str) -> tuple[str, str]:
    """'Bundeszuwendung: mehr als 11.000.000 €' and 'federal grant: more than €11,000,000' for the German and
    English `names` of a figure: a label that says its amount, and whether that is a bound or approximate, as the
    figure's properties do (a researcher's review: a round's "funds after the increase" hid its "more than")."""
    return tuple(f"{names[i]}: {euro_amount(amount, bound, lang)}" for i, lang in enumerate(("de", "en")))


def add_figure(graph: Graph, owner: URIRef, iri: URIRef, kind: str, row: dict, labels: tuple[str, str], *,
               amount: str | None = None, bound: str = "", rate: str | None = None, note: str | None = None) -> URIRef:
    """Describe a figure of `owner` read from `row`; the row's note, unless given, says what the source says."""
    graph.add((owner, MPSC.funding, iri))
    graph.add((iri, RDF.type, MPSC.FundingFigure))
    graph.add((iri, MPSC.fundingKind, iris.funding_kind(kind)))
    if amount is not None:  # an amount of money (a figure with a rate alone is none: ontology 1.5.0)
        graph.add((iri, RDF.type, SCHEMA.MonetaryAmount))
        graph.add((iri, SCHEMA.currency, Literal(CURRENCY)))
        graph.add((iri, AMOUNT_BY_BOUND[bound], Literal(amount, datatype=XSD.decimal)))
    if rate:
        graph.add((iri, MPSC.fundingRate, Literal(rate, datatype=XSD.decimal)))
    for lang, text in zip(("de", "en"), labels):
        graph.add((iri, RDFS.label, Literal(text, lang=lang)))
    cite(graph, iri, [row], confidence=row["confidence"], note=note, note_property=MPSC.fundingNote)
    return iri
