"""The load benchmark: many people opening one page at once, spoken in Streamlit's own websocket protocol.

`python -m bench load --users 1,10,30 --page overview --db PATH` starts the dashboard on 127.0.0.1 the way
`./dev start` serves it (deploy/serve.py: N Streamlit processes behind nginx, or one), then for each
number of users: that many clients at once, each opening the page `--opens` times, every time on a new
connection, as a browser does when someone clicks the meeting's link (GET the page for the sticky cookie,
open the `/_stcore/stream` websocket, send a `rerun_script` BackMsg with the page and query string, read
ForwardMsgs until the script has finished). An open is timed from the GET to the `script_finished`
message; it is an error if it fails, times out, raises in the app or lacks the page's heading.

Each case runs on a freshly started server, primed with one open of the page on each process (modules
imported, database open, as on a server that has been running a while), then:
- `warm`: as served after a start or a load: the cache warmed in the background; measured once idle;
- `cold`: as just after a load with no warming (`PROGRESSION_WARM_CACHE=0`): every cache emptied (the
  `clear_cache` BackMsg of Streamlit's developer menu), so the first users pay for the queries.
Viewers: `admin` (every user the same administrator: local mode) or `managers` (every user a different
line manager, signed in through the test-only identity header of dashboard/load_identity.py, which the
server honours only because the benchmark sets PROGRESSION_LOAD_TEST_IDENTITY=1 and binds 127.0.0.1).

Every loop is bounded in count and time. The server's CPU (seconds over the phase, as cores) and peak
memory (the sum of its processes' resident memory, sampled) are read from /proc. Results are kept in
bench/load_results.json and written, with the targets of issue 21, into docs/benchmarks.md between the
`bench:load` markers. Nothing here is a timed test: tests/test_bench_load.py runs it small.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.run import write_between_marks

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
RESULTS = Path(__file__).resolve().parent / "load_results.json"
START_MARK, END_MARK = "<!-- bench:load:start -->", "<!-- bench:load:end -->"
IDENTITY_HEADER = "X-Progression-Load-Test-Email"
# page name in the URL, and the heading that proves the page (not an error or a prompt) was drawn
PAGES = {
    "overview": ("", "Readiness overview"),
    "team": ("team", "Team"),
    "person": ("person", None),
    "blockers": ("blockers", "Blockers"),
    "succession": ("succession", "Succession"),
    "framework": ("framework", "Career framework"),
}
FAKE_AUTH = ('[auth]\nredirect_uri = "http://127.0.0.1/oauth2callback"\ncookie_secret = "load-benchmark"\n'
             'client_id = "load-benchmark"\nclient_secret = "load-benchmark"\n'
             'server_metadata_url = "https://login.invalid/.well-known/openid-configuration"\n')
IDLE_SECONDS = 60  # at most this long waiting for a warmed server to go quiet


# ---------------------------------------------------------------- one open, in the protocol


@dataclass
class Open:
    user: int
    number: int          # 0 = the user's first open
    seconds: float | None
    error: str | None = None
    received_bytes: int = 0


async def open_page(base: str, page: str, query: str, timeout: float, cookie: dict[str, str],
                    email: str | None = None) -> tuple[float, int]:
    """Open `page` once on a new connection; (seconds, bytes received). Raises on any failure."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    path, heading = PAGES[page]
    started = time.perf_counter()
    headers = {IDENTITY_HEADER: email} if email else {}
    url = f"{base}/{path}" + (f"?{query}" if query else "")

    def fetch() -> None:  # the HTML, as a browser does first: the proxy's sticky cookie comes back with it
        request = urllib.request.Request(url, headers={**headers, **({"Cookie": _cookies(cookie)} if cookie else {})})
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read()
            for value in answer.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                cookie[name.strip()] = rest.split(";", 1)[0]

    await asyncio.wait_for(asyncio.to_thread(fetch), timeout)
    socket_url = base.replace("http://", "ws://", 1) + "/_stcore/stream"
    extra = {**headers, **({"Cookie": _cookies(cookie)} if cookie else {})}
    received, seen_heading = 0, heading is None
    deadline = started + timeout
    async with websockets.connect(socket_url, subprotocols=["streamlit"], additional_headers=extra, max_size=None,
                                  open_timeout=timeout, compression=None, origin=base) as socket:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query
        state.page_name = path
        state.context_info.timezone = "Europe/London"
        state.context_info.locale = "en-GB"
        state.context_info.url = url
        await socket.send(message.SerializeToString())
        for _ in range(1_000_000):  # bounded: a page is a few hundred messages
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no script_finished within {timeout:.0f} s")
            data = await asyncio.wait_for(socket.recv(), remaining)
            received += len(data)
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    raise RuntimeError(f"the app raised {element.exception.type}: {element.exception.message}"[:300])
                if which == "alert" and element.alert.format == element.alert.ERROR:
                    raise RuntimeError(f"the page showed an error: {element.alert.body}"[:300])
                if which == "heading" and heading and element.heading.body.startswith(heading):
                    seen_heading = True
            elif kind == "page_not_found":
                raise RuntimeError(f"page not found: {page}")
            elif kind == "script_finished":
                status = forward.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise RuntimeError(f"the script finished with status {status}")
                if not seen_heading:
                    raise RuntimeError(f"the page did not draw its heading {heading!r} (a prompt or a refusal?)")
                return time.perf_counter() - started, received
    raise RuntimeError("too many messages")


async def clear_caches(base: str, timeout: float) -> None:
    """Empty a Streamlit process's caches (st.cache_data and st.cache_resource), as its developer menu would."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    message.clear_cache = True
    async with websockets.connect(base.replace("http://", "ws://", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                  open_timeout=timeout, origin=base) as socket:
        await socket.send(message.SerializeToString())
        await asyncio.sleep(0.5)  # handled on the server's event loop as soon as it arrives; no answer is sent


def _cookies(cookie: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookie.items())


async def _user(number: int, base: str, page: str, query: str, opens: int, timeout: float, start: asyncio.Event,
                email: str | None) -> list[Open]:
    await start.wait()
    cookie: dict[str, str] = {}  # kept between the user's opens, as a browser keeps it
    done = []
    for index in range(opens):
        try:
            seconds, size = await open_page(base, page, query, timeout, cookie, email)
            done.append(Open(number, index, seconds, received_bytes=size))
        except TimeoutError:
            done.append(Open(number, index, None, f"TimeoutError: no finished page within {timeout:.0f} s"))
        except Exception as error:  # every failure is a result: counted and reported
            done.append(Open(number, index, None, f"{type(error).__name__}: {error}"[:300]))
    return done


async def _crowd(base: str, page: str, query: str, users: int, opens: int, timeout: float,
                 emails: list[str] | None) -> list[Open]:
    start = asyncio.Event()
    tasks = [asyncio.create_task(_user(number, base, page, query, opens, timeout, start,
                                       emails[number % len(emails)] if emails else None))
             for number in range(users)]
    start.set()  # everyone at once: the link went round the meeting
    results = await asyncio.wait_for(asyncio.gather(*tasks), timeout * opens + 60)
    return [item for user in results for item in user]


def crowd(base: str, page: str, query: str, users: int, opens: int, timeout: float,
          emails: list[str] | None = None) -> list[Open]:
    """`users` clients at once, each opening the page `opens` times on new connections."""
    return asyncio.run(_crowd(base, page, query, users, opens, timeout, emails))


# ---------------------------------------------------------------- the server's CPU and memory, from /proc


def _tree(pids: list[int]) -> list[int]:
    """The processes and all their descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], list(pids)
    while todo and len(found) < 10_000:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / ticks


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Sampler:
    """Peak summed resident memory of the server's processes, sampled every 0.1 s in a thread."""

    def __init__(self, pids: list[int]):
        self.pids, self.peak, self._stop = pids, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, rss_mib(self.pids))

    def __enter__(self) -> Sampler:
        self.peak = rss_mib(self.pids)
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.peak = max(self.peak, rss_mib(self.pids))


def cpu_pressure() -> float | None:
    """The share of the last 10 s in which some runnable task waited for a core (/proc/pressure/cpu), in %."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        return float(line.split("avg10=")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return None


def wait_idle(pids: list[int], seconds: float = IDLE_SECONDS, quiet: float = 0.05) -> None:
    """Wait (at most `seconds`) until the server uses under `quiet` of a core over half a second."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        before = cpu_seconds(pids)
        time.sleep(0.5)
        if cpu_seconds(pids) - before < quiet * 0.5:
            return


# ---------------------------------------------------------------- one case: a fresh server, a crowd


@dataclass
class Case:
    label: str
    page: str
    cache: str
    viewers: str
    users: int
    workers: int
    opens: int
    query: str = ""
    options: str = ""  # extra Streamlit options for the server, e.g. "--server.fileWatcherType auto"
    results: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return (f"{self.label}|{self.page}|{self.query}|{self.cache}|{self.viewers}|{self.workers}|{self.users}"
                + (f"|{self.options}" if self.options else ""))


def summarise(opens: list[Open]) -> dict:
    def stats(values: list[float]) -> dict:
        if not values:
            return {"median": None, "p95": None, "max": None}
        ordered = sorted(values)
        return {"median": statistics.median(ordered), "p95": ordered[min(len(ordered) - 1,
                                                                          int(0.95 * len(ordered) + 0.5) - 1)],
                "max": ordered[-1]}
    timed = [item.seconds for item in opens if item.seconds is not None]
    first = [item.seconds for item in opens if item.seconds is not None and item.number == 0]
    errors = [item.error for item in opens if item.error]
    sizes = [item.received_bytes for item in opens if item.seconds is not None]
    return {"opens": len(opens), "all": stats(timed), "first": stats(first), "errors": len(errors),
            "error_examples": sorted(set(errors))[:3], "kib_per_open": statistics.median(sizes) / 1024 if sizes else None}


def managers(db: Path, count: int) -> list[str]:
    """`count` different line managers' emails (people with reports in post), spread over the organisation."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("""
            select email from staff
            where left_on is null and email is not null
              and staff_id in (select line_manager_id from staff where left_on is null)
            order by hash(staff_id) limit ?""", [count]).fetchall()
    finally:
        con.close()
    return [row[0] for row in rows]


def run_case(case: Case, db: Path, timeout: float, say=print) -> dict:
    from deploy.serve import LOOPBACK, free_port, running

    environment = {"PROGRESSION_DB": str(db), "PROGRESSION_WARM_CACHE": "1" if case.cache == "warm" else "0"}
    arguments = ["--server.address", LOOPBACK, "--server.port", str(free_port()), *case.options.split()]
    emails = None
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        # The server's temporary files (DuckDB's spill, the kept results of warehouse/kept.py) in this run's own
        # folder: a cold run must not find results a previous run kept for the same database file.
        server_temp = Path(folder) / "tmp"
        server_temp.mkdir()
        environment["TMPDIR"] = str(server_temp)
        if case.viewers == "managers":
            emails = managers(db, case.users)
            if not emails:
                raise RuntimeError(f"{db}: no line managers to sign in as")
            secrets = Path(folder) / "secrets.toml"
            secrets.write_text(FAKE_AUTH)
            arguments += ["--secrets.files", str(secrets)]
            environment["PROGRESSION_LOAD_TEST_IDENTITY"] = "1"
        with running(case.workers, arguments, environment, Path(folder) / "logs") as service:
            pids = _tree(service.pids())
            # One open on each process directly (the proxy's cookie would pick one): the modules are imported
            # and the database open, as on a server that has been running for a while.
            for port in service.ports or [service.port]:
                crowd(f"http://{LOOPBACK}:{port}", case.page, case.query, 1, 1, timeout, emails)
                if case.cache == "cold":  # then, as after a load, nothing cached (and no warming: it is off)
                    asyncio.run(clear_caches(f"http://{LOOPBACK}:{port}", timeout))
            if case.cache == "cold":  # ... and no whole-organisation results kept (a load starts a new folder)
                for kept in server_temp.glob("progression-kept-*"):
                    shutil.rmtree(kept)
            wait_idle(pids)  # warm: until the background warming has finished too
            machine_load = os.getloadavg()[0]  # other work on the machine: it shares the cores with the server
            pressure = cpu_pressure()
            before, started = cpu_seconds(pids), time.perf_counter()
            with Sampler(pids) as sampler:
                opens = crowd(service.url, case.page, case.query, case.users, case.opens, timeout, emails)
            wall = time.perf_counter() - started
            summary = summarise(opens)
            used = cpu_seconds(pids) - before
            summary.update(cpu_cores=used / wall if wall else None, cpu_seconds_per_open=used / max(1, len(opens)),
                           cpu_pressure=pressure,
                           peak_mib=sampler.peak, wall_seconds=wall, workers_run=service.workers,
                           machine_load=machine_load,
                           note=service.note)
            if summary["errors"]:
                logs = "; ".join(path.read_text()[-300:] for path in (Path(folder) / "logs").glob("*.log"))
                summary["server_log_tail"] = logs[-600:]
    return summary


# ---------------------------------------------------------------- the command, the table and the targets


def database_label(db: Path) -> str:
    """'demo (150)' for the generated demo, else '100,000 staff' (people in post)."""
    import duckdb

    from warehouse import queries

    con = duckdb.connect(str(db), read_only=True)
    try:
        staff = con.execute("select count(*) from staff where left_on is null").fetchone()[0]
        # The scale generator marks its people as generated too; only `loaders demo` makes "the demo".
        demo = queries.is_demo_database(con) and con.execute(
            "select count(*) from demo_marker where generator = 'loaders demo'").fetchone()[0] > 0
    finally:
        con.close()
    return f"demo ({staff:,})" if demo else f"{staff:,} staff"


def run_load(args) -> int:
    db = Path(args.db)
    if not db.is_file():
        print(f"{db}: no such database (build one with `python -m bench generate --staff N --db {db}`)")
        return 2
    if args.page not in PAGES:
        print(f"--page {args.page}: choose one of {', '.join(PAGES)}")
        return 2
    label = args.label or database_label(db)
    results = read_results()
    started = time.perf_counter()
    failed = False
    for workers in args.workers:
        for viewers in args.viewers:
            for cache in args.cache:
                for users in args.users:
                    case = Case(label, args.page, cache, viewers, users, workers, args.opens, args.query,
                                getattr(args, "streamlit", "") or "")
                    print(f"[{time.perf_counter() - started:7.1f} s] {label}, {args.page}, {cache}, {viewers}, "
                          f"{workers} worker(s): {users} user(s) x {args.opens} opens", flush=True)
                    summary = run_case(case, db, args.timeout)
                    failed |= summary["errors"] > 0
                    results[case.key] = {**asdict(case), "results": summary,
                                         "finished_at": dt.datetime.now().isoformat(timespec="seconds")}
                    write_results(results)
                    print("   " + one_line(summary), flush=True)
    report = render(results)
    print(report)
    if not args.no_docs:
        write_docs(report, args.output or DOCS)
    return 1 if failed else 0


def one_line(summary: dict) -> str:
    return (f"median {_s(summary['all']['median'])} s, p95 {_s(summary['all']['p95'])} s, "
            f"max {_s(summary['all']['max'])} s; first opens p95 {_s(summary['first']['p95'])} s; "
            f"errors {summary['errors']}; server {summary['cpu_cores'] or 0:.2f} cores, "
            f"{_s(summary.get('cpu_seconds_per_open'))} CPU s per open, peak "
            f"{summary['peak_mib']:,.0f} MiB" + (f"; e.g. {summary['error_examples'][0]}" if summary['errors'] else ""))


def _pressure(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def _s(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def read_results() -> dict:
    try:
        return json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        return {}


def write_results(results: dict) -> None:
    RESULTS.write_text(json.dumps(results, indent=1, default=str) + "\n")


def _order(entry: dict) -> tuple:
    return (entry["label"], entry["page"], entry["query"], entry.get("options", ""), entry["viewers"], entry["cache"],
            entry["workers"], entry["users"])


TARGETS = [
    # (what, database label test, page, viewers, cache, users, statistic, limit seconds, memory limit MiB)
    ("30 users open the Overview at once on the demo, warm: first open p95 within 5 s",
     lambda label: label.startswith("demo"), "overview", "admin", "warm", 30, 5.0, None),
    ("... and cold: first open p95 within 5 s",
     lambda label: label.startswith("demo"), "overview", "admin", "cold", 30, 5.0, None),
    ("30 users open the Overview at once at 100,000 staff, warm: first open p95 within 8 s",
     lambda label: label.startswith("100,"), "overview", "admin", "warm", 30, 8.0, None),
    ("... and cold: first open p95 within 8 s",
     lambda label: label.startswith("100,"), "overview", "admin", "cold", 30, 8.0, None),
    ("30 different managers, cold, at 100,000 staff: first open p95 within 10 s and server under 1.5 GB",
     lambda label: label.startswith("100,"), "overview", "managers", "cold", 30, 10.0, 1536),
]


def targets(results: dict) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for each target of issue 21, on the most workers measured."""
    found = []
    for what, matches, page, viewers, cache, users, limit, memory in TARGETS:
        runs = [entry for entry in results.values() if matches(entry["label"]) and entry["page"] == page
                and not entry["query"] and not entry.get("options") and entry["viewers"] == viewers and entry["cache"] == cache
                and entry["users"] == users]
        if not runs:
            found.append((what, "", "not measured"))
            continue
        entry = max(runs, key=lambda run: (run["results"].get("workers_run", run["workers"]), run["finished_at"]))
        summary = entry["results"]
        p95 = summary["first"]["p95"]
        ok = p95 is not None and p95 <= limit and summary["errors"] == 0
        measured = f"{_s(p95)} s, {summary['errors']} errors"
        if memory is not None:
            ok = ok and summary["peak_mib"] <= memory
            measured += f", {summary['peak_mib']:,.0f} MiB"
        workers = summary.get("workers_run", entry["workers"])
        found.append((what, f"{measured} ({workers} worker{'s' if workers > 1 else ''})", "met" if ok else "NOT met"))
    return found


def render(results: dict) -> str:
    from bench.run import machine

    info = machine()
    lines = [
        f"Machine: {info['cores']} cores ({info['cpu']}), {info['memory_gib']} GiB memory; Python {info['python']}, "
        f"DuckDB {info['duckdb']}.",
        "Each row is a freshly started server; every user opens the page on a new connection, all users at once. "
        "Seconds: from the page's GET to Streamlit's `script_finished`. CPU: the server's processes' CPU time over "
        "the phase, in cores; memory: the peak of their summed resident memory. Machine load: the one-minute load "
        "average as the phase began (other work sharing the cores; on an idle 2-core machine it is below 1); CPU "
        "pressure: the share of the last 10 s in which something waited for a core (/proc/pressure/cpu). Server "
        "CPU s per open: the server's CPU time divided by the opens, which other work on the machine barely changes.",
        "",
        "| database | page | viewers | cache | workers | users x opens | median s | p95 s | max s "
        "| first open: median s | first open: p95 s | errors | server cores | server CPU s per open "
        "| server peak MiB | KiB per open | machine load | CPU pressure % |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for entry in sorted(results.values(), key=_order):
        summary = entry["results"]
        page = entry["page"] + (f" ?{entry['query']}" if entry["query"] else "") + \
            (f" ({entry['options']})" if entry.get("options") else "")
        workers = summary.get("workers_run", entry["workers"])
        lines.append(
            f"| {entry['label']} | {page} | {entry['viewers']} | {entry['cache']} | {workers} | "
            f"{entry['users']} x {entry['opens']} | {_s(summary['all']['median'])} | {_s(summary['all']['p95'])} | "
            f"{_s(summary['all']['max'])} | {_s(summary['first']['median'])} | {_s(summary['first']['p95'])} | "
            f"{summary['errors']} | {summary['cpu_cores'] or 0:.2f} | {_s(summary.get('cpu_seconds_per_open'))} | "
            f"{summary['peak_mib']:,.0f} | {(summary.get('kib_per_open') or 0):,.0f} | "
            f"{summary.get('machine_load', 0):.1f} | {_pressure(summary.get('cpu_pressure'))} |")
    lines += ["", "Targets (issue 21; on the most workers measured):", "", "| target | measured | verdict |",
              "| --- | --- | --- |"]
    lines += [f"| {what} | {measured} | {verdict} |" for what, measured, verdict in targets(results)]
    return "\n".join(lines)


def write_docs(report: str, path: Path) -> None:
    write_between_marks(path, report, START_MARK, END_MARK, "## Many people at once (load)")

