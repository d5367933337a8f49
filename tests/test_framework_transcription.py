"""The transcription against the documents: criteria per role, level and category.

The table below was tallied by reading the two source documents in ../shared/seeds/ (000_... CABS,
001_... Customer Relations), not by reading the CSVs back. `criteria` counts rows; `requirements`
counts an any-of group of alternatives once.
"""

from __future__ import annotations

import pytest

# role_code, level, category, criteria, requirements
DOCUMENT_COUNTS = [
    ("CBSO", "A", "Qualifications", 1, 1),
    ("CBSO", "A", "Knowledge", 2, 2),
    ("CBSO", "A", "Experience", 1, 1),
    ("CBSO", "A", "Skills", 9, 9),
    ("CBSO", "B", "Qualifications", 0, 0),
    ("CBSO", "B", "Knowledge", 3, 3),
    ("CBSO", "B", "Experience", 6, 6),
    ("CBSO", "B", "Skills", 9, 8),
    ("CBSO", "C", "Qualifications", 0, 0),
    ("CBSO", "C", "Knowledge", 1, 1),
    ("CBSO", "C", "Experience", 4, 3),
    ("CBSO", "C", "Skills", 3, 3),
    ("CBTM", "A", "Qualifications", 1, 1),
    ("CBTM", "A", "Knowledge", 7, 7),
    ("CBTM", "A", "Experience", 12, 12),
    ("CBTM", "A", "Skills", 12, 12),
    ("CBTM", "B", "Qualifications", 1, 1),
    ("CBTM", "B", "Knowledge", 2, 2),
    ("CBTM", "B", "Experience", 10, 10),
    ("CBTM", "B", "Skills", 8, 8),
    ("CBTM", "C", "Qualifications", 1, 1),
    ("CBTM", "C", "Knowledge", 2, 2),
    ("CBTM", "C", "Experience", 5, 5),
    ("CBTM", "C", "Skills", 5, 5),
    ("DQCO", "A", "Qualifications", 1, 1),
    ("DQCO", "A", "Knowledge", 6, 6),
    ("DQCO", "A", "Experience", 10, 10),
    ("DQCO", "A", "Skills", 10, 10),
    ("DQCO", "B", "Qualifications", 1, 1),
    ("DQCO", "B", "Knowledge", 6, 6),
    ("DQCO", "B", "Experience", 9, 9),
    ("DQCO", "B", "Skills", 6, 5),
    ("DQCO", "C", "Qualifications", 1, 1),
    ("DQCO", "C", "Knowledge", 3, 3),
    ("DQCO", "C", "Experience", 9, 9),
    ("DQCO", "C", "Skills", 6, 6),
    ("DQCS", "A", "Qualifications", 1, 1),
    ("DQCS", "A", "Knowledge", 1, 1),
    ("DQCS", "A", "Experience", 13, 13),
    ("DQCS", "A", "Skills", 9, 9),
    ("DQCS", "B", "Qualifications", 1, 1),
    ("DQCS", "B", "Knowledge", 7, 7),
    ("DQCS", "B", "Experience", 7, 7),
    ("DQCS", "B", "Skills", 3, 3),
    ("DQCS", "C", "Qualifications", 1, 1),
    ("DQCS", "C", "Knowledge", 2, 2),
    ("DQCS", "C", "Experience", 8, 7),
    ("DQCS", "C", "Skills", 3, 3),
    ("BBOT", "A", "Qualifications", 3, 3),
    ("BBOT", "A", "Knowledge", 1, 1),
    ("BBOT", "A", "Experience", 3, 3),
    ("BBOT", "A", "Skills", 12, 12),
    ("BBOT", "B", "Qualifications", 0, 0),
    ("BBOT", "B", "Knowledge", 1, 1),
    ("BBOT", "B", "Experience", 3, 3),
    ("BBOT", "B", "Skills", 5, 5),
    ("BBOT", "C", "Qualifications", 0, 0),
    ("BBOT", "C", "Knowledge", 1, 1),
    ("BBOT", "C", "Experience", 3, 3),
    ("BBOT", "C", "Skills", 2, 2),
    ("CBOM", "A", "Qualifications", 3, 2),
    ("CBOM", "A", "Knowledge", 6, 6),
    ("CBOM", "A", "Experience", 6, 6),
    ("CBOM", "A", "Skills", 8, 8),
    ("CBOM", "B", "Qualifications", 2, 1),
    ("CBOM", "B", "Knowledge", 7, 7),
    ("CBOM", "B", "Experience", 8, 8),
    ("CBOM", "B", "Skills", 10, 10),
    ("CBOM", "C", "Qualifications", 2, 1),
    ("CBOM", "C", "Knowledge", 2, 2),
    ("CBOM", "C", "Experience", 4, 4),
    ("CBOM", "C", "Skills", 3, 3),
    ("CRO", "A", "Qualifications", 1, 1),
    ("CRO", "A", "Knowledge", 3, 3),
    ("CRO", "A", "Experience", 4, 4),
    ("CRO", "A", "Skills", 10, 10),
    ("CRO", "B", "Qualifications", 0, 0),
    ("CRO", "B", "Knowledge", 9, 8),
    ("CRO", "B", "Experience", 8, 7),
    ("CRO", "B", "Skills", 10, 10),
    ("CRO", "C", "Qualifications", 1, 1),
    ("CRO", "C", "Knowledge", 6, 5),
    ("CRO", "C", "Experience", 8, 8),
    ("CRO", "C", "Skills", 3, 3),
    ("CRTL", "A", "Qualifications", 1, 1),
    ("CRTL", "A", "Knowledge", 8, 8),
    ("CRTL", "A", "Experience", 9, 9),
    ("CRTL", "A", "Skills", 10, 10),
    ("CRTL", "B", "Qualifications", 1, 1),
    ("CRTL", "B", "Knowledge", 8, 8),
    ("CRTL", "B", "Experience", 10, 10),
    ("CRTL", "B", "Skills", 9, 8),
    ("CRTL", "C", "Qualifications", 1, 1),
    ("CRTL", "C", "Knowledge", 4, 4),
    ("CRTL", "C", "Experience", 6, 6),
    ("CRTL", "C", "Skills", 2, 2),
    ("CMSC", "A", "Qualifications", 1, 1),
    ("CMSC", "A", "Knowledge", 2, 2),
    ("CMSC", "A", "Experience", 6, 6),
    ("CMSC", "A", "Skills", 15, 15),
    ("CMSC", "B", "Qualifications", 1, 1),
    ("CMSC", "B", "Knowledge", 10, 10),
    ("CMSC", "B", "Experience", 6, 6),
    ("CMSC", "B", "Skills", 7, 6),
    ("CMSC", "C", "Qualifications", 1, 1),
    ("CMSC", "C", "Knowledge", 2, 1),
    ("CMSC", "C", "Experience", 3, 3),
    ("CMSC", "C", "Skills", 3, 3),
    ("CRM", "A", "Qualifications", 2, 2),
    ("CRM", "A", "Knowledge", 4, 3),
    ("CRM", "A", "Experience", 6, 6),
    ("CRM", "A", "Skills", 12, 12),
    ("CRM", "B", "Qualifications", 2, 2),
    ("CRM", "B", "Knowledge", 6, 6),
    ("CRM", "B", "Experience", 6, 6),
    ("CRM", "B", "Skills", 9, 9),
    ("CRM", "C", "Qualifications", 1, 1),
    ("CRM", "C", "Knowledge", 4, 4),
    ("CRM", "C", "Experience", 5, 5),
    ("CRM", "C", "Skills", 3, 3),
]

ROLES = {
    "CBSO": ("cabs", 3), "CBTM": ("cabs", 5), "DQCO": ("cabs", 4), "DQCS": ("cabs", 5), "BBOT": ("cabs", 5),
    "CBOM": ("cabs", 6), "CRO": ("customer_relations", 3), "CRTL": ("customer_relations", 4),
    "CMSC": ("customer_relations", 5), "CRM": ("customer_relations", 6),
}


@pytest.mark.parametrize("role_code, level, category, criteria, requirements", DOCUMENT_COUNTS,
                         ids=[f"{row[0]}.{row[1]}.{row[2]}" for row in DOCUMENT_COUNTS])
def test_counts_match_the_documents(framework_con, role_code, level, category, criteria, requirements):
    found = framework_con.execute(
        "select count(*), count(distinct coalesce(any_of, criterion_id)) from criteria "
        "where role_code = ? and level = ? and category = ?", [role_code, level, category]).fetchone()
    assert found == (criteria, requirements)


def test_nothing_loaded_beyond_the_table(framework_con):
    expected = {(role, level, category) for role, level, category, count, _ in DOCUMENT_COUNTS if count}
    loaded = set(framework_con.execute("select distinct role_code, level, category from criteria").fetchall())
    assert loaded == expected


def test_roles_ranges_and_frameworks(framework_con):
    loaded = {code: (framework, rng) for code, framework, rng in
              framework_con.execute("select role_code, framework, range from roles").fetchall()}
    assert loaded == ROLES


def test_levels_are_a_b_c_in_order(framework_con):
    rows = framework_con.execute(
        "select role_code, list(level order by level_order), list(level_name order by level_order) "
        "from levels group by role_code").fetchall()
    assert len(rows) == len(ROLES)
    for _role, levels, names in rows:
        assert levels == ["A", "B", "C"]
        assert names == ["Developing", "Practising", "Accomplished"]


def test_time_based_criteria_are_minimum_months_at_level(framework_con):
    rows = framework_con.execute(
        "select criterion_id, min_months, criterion from criteria where min_months is not null").fetchall()
    assert rows, "the frameworks set minimum times at level"
    for criterion_id, months, text in rows:
        assert months in (12, 18, 24), criterion_id
        assert "minimum" in text.lower() or "month" in text.lower(), criterion_id


def test_criterion_ids_follow_the_pattern(framework_con):
    bad = framework_con.execute(
        "select criterion_id from criteria where criterion_id <> role_code || '.' || level || '.' "
        "|| left(category, 1) || number").fetchall()
    assert bad == []
