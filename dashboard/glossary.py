"""One vocabulary: the name and meaning of every count the pages show, used for labels and `help=` alike.

docs/glossary.md is the same list for readers; a test holds the two equal. The same word always means
the same count, and two different counts never share a name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    name: str
    meaning: str


STAFF_IN_POST = Term("Staff in post", "People in post on the as-of date within the filters.")
READY_NOW = Term("Ready now", "People who meet every requirement of their next level on the as-of date.")
READY_ON_A_DATE = Term(
    "Ready on a date",
    "People waiting only for minimum time at level (with mandatory training up to date): they will be ready "
    "on their ready date if nothing else changes.")
READY_WITHIN_3_MONTHS = Term(
    "Ready within 3 months", "Ready on a date, and that date is within 3 months of the as-of date.")
READY_WITHIN_6_MONTHS = Term(
    "Ready within 6 months",
    "Ready on a date, and that date is within 6 months of the as-of date (includes those within 3 months).")
NOT_READY = Term(
    "Not ready",
    "People with at least one requirement of their next level that needs evidence, sign-off or training.")
TOP_OF_ROLE = Term(
    "Top of role",
    "People at the highest level of their role: their next step is another role (see Succession).")
EVIDENCE_AWAITING = Term(
    "Evidence awaiting sign-off",
    "Items of evidence submitted by the as-of date and not yet approved or rejected, for any level. One "
    "person may have several items; the assessor acts next.")
REQUIREMENTS_AWAITING = Term(
    "Requirements with evidence awaiting sign-off",
    "A person's next-level requirements not yet met that have at least one item of evidence awaiting "
    "sign-off. Not the same count as Evidence awaiting sign-off, which counts items for any level.")
SIGN_OFF_OVERDUE = Term(
    "Sign-off overdue",
    "Items of evidence awaiting sign-off that have waited more than 10 working days (Monday to Friday) since "
    "they were submitted. Part of Evidence awaiting sign-off.")
EXPIRED_TRAINING = Term(
    "Expired mandatory training",
    "People with at least one mandatory course out of date (or never completed) on the as-of date.")
REQUIREMENTS_MET = Term(
    "Requirements met", "Of the requirements of a person's next level, how many are met on the as-of date.")
CANDIDATES_READY_NOW = Term(
    "Candidates ready now",
    "Succession: candidate and role pairs on the 'ready now' bench. One person counts once for every role "
    "they could step into, so this is not the Overview's Ready now (people ready for the next level of "
    "their own role).")
COVERAGE = Term(
    "Coverage",
    "Succession: the share of a role's entry requirements (its first level's evidence-based requirements) "
    "a candidate has current evidence for.")
INCOMPLETE_SOURCE = Term(
    "Incomplete in the source document",
    "Words of this criterion were lost from the source document (shown as […]); HR should complete it.")

FORECAST_NOTE = ("a future date is worked out from what is recorded today (docs/rules.md), so it can "
                 "change as evidence and training are recorded.")

TERMS = (STAFF_IN_POST, READY_NOW, READY_ON_A_DATE, READY_WITHIN_3_MONTHS, READY_WITHIN_6_MONTHS, NOT_READY,
         TOP_OF_ROLE, EVIDENCE_AWAITING, REQUIREMENTS_AWAITING, SIGN_OFF_OVERDUE, EXPIRED_TRAINING, REQUIREMENTS_MET,
         CANDIDATES_READY_NOW, COVERAGE, INCOMPLETE_SOURCE)


INCOMPLETE_MARKERS = ("[…]", "[...]")
INCOMPLETE_FLAG = "⚠ incomplete in the source document"


def is_incomplete(text: object) -> bool:
    """True when a criterion's wording holds […] or [...]: words the source document lost."""
    return isinstance(text, str) and any(marker in text for marker in INCOMPLETE_MARKERS)


def flagged(text: object) -> object:
    """The wording, with the incomplete-source flag after it where words were lost."""
    return f"{text} ({INCOMPLETE_FLAG})" if is_incomplete(text) else text


ACTORS = {"person": "The person", "assessor": "The assessor", "manager": "The line manager"}
