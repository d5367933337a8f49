"""The transcription against the documents: criteria per role, level and category.

The tables below were tallied by reading the source documents in ../shared/seeds/ (000_... CABS,
001_... Customer Relations, 002_... Aylesbury Vale, 003_... Derbyshire, 004_... Maldon), not by reading the
CSVs back. `criteria` counts rows; `requirements` counts an any-of group of alternatives once. The Medway
tables are checked against the loaded database; the other councils' tables against both the CSV files
(parsed here, independently of the loader) and the loaded database.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

FRAMEWORKS = Path(__file__).resolve().parent.parent / "data" / "frameworks"
MEDWAY = ("cabs", "customer_relations")

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


# Maldon District Council, Customer Solutions (004_...): one job description, four cumulative levels; each
# level holds what it adds "in addition to the above" (the qualification line is restated at each level).
MALDON = "maldon_customer_solutions"
KA, Q, KSE = "Key accountabilities", "Qualifications", "Knowledge, skills and experience"
MALDON_COUNTS = [
    ("CSOL", "1", KA, 12, 12), ("CSOL", "1", Q, 1, 1), ("CSOL", "1", KSE, 4, 4),
    ("CSOL", "2", KA, 1, 1), ("CSOL", "2", Q, 1, 1), ("CSOL", "2", KSE, 2, 2),
    ("CSOL", "3", KA, 5, 5), ("CSOL", "3", Q, 1, 1), ("CSOL", "3", KSE, 2, 2),
    ("CSOL", "4", KA, 1, 1), ("CSOL", "4", Q, 1, 1), ("CSOL", "4", KSE, 2, 2),
]

# Derbyshire County Council, Business and Public Services job family (003_...): per level, the level purpose,
# the "Overall" paragraphs, the standard statements (people management, equality and diversity, health and
# safety, risk management: BPS02 and BPS03 have no people management), the representative accountabilities
# and the typical knowledge, skills and experience (criteria, requirements: "OR" makes two bullets one).
DERBYSHIRE = "derbyshire_business_public_services"
PURPOSE, OVERALL, STANDARDS, ACCOUNTABILITIES, TYPICAL = (
    "Level purpose", "Overall", "Standard statements", "Representative accountabilities and responsibilities",
    "Typical knowledge, skills and experience")
# level: grade, purpose, overall paragraphs, standard statements, accountabilities, (typical, its requirements)
DERBYSHIRE_LEVELS = {
    "BPS02": ("1/2", 1, 2, 3, 7, (7, 7)),
    "BPS03": ("3", 1, 3, 3, 8, (8, 8)),
    "BPS04": ("4", 1, 2, 4, 8, (6, 6)),
    "BPS05": ("5", 1, 2, 4, 9, (8, 8)),
    "BPS06": ("6", 1, 2, 4, 9, (8, 8)),
    "BPS07": ("7", 1, 2, 4, 8, (10, 10)),
    "BPS08": ("8", 1, 2, 4, 10, (12, 11)),
    "BPS09": ("9", 1, 2, 4, 10, (12, 11)),
    "BPS10": ("10", 1, 2, 4, 11, (10, 9)),
    "BPS11": ("11", 1, 2, 4, 10, (12, 11)),
    "BPS12": ("12", 1, 1, 4, 9, (11, 10)),
    "BPS13": ("13", 1, 2, 4, 10, (11, 11)),
    "BPS14": ("14", 1, 2, 4, 11, (11, 11)),
}
DERBYSHIRE_COUNTS = [
    row for level, (_grade, purpose, overall, standards, accountabilities, (typical, typical_requirements))
    in DERBYSHIRE_LEVELS.items()
    for row in (("BPS", level, PURPOSE, purpose, purpose), ("BPS", level, OVERALL, overall, overall),
                ("BPS", level, STANDARDS, standards, standards),
                ("BPS", level, ACCOUNTABILITIES, accountabilities, accountabilities),
                ("BPS", level, TYPICAL, typical, typical_requirements))
]

# Aylesbury Vale District Council, Customer Support Officer CS2 (002_...): one level, the level 2 model's
# headings and the role profile's Autonomy and Corporate Expectations ("Role Specific Skills/Knowledge" says
# None). Scope of role arrives as two lists, six bullets then four, with no heading between them.
AYLESBURY = "aylesbury_vale_customer_support"
AYLESBURY_COUNTS = [
    ("CSO", "CS2", "Knowledge, skills & experience", 4, 4),
    ("CSO", "CS2", "Organising and forward focus", 4, 4),
    ("CSO", "CS2", "Communicating & influencing", 6, 6),
    ("CSO", "CS2", "Scope of role", 10, 10),
    ("CSO", "CS2", "Autonomy", 3, 3),
    ("CSO", "CS2", "Corporate expectations", 4, 4),
]

OTHER_COUNCILS = {MALDON: MALDON_COUNTS, DERBYSHIRE: DERBYSHIRE_COUNTS, AYLESBURY: AYLESBURY_COUNTS}
ALL_COUNTS = DOCUMENT_COUNTS + MALDON_COUNTS + DERBYSHIRE_COUNTS + AYLESBURY_COUNTS

ROLES = {
    "CBSO": ("cabs", 3), "CBTM": ("cabs", 5), "DQCO": ("cabs", 4), "DQCS": ("cabs", 5), "BBOT": ("cabs", 5),
    "CBOM": ("cabs", 6), "CRO": ("customer_relations", 3), "CRTL": ("customer_relations", 4),
    "CMSC": ("customer_relations", 5), "CRM": ("customer_relations", 6),
    # One role per job family; range 1 where the grade changes with the level (it is in the level name).
    "CSOL": (MALDON, 1), "BPS": (DERBYSHIRE, 1), "CSO": (AYLESBURY, 2),
}
MEDWAY_ROLES = [code for code, (framework, _range) in ROLES.items() if framework in MEDWAY]


def read_criteria(framework: str) -> list[dict[str, str]]:
    with open(FRAMEWORKS / f"{framework}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_rules(framework: str) -> list[tuple[str, str]]:
    with open(FRAMEWORKS / f"{framework}_rules.csv", encoding="utf-8", newline="") as handle:
        return [(row["setting"], row["value"]) for row in csv.DictReader(handle)]


@pytest.mark.parametrize("role_code, level, category, criteria, requirements", ALL_COUNTS,
                         ids=[f"{row[0]}.{row[1]}.{row[2]}" for row in ALL_COUNTS])
def test_counts_match_the_documents(framework_con, role_code, level, category, criteria, requirements):
    found = framework_con.execute(
        "select count(*), count(distinct coalesce(any_of, criterion_id)) from criteria "
        "where role_code = ? and level = ? and category = ?", [role_code, level, category]).fetchone()
    assert found == (criteria, requirements)


def test_nothing_loaded_beyond_the_table(framework_con):
    expected = {(role, level, category) for role, level, category, count, _ in ALL_COUNTS if count}
    loaded = set(framework_con.execute("select distinct role_code, level, category from criteria").fetchall())
    assert loaded == expected


def test_roles_ranges_and_frameworks(framework_con):
    loaded = {code: (framework, rng) for code, framework, rng in
              framework_con.execute("select role_code, framework, range from roles").fetchall()}
    assert loaded == ROLES


def test_levels_are_a_b_c_in_order(framework_con):
    rows = framework_con.execute(
        "select role_code, list(level order by level_order), list(level_name order by level_order) "
        "from levels where role_code in (select unnest(?)) group by role_code", [MEDWAY_ROLES]).fetchall()
    assert len(rows) == len(MEDWAY_ROLES)
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


# A criterion id is role.level.<initials of the category's words, minor words left out><number>.
CATEGORY_CODES = {
    "Qualifications": "Q", "Knowledge": "K", "Experience": "E", "Skills": "S",
    KA: "KA", KSE: "KSE",
    PURPOSE: "LP", OVERALL: "O", STANDARDS: "SS", ACCOUNTABILITIES: "RAR", TYPICAL: "TKSE",
    "Knowledge, skills & experience": "KSE", "Organising and forward focus": "OFF",
    "Communicating & influencing": "CI", "Scope of role": "SR", "Autonomy": "A", "Corporate expectations": "CE",
}


def test_criterion_ids_follow_the_pattern(framework_con):
    rows = framework_con.execute("select criterion_id, role_code, level, category, number from criteria").fetchall()
    assert {category for _id, _role, _level, category, _number in rows} == set(CATEGORY_CODES)
    bad = [criterion_id for criterion_id, role, level, category, number in rows
           if criterion_id != f"{role}.{level}.{CATEGORY_CODES[category]}{number}"]
    assert bad == []


def test_spot_check_ids_of_the_other_councils(framework_con):
    wording = dict(framework_con.execute(
        "select criterion_id, criterion from criteria where criterion_id in "
        "('CSOL.2.KSE1', 'BPS.BPS12.TKSE2', 'BPS.BPS09.SS1', 'CSO.CS2.CE4', 'CSO.CS2.CI6')").fetchall())
    assert wording == {
        "CSOL.2.KSE1": "Minimum of 18 months experience in a similar role",
        "BPS.BPS12.TKSE2": "Extensive relevant experience and success in a similar work environment, backed by "
                           "evidence of appropriate specialist knowledge",
        "BPS.BPS09.SS1": "People Management: Allocate work and monitor the standard of team performance and ensure "
                         "resolution of any issues.",
        "CSO.CS2.CE4": "Seek to meet the individual needs of customers and other staff and not to treat anyone less "
                       "favourably on the grounds of race, age, disability, sex, gender reassignment, sexual "
                       "orientation, pregnancy/maternity, religion or belief marriage and civil partnership",
        "CSO.CS2.CI6": "Ability to challenge poor performance and behaviour",
    }


def test_other_councils_levels_load_in_the_documents_order(framework_con):
    rows = dict(framework_con.execute(
        "select role_code, list((level, level_name) order by level_order) from levels "
        "where role_code in ('CSOL', 'BPS', 'CSO') group by role_code").fetchall())
    assert rows["CSOL"] == list(MALDON_LEVELS.items())
    assert rows["BPS"] == [(level, f"Grade {grade}") for level, (grade, *_counts) in DERBYSHIRE_LEVELS.items()]
    assert rows["CSO"] == [("CS2", "Level 2 model, grade CS2")]


def test_loaded_categories_keep_the_rules_files_spelling(framework_con):
    for framework in OTHER_COUNCILS:
        listed = [value for setting, value in read_rules(framework) if setting == "category"]
        loaded = [row[0] for row in framework_con.execute(
            "select distinct category from criteria join roles using (role_code) where framework = ?",
            [framework]).fetchall()]
        assert sorted(loaded) == sorted(listed), framework


# ---------------------------------------------------------------- the other councils' files, read directly

MALDON_LEVELS = {
    "1": "Advisor Level 1, grade D (SCP13-16)",
    "2": "Advisor Level 2, grade E (SCP17-20)",
    "3": "Co-ordinator Level 3, grade F (SCP 21-24)",
    "4": "Senior Co-ordinator Level 4, grade G (SCP 25-28)",
}

FILE_COUNTS = [(framework, *row) for framework, table in OTHER_COUNCILS.items() for row in table]


def tally(rows: list[dict[str, str]]) -> dict[tuple[str, str, str], tuple[int, int]]:
    criteria: Counter = Counter()
    requirements: dict[tuple[str, str, str], set[str]] = {}
    for row in rows:
        key = (row["role_code"], row["level"], row["category"])
        criteria[key] += 1
        requirements.setdefault(key, set()).add(row["any_of"] or f"{row['number']}")
    return {key: (count, len(requirements[key])) for key, count in criteria.items()}


@pytest.mark.parametrize("framework, role_code, level, category, criteria, requirements", FILE_COUNTS,
                         ids=[f"{row[1]}.{row[2]}.{row[3]}" for row in FILE_COUNTS])
def test_files_match_the_documents(framework, role_code, level, category, criteria, requirements):
    assert tally(read_criteria(framework)).get((role_code, level, category), (0, 0)) == (criteria, requirements)


@pytest.mark.parametrize("framework", OTHER_COUNCILS)
def test_files_hold_nothing_beyond_the_table(framework):
    expected = {(role, level, category) for role, level, category, count, _ in OTHER_COUNCILS[framework] if count}
    assert set(tally(read_criteria(framework))) == expected


@pytest.mark.parametrize("framework", OTHER_COUNCILS)
def test_rules_files_list_the_documents_categories_in_order(framework):
    rules = read_rules(framework)
    listed = [value for setting, value in rules if setting == "category"]
    in_document_order = list(dict.fromkeys(category for _role, _level, category, _c, _r in OTHER_COUNCILS[framework]))
    assert listed == in_document_order
    # None of the three documents ties progression to mandatory training.
    assert ("mandatory_course", "none") in rules
    assert ("time_criteria_need_training", "no") in rules


@pytest.mark.parametrize("framework", OTHER_COUNCILS)
def test_numbers_run_in_document_order_and_levels_are_contiguous(framework):
    rows = read_criteria(framework)
    seen_levels: list[str] = []
    for row in rows:
        if not seen_levels or seen_levels[-1] != row["level"]:
            assert row["level"] not in seen_levels, f"level {row['level']} is split in {framework}.csv"
            seen_levels.append(row["level"])
    for (role, level, category), (count, _requirements) in tally(rows).items():
        numbers = [int(row["number"]) for row in rows
                   if (row["role_code"], row["level"], row["category"]) == (role, level, category)]
        assert numbers == list(range(1, count + 1)), (role, level, category)


# First and last criterion of each level, in the document's order, copied from the source documents.
FIRST_AND_LAST = {
    (MALDON, "1"): ("Process a wide range of customer queries and transactions, providing clear, accurate and timely "
                    "advice or guidance in accordance with policies and procedures",
                    "Proven ability to deliver accurate and high quality administration support"),
    (MALDON, "2"): ("Assist Co-ordinators in maintaining the reference material available to the Customer Solutions "
                    "team, meeting regularly with service area specialists to review and maintain accuracy whilst also "
                    "identifying upcoming activity which will impact upon customer demand",
                    "Proven understanding of statutory and regulatory requirements and ability to enforce these when "
                    "required"),
    (MALDON, "3"): ("To act as lead Customer Solutions Advisor in one or more areas of specialism, personally owning "
                    "the resolution of more complex cases",
                    "Experience in setting, maintaining and monitoring standards of accuracy, diligence and service "
                    "delivery"),
    (MALDON, "4"): ("To provide the point of escalation for service issues including more complex customer care "
                    "issues / enquiries",
                    "Proven ability to mediate in situations involving challenging customers and behaviours and act as "
                    "a role model to the Customer Solutions team"),
    (AYLESBURY, "CS2"): ("The jobholder will need a good understanding of complex techniques and procedures for "
                         "specialised systems, including the use of equipment and software.",
                         "Seek to meet the individual needs of customers and other staff and not to treat anyone less "
                         "favourably on the grounds of race, age, disability, sex, gender reassignment, sexual "
                         "orientation, pregnancy/maternity, religion or belief marriage and civil partnership"),
    (DERBYSHIRE, "BPS02"): ("To assist with the provision of an administrative or support service to colleagues or "
                            "the public, helping to ensure the delivery of Council Services.",
                            "Awareness of administrative or other processes"),
    (DERBYSHIRE, "BPS03"): ("To provide an administrative or public support service within clear routine working "
                            "practices, helping to ensure the delivery of Council Services.",
                            "Ability to show initiative"),
    (DERBYSHIRE, "BPS04"): ("To provide an administrative, public support or reception service helping to ensure the "
                            "delivery of Council services and presenting a positive image of the Council.",
                            "Appropriate knowledge and ability to use a range of office equipment"),
    (DERBYSHIRE, "BPS05"): ("To provide administrative support services helping to ensure the delivery of Council "
                            "services. Roles will either focus on planning, organising and co-ordination of multiple "
                            "activities or customer service, presenting a positive image of the Council.",
                            "Appreciation of the standards of conduct and output of the role and familiarity with work "
                            "priorities and those of colleagues"),
    (DERBYSHIRE, "BPS06"): ("To provide an administrative or secretarial service to directly support a functional "
                            "activity, where co-ordination and an awareness of related activities is important. Roles "
                            "will either focus on procedural understanding and forward planning or customer service.",
                            "Ability to supervise staff in routine work environments"),
    (DERBYSHIRE, "BPS07"): ("To provide an administrative service or direct support to the Council's internal or "
                            "public services. Procedural understanding, forward planning and co-ordination, an "
                            "awareness of related activities and a customer focus are important.",
                            "Knowledge of approaches that promote customer care"),
    (DERBYSHIRE, "BPS08"): ("Supervise the provision of operational services where systems and processes are "
                            "important. Jobs may be expert administrators, providing a flexible, efficient and "
                            "courteous support service to the public, colleagues, Councillors, MPs and other agencies.",
                            "Budget monitoring/management at an appropriate level for the role"),
    (DERBYSHIRE, "BPS09"): ("To supervise operational activity or provide specialist support services, requiring "
                            "authoritative knowledge of the relevant work area, a well-developed knowledge of the "
                            "department and awareness of related activities.",
                            "Ability to communicate at all levels confidently, sensitively and diplomatically"),
    (DERBYSHIRE, "BPS10"): ("To manage the delivery of an effective support service aligned to the Council's "
                            "strategic aims and objectives or to provide expertise and experience in a specialist work "
                            "area.",
                            "Experience of planning and progressing work activities within organisational and "
                            "departmental policy"),
    (DERBYSHIRE, "BPS11"): ("To manage a large team or service area, responsible for budget and resource management. "
                            "Jobs provide critical business services, aligned to the Councils strategic aims and "
                            "supporting the authority in meeting statutory obligations.",
                            "Experience of planning and progressing work activities and service developments within "
                            "organisational and departmental policy"),
    (DERBYSHIRE, "BPS12"): ("Jobs provide critical business services, managing the operations of a multi-functional "
                            "support service or specialised support service, aligned to the Councils strategic aims and "
                            "ensuring statutory obligations are met.",
                            "Experience of planning and progressing work activities within general professional "
                            "guidelines or organisational policy, using initiative and independent judgement in their "
                            "application"),
    (DERBYSHIRE, "BPS13"): ("To lead a substantial part of business or public services to an area or department; or "
                            "leading the delivery of a business or public service across the Council. Requires "
                            "professional knowledge of theoretical concepts and principles within the specialised "
                            "field.",
                            "Experience of managing or controlling budgets/resources"),
    (DERBYSHIRE, "BPS14"): ("To plan, organise and manage the delivery of business services to a Council department or "
                            "service area.",
                            "Ability to deal with confidential and sensitive issues"),
}


@pytest.mark.parametrize("framework, level", FIRST_AND_LAST, ids=[level for _framework, level in FIRST_AND_LAST])
def test_first_and_last_criterion_of_each_level(framework, level):
    wording = [row["criterion"] for row in read_criteria(framework) if row["level"] == level]
    assert (wording[0], wording[-1]) == FIRST_AND_LAST[framework, level]


def test_every_level_is_spot_checked():
    levels = {(framework, level) for framework, table in OTHER_COUNCILS.items() for _role, level, *_ in table}
    assert levels == set(FIRST_AND_LAST)


def test_maldon_levels_grades_and_minimum_time():
    rows = read_criteria(MALDON)
    assert {row["role_code"] for row in rows} == {"CSOL"}
    assert list(dict.fromkeys((row["level"], row["level_name"]) for row in rows)) == list(MALDON_LEVELS.items())
    timed = [(row["level"], row["category"], row["number"], row["min_months"], row["criterion"])
             for row in rows if row["min_months"]]
    assert timed == [("2", KSE, "1", "18", "Minimum of 18 months experience in a similar role")]
    assert not any(row["any_of"] for row in rows)


def test_derbyshire_levels_grades_and_or_alternatives():
    rows = read_criteria(DERBYSHIRE)
    assert list(dict.fromkeys((row["level"], row["level_name"]) for row in rows)) == [
        (level, f"Grade {grade}") for level, (grade, *_counts) in DERBYSHIRE_LEVELS.items()]
    assert not any(row["min_months"] for row in rows)
    alternatives = {(row["level"], row["category"], row["number"]): row for row in rows if row["any_of"]}
    assert set(alternatives) == {(level, TYPICAL, number) for level in ("BPS08", "BPS09", "BPS10", "BPS11", "BPS12")
                                 for number in ("1", "2")}
    # The "OR" joining the alternatives is the any_of group, not part of either wording.
    assert alternatives["BPS12", TYPICAL, "1"]["criterion"] == (
        "Relevant professional qualification plus significant experience, including successful outcomes, in a "
        "similar work environment")
    assert alternatives["BPS10", TYPICAL, "1"]["criterion"] == (
        "Qualified to level 4 or equivalent qualification and relevant experience")
    assert not [row for row in rows if row["criterion"].rstrip().endswith(("OR", " or", ";"))]


def test_derbyshire_standard_statements_keep_their_headings():
    rows = [row for row in read_criteria(DERBYSHIRE) if row["category"] == STANDARDS]
    headings = {level: [row["criterion"].split(":", 1)[0] for row in rows if row["level"] == level]
                for level in DERBYSHIRE_LEVELS}
    assert headings["BPS02"] == headings["BPS03"] == ["Equality and Diversity", "Health and Safety", "Risk Management"]
    assert headings["BPS14"] == ["People Management", "Equality & Diversity", "Health and Safety", "Risk Management"]
    assert headings["BPS13"] == ["People Management", "Equality and Diversity", "Health and Safety", "Risk Management"]
    bps09 = [row["criterion"] for row in rows if row["level"] == "BPS09"]
    assert bps09[0] == ("People Management: Allocate work and monitor the standard of team performance and ensure "
                        "resolution of any issues.")


def test_aylesbury_single_level_without_progression_rules():
    rows = read_criteria(AYLESBURY)
    assert {(row["role_code"], row["level"]) for row in rows} == {("CSO", "CS2")}
    assert not any(row["min_months"] or row["any_of"] for row in rows)


def test_medway_officer_level_c_skills_continue_after_the_lost_words():
    """000_...: items 2 and 3 follow '[…] information to a meeting / CABS audience.' in the officer's level C
    Skills; the Team Manager's level C Knowledge is items 1 and the unnumbered approval-process bullet."""
    rows = read_criteria("cabs")
    officer_skills = [row["criterion"] for row in rows if (row["role_code"], row["level"], row["category"])
                      == ("CBSO", "C", "Skills")]
    assert officer_skills == ["[…] information to a meeting / CABS audience.",
                              "Excellent communication skills in report writing, presentation and minute taking.",
                              "Subject and systems expert; seen as an advisor to colleagues."]
    manager_knowledge = [row["criterion"] for row in rows if (row["role_code"], row["level"], row["category"])
                         == ("CBTM", "C", "Knowledge")]
    assert manager_knowledge == [
        "Knowledge and understanding gained through continued professional development.",
        "Good understanding of the council's approval process when seeking to recruit and the reasons for that "
        "governance being in place."]
