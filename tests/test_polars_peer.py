"""The Polars peer (bench/polars_peer.py) gives readiness_on exactly, and so does the pandas one, whatever the rules."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TinyWarehouse
from test_readiness_rules import CASES, D

from bench import peer, polars_peer

TODAY = dt.date.today()


@pytest.mark.parametrize("case, setup, expected, expected_gaps", CASES, ids=[case[0] for case in CASES])
def test_the_polars_peer_follows_every_rule_case(case, setup, expected, expected_gaps):
    warehouse = TinyWarehouse()
    try:
        setup(warehouse)
        answer = polars_peer.readiness(polars_peer.read_tables(warehouse.con), D).to_pandas()
        assert peer.compare(answer, peer.readiness_from_sql(warehouse.con, D)) == []
    finally:
        warehouse.con.close()


@pytest.mark.parametrize("window, need_training, courses", [(36, True, None), (12, False, None), (24, True, [])])
@pytest.mark.parametrize("as_of", [D, TODAY + dt.timedelta(days=300)])
def test_both_peers_read_the_frameworks_rules(window, need_training, courses, as_of):
    warehouse = TinyWarehouse()
    try:
        for number, (level, start) in enumerate([("A", "2024-01-01"), ("A", "2025-03-01"), ("B", "2023-05-01")]):
            staff_id = f"S{number}"
            warehouse.staff(staff_id, level=level, level_start_date=start, trained=number != 1)
            for criterion_id, date in (("OFF.B.K1", "2023-01-10"), ("OFF.B.S1", "2024-11-30"), ("OFF.C.K1", "2022-08-01")):
                warehouse.evidence(staff_id, criterion_id, date)
        warehouse.training("S1", "GDPR", "2024-01-01", (TODAY + dt.timedelta(days=30)).isoformat())
        warehouse.con.execute("update framework_rules set evidence_window_months = ?, time_criteria_need_training = ?, "
                              "mandatory_courses_listed = ?", [window, need_training, courses is not None])
        sql = peer.readiness_from_sql(warehouse.con, as_of)
        assert peer.compare(peer.readiness(peer.read_tables(warehouse.con), as_of), sql) == []
        answer = polars_peer.readiness(polars_peer.read_tables(warehouse.con), as_of).to_pandas()
        assert peer.compare(answer, sql) == []
    finally:
        warehouse.con.close()
