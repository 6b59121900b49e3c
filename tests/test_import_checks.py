"""`mpsc import` with the mistakes a contributor makes in the source tables (a contributor's review): each is
refused with the file, line and what the column takes, nothing in data/ changes, and no traceback is shown.
Before, a start date written 01.11.2020 or a misspelt slug dropped a published fact with exit status 0, a
measure of the kind "Measure" became a partner organisation, and a BOM, a semicolon or "Confirmed" ended in a
traceback."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from server.importers import SourceError, programme_graphs, registered, write_programme

ROOT = Path(__file__).resolve().parent.parent
COURSE = "sources/mpsc/course.csv"
BAMBERG_START = "bamberg,start_date,"


@pytest.fixture
def root(tmp_path):
    """A copy of the sources, with data/programme to see that nothing is written."""
    shutil.copytree(ROOT / "sources", tmp_path / "sources", ignore=shutil.ignore_patterns("maps"))
    shutil.copytree(ROOT / "data" / "programme", tmp_path / "data" / "programme")
    return tmp_path


def edit(root: Path, name: str, old: str, new: str) -> int:
    """Replace the first line of `name` that starts with `old` by `new`; the line's number (from 1)."""
    path = root / name
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith(old))
    lines[number] = new(lines[number]) if callable(new) else new
    path.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


def refused(root: Path) -> str:
    with pytest.raises(SourceError) as error:
        programme_graphs(root)
    return str(error.value)


def test_a_date_in_another_form_is_refused_with_its_line(root):
    line = edit(root, COURSE, BAMBERG_START, lambda row: row.replace(",2020-11,", ",01.11.2020,", 1))
    assert refused(root) == (f"{COURSE}:{line}: value (start_date) is '01.11.2020'; it must be a year, year-month "
                             "or date, such as 2020, 2020-11 or 2020-11-01 (a remark in brackets may follow)")


@pytest.mark.parametrize("column, old, new, says", [
    ("slug", "bamberg,", "bambreg,", "slug is 'bambreg'; it must be the slug of a project of sources/mpsc/projects.csv"),
    ("field", "bamberg,start_date,", "bamberg,startdate,", "field is 'startdate'; it must be one of"),
    ("confidence", ",single-source,", ",Confirmed,", "confidence is 'Confirmed'; it must be one of confirmed, single-source, uncertain"),
    ("source_url", ",https://www.bambergguide.de/", ",www.bambergguide.de/",
     "source_url is 'www.bambergguide.de/?p=47995'; it must be one or more web addresses (https://…)"),
])
def test_a_misspelt_slug_field_confidence_or_address_is_refused(root, column, old, new, says):
    def misspelt(row):
        return row.replace(old, new, 1)
    line = edit(root, COURSE, BAMBERG_START, misspelt)
    assert refused(root).startswith(f"{COURSE}:{line}: {says}")


def test_an_amount_with_points_and_a_measure_of_an_unknown_kind_are_refused_together(root):
    amount = edit(root, COURSE, "bamberg,federal_grant_eur,", lambda row: row.replace(",15750000,", ',"15.750.000",'))
    kind = edit(root, "sources/mpsc/measures.csv", "bamberg,measure,", lambda row: row.replace(",measure,", ",Measure,", 1))
    assert refused(root).split("\n") == [
        f"{COURSE}:{amount}: value (federal_grant_eur) is '15.750.000'; it must be a whole number of euros in "
        "digits, without points or spaces: 15750000",
        f"sources/mpsc/measures.csv:{kind}: kind is 'Measure'; it must be one of focus, measure, partner, title_en"]


@pytest.mark.parametrize("damage, says", [
    (lambda text: text.replace("\n", ",extra\n", 2).replace(",extra\n", "\n", 1), ":2: 7 cells, but the header names 6"),
    (lambda text: text.replace(",", ";"), ":1: the columns are separated by ';'"),
    (lambda text: text + text.split("\n")[1] + "\n", ": repeats line 2"),
    (lambda text: text + 'x,start_date,"2020\n', ": unexpected end of data"),  # a quote left open
    (lambda text: text.replace(",confidence,", ",confidnce,", 1), "the table has no column 'confidence'"),
])
def test_a_table_a_spreadsheet_saved_otherwise_is_refused_in_one_line(root, damage, says):
    path = root / COURSE
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    message = refused(root)
    assert message.startswith(COURSE) and says in message and "\n" not in message


def test_a_damaged_register_is_refused_in_one_line_as_any_source_is(root):
    """The register had been read with a bare csv.DictReader: a row with a cell too many put its population in
    the wrong column silently, or ended the import in a traceback (a code review)."""
    path = root / "sources" / "reference" / "de_admin_units_merged.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[5] = lines[5].replace(",", ",,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    message = refused(root)
    assert message.startswith("sources/reference/de_admin_units_merged.csv:6: ") and "\n" not in message, message
    assert "cells, but the header names" in message


def test_a_byte_order_mark_is_read_past_and_another_encoding_refused(root):
    path = root / COURSE
    text = path.read_text(encoding="utf-8")
    path.write_text("\ufeff" + text, encoding="utf-8")
    assert programme_graphs(root)[1] == []
    path.write_bytes(text.encode("cp1252", errors="replace"))  # as Excel's plain "CSV" saves it
    assert refused(root).startswith(f"{COURSE}: not UTF-8 (byte ")


def test_a_wrong_key_in_the_curated_bodies_stops_the_import_and_changes_nothing(root):
    """bodies.csv with Bayreuth's AGS for Bamberg had been a warning: Bayreuth became Bamberg's grantee."""
    before = {p.name: p.read_bytes() for p in (root / "data" / "programme").iterdir()}
    line = edit(root, "sources/curation/bodies.csv", "Bamberg,", "Bamberg,municipality,09462000,Bamberg,Bayern")
    run = subprocess.run([sys.executable, "-m", "server.cli", "import", "--no-reference"], capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ, "MPSC_ROOT": str(root)}, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert (f"error: sources/curation/bodies.csv:{line}: Bamberg: the register names 09462000 'Bayreuth', this row "
            "'Bamberg'; is the key right?") in run.stderr.splitlines()
    assert run.stderr.splitlines()[-1].startswith("error: nothing written")
    assert {p.name: p.read_bytes() for p in (root / "data" / "programme").iterdir()} == before


def test_a_retired_identifier_must_be_unused_and_its_successor_described(root):
    """sources/curation/retired.csv: a retired identifier the data still describes, or one replaced by nothing the
    data describes, would answer 301 where a document stands, or lead nowhere."""
    with open(root / "sources/curation/retired.csv", "a", encoding="utf-8") as table:
        table.write('project/bamberg,,2026-12-06,"a test"\norganisation/x,organisation/nowhere,2026-12-06,"a test"\n')
    _, problems = programme_graphs(root)
    assert [p.partition(": ")[2] for p in problems] == [
        "project/bamberg is retired, but the data still describes it",
        "organisation/x is to be replaced by organisation/nowhere, which the data does not describe"]


def test_a_misspelt_field_in_a_curation_table_of_course_facts_is_refused(root):
    """A reviewer's finding: `start_dat` in stated-elsewhere.csv dropped Potsdam's start without a word."""
    line = edit(root, "sources/curation/stated-elsewhere.csv", "potsdam,start_date,",
                lambda row: row.replace(",start_date,", ",start_dat,", 1))
    assert refused(root).startswith(f"sources/curation/stated-elsewhere.csv:{line}: field is 'start_dat'; it must be one of")


@pytest.mark.parametrize("name, old, new, says", [
    ("sources/curation/funding.csv", "ulm,federal_grant_eur,", lambda row: row.replace(",8000000,,65,", ",8000000,upper,65,"),
     "bound is 'upper'; it must be empty or one of about, max, min"),
    ("sources/curation/partners.csv", "verband-region-rhein-neckar,Rhein-Neckar-Kreis,", lambda row: row.replace(",yes,", ",Yes,"),
     "member is 'Yes'; it must be empty or one of yes"),
    ("sources/curation/partners.csv", "iserlohn,", lambda row: row.replace(",Südwestfalen Agentur,,", ",Südwestfalen,,"),
     "body is 'Südwestfalen'; it must be empty or a name of sources/curation/bodies.csv"),
    ("sources/mpsc/projects.csv", "1,2019,", lambda row: row.replace("1,2019,", "1,2022,", 1),
     "year is '2022'; it must be one of 2019, 2020, 2021"),
    ("sources/curation/topics.csv", "", lambda row: row, None),
])
def test_a_curation_or_project_cell_no_rule_admits_is_refused(root, name, old, new, says):
    """A contributor's re-test: each of these had been a traceback, or silently ignored or published."""
    if says is None:  # a pattern that is no regular expression
        path = root / name
        lines = path.read_text(encoding="utf-8").split("\n")
        lines[1] = lines[1].rsplit(",", 1)[0] + ",(unclosed"
        path.write_text("\n".join(lines), encoding="utf-8")
        assert refused(root).startswith(f"{name}:2: pattern is '(unclosed'; it must be a regular expression")
        return
    line = edit(root, name, old, new)
    assert f"{name}:{line}: {says}" in refused(root).split("\n")


def test_a_stray_quote_is_named_at_the_line_its_row_begins(root):
    line = edit(root, COURSE, BAMBERG_START, lambda row: row.replace(",single-source,", ',"single-source,', 1))
    message = refused(root)  # the quote is closed by one rows later, and the csv module stops there
    assert message.startswith(f"{COURSE}:{line}: ") and "in the row beginning here" in message


def test_two_source_addresses_with_a_space_after_the_semicolon_are_read(root):
    edit(root, COURSE, BAMBERG_START, lambda row: row.replace("https://www.bambergguide.de/?p=47995",
                                                              "https://www.bambergguide.de/?p=47995; https://example.org/x"))
    graphs, problems = programme_graphs(root)
    assert problems == [] and "https://example.org/x" in graphs["course.ttl"].serialize(format="nt")


def test_an_identifier_of_the_data_is_not_lost_without_being_retired(root):
    """A contributor's re-test: renaming a partner dropped `organisation/stadtwerke-halle` without a word; retiring
    an identifier that was never published passed too."""
    edit(root, "sources/mpsc/measures.csv", "halle-saale,partner,Stadtwerke Halle,",
         lambda row: row.replace(",Stadtwerke Halle,", ",Stadtwerke Halle GmbH,", 1))
    with open(root / "sources/curation/retired.csv", "a", encoding="utf-8") as table:
        table.write('organisation/never-published,,2026-12-06,"a test"\n')
    with pytest.raises(SourceError) as error:
        write_programme(root, root / "data")
    assert str(error.value).split("\n") == [
        "organisation/stadtwerke-halle is in data/ but no longer in the sources: keep its name, give the name it has "
        "now as another name (sources/curation/organisations.csv for an organisation), or retire it with its "
        "successor (sources/curation/retired.csv)",
        "sources/curation/retired.csv retires organisation/never-published, which data/ never had"]


def test_a_register_place_that_no_longer_takes_part_is_kept_by_the_register(root):
    """A reverse fact audit moved the collector's "Süderbrarup" from the Gemeinde to the Amt that runs the project:
    the Gemeinde's IRI leaves the programme's data and stays in the register's, so nothing is lost and nothing need
    be retired. A place the register no longer has (a merger) is lost, and said so (a review: the check asked the
    old reference layer, which `mpsc import` writes after the programme)."""
    edit(root, "sources/curation/bodies.csv", "Aerzen,", 'Aerzen,municipality,03252008,"Salzhemmendorf, Flecken",'
                                                         "Niedersachsen")
    aerzen = "https://w3id.org/mpsc/id/municipality/03252001"
    assert f"<{aerzen}>" in (root / "data/programme/bodies.ttl").read_text(encoding="utf-8")
    merged = root / "sources/reference/de_admin_units_merged.csv"
    whole = merged.read_text(encoding="utf-8")
    merged.write_text("".join(line for line in whole.splitlines(keepends=True) if ",03252001," not in line),
                      encoding="utf-8")
    with pytest.raises(SourceError, match="municipality/03252001 is in data/ but no longer in the sources"):
        write_programme(root, root / "data")
    merged.write_text(whole, encoding="utf-8")
    write_programme(root, root / "data")
    assert f"<{aerzen}>" not in (root / "data/programme/bodies.ttl").read_text(encoding="utf-8")
    assert aerzen in registered(root)


def test_a_body_whose_state_is_not_the_registers_is_refused(root):
    line = edit(root, "sources/curation/bodies.csv", "Bamberg,", "Bamberg,municipality,09461000,Bamberg,Bavaria")
    assert f"sources/curation/bodies.csv:{line}: Bamberg: the register puts 09461000 in Bayern, this row in " \
           "'Bavaria'" in programme_graphs(root)[1]


PROGRAMME = "sources/mpsc/programme.csv"


@pytest.mark.parametrize("old, new, says", [
    ("round-2021,applications,", lambda row: row.replace(",94,", ",94 (BMI),", 1),
     "value (round-2021 applications) is '94 (BMI)'; it must be a whole number in digits"),
    ("round-2021,deadline,", lambda row: row.replace(",2021-03-14 24:00,", ",14.03.2021,", 1),
     "value (round-2021 deadline) is '14.03.2021'; it must be a date first, such as 2021-03-14"),
    ("round-2021,budget_eur,", lambda row: row.replace('"300 Mio EUR', '"300.000.000 EUR', 1),
     "value (round-2021 budget_eur) is '300.000.000 EUR"),
    ("programme,category_mittelstadt,", lambda row: row.replace("–", " to ", 1),
     "value (programme category_mittelstadt) is 'Mittlere Städte / Mittelstädte: 20,000 to 100,000"),
])
def test_a_programme_fact_the_import_reads_is_refused_unless_it_is_readable(root, old, new, says):
    """A contributor's finding: the first two were tracebacks, the third dropped the round's budget without a word
    (programme.csv's rows are facts of one subject each, whose values only the importer's reading tells apart)."""
    line = edit(root, PROGRAMME, old, new)
    assert any(error.startswith(f"{PROGRAMME}:{line}: {says}") for error in refused(root).split("\n"))


def test_a_programme_fact_the_import_reads_is_refused_when_missing_or_twice(root):
    edit(root, PROGRAMME, "round-2021,applications,", lambda row: row.replace(",applications,", ",aplications,"))
    twice = edit(root, PROGRAMME, "programme,start_year,", lambda row: row + "\n" + row.replace(",2019,", ",2020,", 1))
    assert refused(root).split("\n") == [
        f"{PROGRAMME}: no row of subject round-2021, field applications; the import needs one, whose value is a "
        "whole number in digits",
        f"{PROGRAMME}:{twice + 1}: subject programme, field start_year as on line {twice}; keep one of the two rows"]


def test_a_date_is_refined_only_by_as_sure_rows_that_agree():
    """Of rows dating one thing, the best supported wins; a row as sure that dates it more precisely within it
    refines it (Jena's planned end: 2027 and 2027-08), but not when the finer rows disagree (a review)."""
    from server.importers.course import best_date

    def row(value: str, confidence: str = "single-source") -> dict:
        return {"value": value, "confidence": confidence}
    assert best_date([row("2027"), row("2027-08")])["value"] == "2027-08"
    assert best_date([row("2027"), row("2027-08"), row("2027-08-31")])["value"] == "2027-08-31"
    assert best_date([row("2027"), row("2027-12"), row("2027-08")])["value"] == "2027"
    assert best_date([row("2027", "confirmed"), row("2027-08")])["value"] == "2027"
    assert best_date([]) is None


def test_a_rewording_of_a_phrase_the_graph_does_not_use_is_reported(root):
    """Our wording of the KTS's tasks (translations.csv, `programme.csv` by `subject/field`) stands in for the
    collector's phrase only where the graph uses that phrase: a rewording nothing uses would be lost unseen (a
    review), as a correction of no source row would."""
    with (root / "sources/curation/translations.csv").open("a", encoding="utf-8") as table:
        table.write('programme.csv,kts/planned_role,"our words","a phrase the graph does not use",\n')
    _, problems = programme_graphs(root)
    assert problems == ["translations.csv rewords no phrase the graph uses: ('programme.csv', 'kts/planned_role')"]
