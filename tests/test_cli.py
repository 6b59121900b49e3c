"""The `mpsc` commands as a contributor uses them: validate, stats, import."""
from __future__ import annotations

import json

from .conftest import mpsc

BAD_AGS = '<https://w3id.org/mpsc/id/municipality/09461000> <https://w3id.org/mpsc/ontology#ags> "0946100" .\n'


def test_validate_without_files_checks_the_data(small_root):
    result = mpsc("validate", env={"MPSC_ROOT": str(small_root)})
    assert result.returncode == 0, result.stdout
    assert "Conforms" in result.stdout


def test_validate_reports_a_contributed_file_in_words(small_root, tmp_path):
    contribution = tmp_path / "contribution.ttl"
    contribution.write_text(BAD_AGS)
    result = mpsc("validate", str(contribution), env={"MPSC_ROOT": str(small_root)})
    assert result.returncode == 1
    assert "https://w3id.org/mpsc/id/municipality/09461000" in result.stdout
    assert "mpsc:ags" in result.stdout and "0946100" in result.stdout


def test_validate_json_is_machine_readable(small_root, tmp_path):
    contribution = tmp_path / "contribution.ttl"
    contribution.write_text(BAD_AGS)
    result = mpsc("validate", "--format", "json", str(contribution), env={"MPSC_ROOT": str(small_root)})
    report = json.loads(result.stdout)
    assert report["conforms"] is False and report["violations"] >= 1
    assert any(f["focus"] == "https://w3id.org/mpsc/id/municipality/09461000" for f in report["findings"])


def test_validate_turtle_report_parses(small_root, tmp_path):
    from rdflib import Graph

    contribution = tmp_path / "contribution.ttl"
    contribution.write_text(BAD_AGS)
    result = mpsc("validate", "--format", "turtle", str(contribution), env={"MPSC_ROOT": str(small_root)})
    assert len(Graph().parse(data=result.stdout, format="turtle")) > 0


def test_validate_names_line_and_column_of_a_syntax_error(small_root, tmp_path):
    contribution = tmp_path / "broken.ttl"
    contribution.write_text("@prefix ex: <http://ex.org/> .\nex:a ex:b .\n")
    result = mpsc("validate", str(contribution), env={"MPSC_ROOT": str(small_root)}, cwd=tmp_path)
    assert result.returncode == 1
    assert "broken.ttl:2:" in result.stderr


def test_stats_prints_coverage_of_the_current_release(releases_dir):
    result = mpsc("stats", "--out", str(releases_dir))
    assert result.returncode == 0, result.stderr
    assert "Municipality" in result.stdout and "10,751" in result.stdout
    assert "ModelProject" in result.stdout


def test_stats_without_a_release_says_so(tmp_path):
    result = mpsc("stats", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "mpsc build" in result.stderr
