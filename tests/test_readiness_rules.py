"""The readiness rules, one row per rule and boundary, on hand-built cases (see docs/rules.md)."""

from __future__ import annotations

import datetime as dt

import pytest

D = dt.date(2025, 6, 1)  # the as-of date of every case unless it says otherwise
ALL_EVIDENCE = ("OFF.B.K1", "OFF.B.S1")


def evidenced(tiny, staff_id="S1", date="2025-01-10", criteria=ALL_EVIDENCE):
    for criterion_id in criteria:
        tiny.evidence(staff_id, criterion_id, date)
    return tiny


# Each case: id, setup(tiny), expected readiness fields, expected gaps {requirement_id: (reason, due_date)}.
CASES = [
    ("ready when every requirement is met",
     lambda t: evidenced(t.staff("S1", level_start_date="2024-01-01")),
     {"status": "ready", "requirements_total": 3, "requirements_met": 3, "ready_date": None}, {}),
    ("evidence exactly two years old no longer counts",
     lambda t: evidenced(t.staff("S1"), criteria=["OFF.B.S1"]).evidence("S1", "OFF.B.K1", "2023-06-01"),
     {"status": "not_ready", "requirements_met": 2},
     {"OFF.B.K1": ("expired", dt.date(2025, 6, 1))}),
    ("evidence one day younger than two years counts",
     lambda t: evidenced(t.staff("S1"), criteria=["OFF.B.S1"]).evidence("S1", "OFF.B.K1", "2023-06-02"),
     {"status": "ready"}, {}),
    ("evidence dated after d is ignored",
     lambda t: evidenced(t.staff("S1"), criteria=["OFF.B.S1"]).evidence("S1", "OFF.B.K1", "2025-06-02"),
     {"status": "not_ready"}, {"OFF.B.K1": ("no_evidence", None)}),
    ("evidence dated on d counts",
     lambda t: evidenced(t.staff("S1"), criteria=["OFF.B.S1"]).evidence("S1", "OFF.B.K1", "2025-06-01"),
     {"status": "ready"}, {}),
    ("tenure reached exactly on d",
     lambda t: evidenced(t.staff("S1", level_start_date="2024-06-01")),
     {"status": "ready", "tenure_months": 12}, {}),
    ("tenure one day short: ready_on its date",
     lambda t: evidenced(t.staff("S1", level_start_date="2024-06-02")),
     {"status": "ready_on", "tenure_months": 11, "ready_date": dt.date(2025, 6, 2)},
     {"OFF.B.E1": ("tenure", dt.date(2025, 6, 2))}),
    ("tenure not reached and evidence missing: not ready",
     lambda t: t.staff("S1", level_start_date="2025-01-01"),
     {"status": "not_ready", "requirements_met": 0, "requirements_missing": 3},
     {"OFF.B.E1": ("tenure", dt.date(2026, 1, 1)), "OFF.B.K1": ("no_evidence", None),
      "OFF.B.S1": ("no_evidence", None)}),
    ("acting in the role before level_start_date counts towards tenure",
     lambda t: evidenced(t.staff("S1", level_start_date="2024-09-01")).acting("S1", "OFF", "2024-03-01", "2024-05-31"),
     {"status": "ready", "tenure_months": 12}, {}),
    ("an acting period across level_start_date counts only its days before it",
     lambda t: evidenced(t.staff("S1", level_start_date="2024-09-01")).acting("S1", "OFF", "2024-07-01", "2024-12-31"),
     {"status": "ready_on", "tenure_months": 11, "ready_date": dt.date(2025, 7, 1)},
     {"OFF.B.E1": ("tenure", dt.date(2025, 7, 1))}),
    ("acting after level_start_date does not count",
     lambda t: evidenced(t.staff("S1", level_start_date="2024-09-01")).acting("S1", "OFF", "2024-10-01", "2024-12-31"),
     {"status": "ready_on", "tenure_months": 9, "ready_date": dt.date(2025, 9, 1)}, {"OFF.B.E1": ("tenure", dt.date(2025, 9, 1))}),
    ("overlapping acting periods count their days once",
     lambda t: evidenced(t.staff("S1", level_start_date="2024-09-01"))
     .acting("S1", "OFF", "2024-06-01", "2024-07-31").acting("S1", "OFF", "2024-07-01", "2024-08-31", "secondment"),
     {"status": "ready", "tenure_months": 12, "effective_start_date": dt.date(2024, 6, 1)}, {}),
    ("acting in another role does not count",
     lambda t: evidenced(t.staff("S1", level_start_date="2024-09-01")).acting("S1", "MGR", "2024-03-01", "2024-08-31"),
     {"status": "ready_on", "tenure_months": 9}, {"OFF.B.E1": ("tenure", dt.date(2025, 9, 1))}),
    ("an open acting period before level_start_date runs until it",
     lambda t: evidenced(t.staff("S1", level_start_date="2024-09-01")).acting("S1", "OFF", "2024-08-01", None),
     {"status": "ready_on", "effective_start_date": dt.date(2024, 8, 1), "ready_date": dt.date(2025, 8, 1)},
     {"OFF.B.E1": ("tenure", dt.date(2025, 8, 1))}),
    ("training expiring on d is not up to date",
     lambda t: evidenced(t.staff("S1", trained=False)).training("S1", "GDPR", "2023-01-01")
     .training("S1", "Safeguarding", "2023-01-01", "2025-06-01"),
     {"status": "not_ready", "training_ok": False}, {"OFF.B.E1": ("training", None)}),
    ("training expiring the day after d is up to date",
     lambda t: evidenced(t.staff("S1", trained=False)).training("S1", "GDPR", "2023-01-01")
     .training("S1", "Safeguarding", "2023-01-01", "2025-06-02"),
     {"status": "ready", "training_ok": True}, {}),
    ("training completed after d does not count",
     lambda t: evidenced(t.staff("S1", trained=False)).training("S1", "GDPR", "2023-01-01")
     .training("S1", "Safeguarding", "2025-06-02"),
     {"status": "not_ready", "training_ok": False}, {"OFF.B.E1": ("training", None)}),
    ("tenure short and training out of date: not ready_on, reason tenure",
     lambda t: evidenced(t.staff("S1", level_start_date="2025-01-01", trained=False)).training("S1", "GDPR", "2023-01-01"),
     {"status": "not_ready", "ready_date": None}, {"OFF.B.E1": ("tenure", dt.date(2026, 1, 1))}),
    ("any one alternative of an any-of group meets it",
     lambda t: t.staff("S1").evidence("S1", "OFF.B.K1", "2025-01-10").evidence("S1", "OFF.B.S2", "2025-01-10"),
     {"status": "ready", "requirements_total": 3}, {}),
    ("an any-of group takes the first reason that applies to any member",
     lambda t: t.staff("S1").evidence("S1", "OFF.B.K1", "2025-01-10").evidence("S1", "OFF.B.S1", "2022-01-10")
     .evidence("S1", "OFF.B.S2", "2025-01-10", "submitted"),
     {"status": "not_ready", "awaiting_signoff": 1}, {"OFF.B.S1": ("awaiting_signoff", None)}),
    ("submitted plus old approved evidence is awaiting sign-off",
     lambda t: evidenced(t.staff("S1"), criteria=["OFF.B.S1"]).evidence("S1", "OFF.B.K1", "2022-01-10")
     .evidence("S1", "OFF.B.K1", "2025-03-01", "submitted"),
     {"status": "not_ready", "awaiting_signoff": 1}, {"OFF.B.K1": ("awaiting_signoff", None)}),
    ("only old approved evidence: expired, due two years after the latest",
     lambda t: evidenced(t.staff("S1"), criteria=["OFF.B.S1"]).evidence("S1", "OFF.B.K1", "2022-01-10")
     .evidence("S1", "OFF.B.K1", "2023-02-15"),
     {"status": "not_ready"}, {"OFF.B.K1": ("expired", dt.date(2025, 2, 15))}),
    ("only rejected evidence",
     lambda t: evidenced(t.staff("S1"), criteria=["OFF.B.S1"]).evidence("S1", "OFF.B.K1", "2025-01-10", "rejected"),
     {"status": "not_ready"}, {"OFF.B.K1": ("rejected", None)}),
    ("submitted evidence dated after d is ignored",
     lambda t: evidenced(t.staff("S1"), criteria=["OFF.B.S1"]).evidence("S1", "OFF.B.K1", "2025-06-02", "submitted"),
     {"status": "not_ready", "awaiting_signoff": 0}, {"OFF.B.K1": ("no_evidence", None)}),
    ("evidence for another role's criteria does not count",
     lambda t: evidenced(t.staff("S1"), criteria=["OFF.B.S1"]).evidence("S1", "OFF.C.K1", "2025-01-10"),
     {"status": "not_ready"}, {"OFF.B.K1": ("no_evidence", None)}),
    ("the top level of a role is top_of_role",
     lambda t: t.staff("S1", level="C"),
     {"status": "top_of_role", "target_level": None, "requirements_total": 0, "ready_date": None}, {}),
    ("targets the next level by the framework's order",
     lambda t: t.staff("S1", level="B", level_start_date="2023-01-01").evidence("S1", "OFF.C.K1", "2025-01-10"),
     {"status": "ready", "target_level": "C", "requirements_total": 2}, {}),
]


@pytest.mark.parametrize("case, setup, expected, expected_gaps", CASES, ids=[case[0] for case in CASES])
def test_rule(tiny, case, setup, expected, expected_gaps):
    setup(tiny)
    row = tiny.readiness("S1", D)
    assert row is not None
    for column, value in expected.items():
        assert row[column] == value, f"{column}: {row[column]!r} != {value!r}"
    gaps = tiny.gaps("S1", D)
    for requirement_id, (reason, due_date) in expected_gaps.items():
        assert gaps.get(requirement_id) == (reason, due_date), gaps
    if row["status"] in ("ready", "top_of_role"):
        assert gaps == {}
    assert row["requirements_met"] + row["requirements_missing"] == row["requirements_total"]


@pytest.mark.parametrize("left_on, level_start_date, in_post", [
    (None, "2024-01-01", True),
    ("2025-06-01", "2024-01-01", False),  # left on d: no longer in post
    ("2025-06-02", "2024-01-01", True),  # leaves the day after d: still in post
    (None, "2025-06-01", True),  # reached the level on d
    (None, "2025-06-02", False),  # reaches the level after d
])
def test_only_staff_in_post_count(tiny, left_on, level_start_date, in_post):
    tiny.staff("S1", left_on=left_on, level_start_date=level_start_date)
    assert (tiny.readiness("S1", D) is not None) == in_post
    counted = tiny.con.execute("select count(*) from gaps_on(?)", [D]).fetchone()[0]
    assert (counted > 0) == in_post


def test_tenure_months_counts_whole_calendar_months_with_month_end_clamping(tiny):
    tiny.staff("S1", level_start_date="2024-01-31")
    assert tiny.readiness("S1", dt.date(2024, 2, 29))["tenure_months"] == 1
    assert tiny.readiness("S1", dt.date(2024, 2, 28))["tenure_months"] == 0
    assert tiny.readiness("S1", dt.date(2025, 1, 30))["tenure_months"] == 11
    assert tiny.readiness("S1", dt.date(2025, 1, 31))["tenure_months"] == 12


def test_blockers_count_people_and_only_blockers(tiny):
    evidenced(tiny.staff("S1"), criteria=["OFF.B.S1"])  # blocked by K1 only
    tiny.staff("S2")  # blocked by K1 and S1
    rows = tiny.con.execute(
        "select requirement_id, people_blocked, only_blocker, reason_no_evidence from blockers_on(?) "
        "order by requirement_id", [D]).fetchall()
    assert rows == [("OFF.B.K1", 2, 1, 2), ("OFF.B.S1", 1, 0, 1)]


def test_succession_bench(tiny):
    tiny.staff("TOP", level="C").evidence("TOP", "MGR.A.K1", "2025-01-01").evidence("TOP", "MGR.A.Q1", "2025-01-01")
    tiny.staff("HALF", level="C").evidence("HALF", "MGR.A.K1", "2025-01-01")
    tiny.staff("NEW", level="A", level_start_date="2025-05-01")
    tiny.staff("HALFA", level="A", level_start_date="2025-05-01").evidence("HALFA", "MGR.A.K1", "2025-01-01")
    tiny.staff("BOSS", role_code="MGR", level="A")
    rows = dict(tiny.con.execute(
        "select staff_id, bench from succession_on(?) where role_code = 'MGR'", [D]).fetchall())
    assert rows == {"TOP": "ready_now", "HALF": "ready_1_2_years", "HALFA": "ready_1_2_years", "NEW": "longer_term"}
    summary = tiny.con.execute(
        "select role_code, incumbents, ready_now, ready_1_2_years, longer_term, is_at_risk "
        "from succession_summary_on(?) order by role_code", [D]).fetchall()
    assert summary == [("MGR", 1, 1, 2, 1, False), ("OFF", 4, 0, 0, 0, True)]


def test_readiness_trend_reconstructs_month_ends(tiny):
    evidenced(tiny.staff("S1", level_start_date="2024-09-01"), date="2025-01-10")
    rows = tiny.con.execute(
        "select month_end, ready, ready_on, not_ready, staff_in_post from readiness_trend(?, ?) order by month_end",
        [dt.date(2024, 7, 1), dt.date(2025, 1, 31)]).fetchall()
    assert [row[0] for row in rows] == [dt.date(2024, 9, 30), dt.date(2024, 10, 31), dt.date(2024, 11, 30),
                                        dt.date(2024, 12, 31), dt.date(2025, 1, 31)]
    assert rows[-1][1:] == (0, 1, 0, 1)  # evidence complete in January, tenure due in September 2025
    assert rows[0][1:] == (0, 0, 1, 1)


def test_evidence_counts_until_its_date_plus_the_window_in_calendar_months(tiny):
    # 29 February 2024 plus 24 months is 28 February 2026: the evidence stops counting that day.
    evidenced(tiny.staff("S1"), criteria=["OFF.B.S1"]).evidence("S1", "OFF.B.K1", "2024-02-29")
    assert tiny.readiness("S1", dt.date(2026, 2, 27))["status"] == "ready"
    assert tiny.readiness("S1", dt.date(2026, 2, 28))["status"] == "not_ready"
    assert tiny.gaps("S1", dt.date(2026, 2, 28)) == {"OFF.B.K1": ("expired", dt.date(2026, 2, 28))}


def test_a_forecast_assumes_training_current_today_is_renewed(tiny):
    # For dates after today, a course current today stays current past its expiry; one lapsed today does not.
    today = dt.date.today()
    later = today + dt.timedelta(days=400)
    tiny.staff("S1", level_start_date="2024-01-01", trained=False)
    tiny.training("S1", "GDPR", today - dt.timedelta(days=30), today + dt.timedelta(days=10))
    tiny.training("S1", "Safeguarding", today - dt.timedelta(days=30))
    evidenced(tiny, date=today - dt.timedelta(days=5))
    assert tiny.readiness("S1", today)["training_ok"] is True
    assert tiny.readiness("S1", later)["training_ok"] is True  # GDPR assumed renewed
    assert tiny.readiness("S1", later)["status"] == "ready"
    tiny.con.execute("update training set expires_on = ? where course = 'GDPR'", [today])  # lapsed today
    assert tiny.readiness("S1", today)["training_ok"] is False
    assert tiny.readiness("S1", later)["training_ok"] is False
    assert tiny.gaps("S1", later) == {"OFF.B.E1": ("training", None)}
