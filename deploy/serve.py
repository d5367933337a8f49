"""Serve the dashboard like production: `./dev start [--workers N] [streamlit options]`.

One Streamlit process answers with about one core, so `--workers N` (default: one per core) runs N of them
on 127.0.0.1 ports behind nginx, which the browser reaches on the one public port (8501 unless
`--server.port`). nginx keeps each browser on one process (a sticky cookie), passes websockets through and
streams uploads and downloads. Its configuration is generated from deploy/nginx.conf.template into a
private runtime folder and removed on exit. Without nginx, or with `--workers 1`, one Streamlit process
serves on the port directly, and says why.

Every process runs with the settings fit for serving (no file watcher, no run-on-save, headless);
`./dev dev` is the development server with reload. See docs/operations.md, "Serving many people at once".
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8501
# The file watcher scans every loaded module and watches the app folder recursively (.venv included): it
# cost half of every new session in the load benchmark. Reload belongs to `./dev dev`, not to serving.
# Streamlit also runs a full garbage collection after every page run (runner.postScriptGC): about 60 ms each, a
# tenth of the server's time with thirty managers at once; Python's own collector still runs as it always does.
SERVING_OPTIONS = ("--server.headless", "true", "--server.fileWatcherType", "none", "--server.runOnSave", "false",
                   "--server.allowRunOnSave", "false", "--runner.postScriptGC", "false", "--logger.level", "warning")
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
PUBLIC_ADDRESS_ENV = "PROGRESSION_PUBLIC_ADDRESS"  # where visitors reach the dashboard ("" = every interface)
IDENTITY_ENV, IDENTITY_HEADER = "PROGRESSION_LOAD_TEST_IDENTITY", "X-Progression-Load-Test-Email"
START_SECONDS = 90


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    return found or next((path for path in NGINX_CANDIDATES if os.access(path, os.X_OK)), None)


def free_port(address: str = LOOPBACK) -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        return probe.getsockname()[1]


def split_option(arguments: list[str], name: str) -> tuple[str | None, list[str]]:
    """Take `--name VALUE` or `--name=VALUE` out of Streamlit's arguments: (last value or None, the rest)."""
    value, rest, index = None, [], 0
    while index < len(arguments):
        argument = arguments[index]
        if argument == name and index + 1 < len(arguments):
            value, index = arguments[index + 1], index + 2
            continue
        if argument.startswith(name + "="):
            value = argument.split("=", 1)[1]
        else:
            rest.append(argument)
        index += 1
    return value, rest


def max_upload_mb(arguments: list[str]) -> int:
    """server.maxUploadSize as Streamlit will see it: the command line, else .streamlit/config.toml, else 200."""
    given, _ = split_option(arguments, "--server.maxUploadSize")
    if given:
        return int(given)
    try:
        config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
        return int(config.get("server", {}).get("maxUploadSize", 200))
    except (OSError, ValueError, tomllib.TOMLDecodeError):
        return 200


def identity_honoured(address: str | None, environment: dict[str, str]) -> bool:
    """The load benchmark's identity header passes the proxy only on a loopback-only benchmark server."""
    return environment.get(IDENTITY_ENV) == "1" and address == LOOPBACK


def render_config(runtime: Path, listen: str, ports: list[int], max_body_mb: int, pass_identity: bool = False,
                  template: Path = TEMPLATE) -> str:
    """The nginx configuration for Streamlit processes on 127.0.0.1 `ports`, listening on `listen`."""
    servers = "\n".join(f"        server {LOOPBACK}:{port} max_fails=0;" for port in ports)
    identity = ("            # load benchmark only: the identity header passes (loopback, PROGRESSION_LOAD_TEST_IDENTITY=1)"
                if pass_identity else
                f'            proxy_set_header {IDENTITY_HEADER} "";   # never let a visitor claim an identity')
    text = template.read_text()
    for field, value in {"runtime": str(runtime), "listen": listen, "servers": servers,
                         "max_body_mb": str(max_body_mb), "identity_header": identity}.items():
        text = text.replace("{{" + field + "}}", value)
    unfilled = re.findall(r"\{\{\w+\}\}", text)
    if unfilled:
        raise ValueError(f"{template}: fields left unfilled: {', '.join(unfilled)}")
    return text


def streamlit_command(arguments: list[str], address: str | None, port: int) -> list[str]:
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), *SERVING_OPTIONS, *arguments,
               "--server.port", str(port)]
    return command + (["--server.address", address] if address else [])


def wait_healthy(url: str, processes: list[subprocess.Popen], seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            pass
        dead = [process for process in processes if process.poll() is not None]
        if dead or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer /_stcore/health "
                               + ("(a process exited)" if dead else f"within {seconds:.0f} s"))
        time.sleep(0.1)


def stop(processes: list[subprocess.Popen], seconds: float = 10) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + seconds
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Service:
    """N Streamlit processes behind nginx, or one on its own: started, watched, stopped together."""

    def __init__(self, workers: int, arguments: list[str], environment: dict[str, str] | None = None,
                 log_folder: Path | None = None):
        address, rest = split_option(list(arguments), "--server.address")
        port, rest = split_option(rest, "--server.port")
        self.address, self.port, self.arguments = address, int(port or DEFAULT_PORT), rest
        self.environment = {**os.environ, **(environment or {})}
        if self.environment.get("PROGRESSION_LOCAL_ADMIN") == "1" and self.address != LOOPBACK:
            # Local administration of real data is for this machine only (docs/security.md): the proxy's
            # public port too, not only the Streamlit processes behind it.
            self.address = LOOPBACK
        self.workers = max(1, workers)
        self.log_folder = log_folder
        self.processes: list[subprocess.Popen] = []
        self.streamlit: list[subprocess.Popen] = []
        self.ports: list[int] = []  # the Streamlit processes' own ports behind the proxy (none when alone)
        self.runtime: Path | None = None
        self.note = ""
        if self.workers > 1 and nginx_binary() is None:
            self.note = (f"nginx is not installed (Debian: apt-get install -y nginx), so the dashboard runs as ONE "
                         f"Streamlit process instead of {self.workers}: it will use about one core.")
            self.workers = 1

    @property
    def url(self) -> str:
        host = LOOPBACK if self.address in (None, "", "0.0.0.0", "::") else self.address
        return f"http://{host}:{self.port}"

    def _log(self, name: str):
        if self.log_folder is None:
            return None
        self.log_folder.mkdir(parents=True, exist_ok=True)
        return open(self.log_folder / f"{name}.log", "w")  # noqa: SIM115 - closed with the process

    def start(self) -> Service:
        self.environment.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_urlsafe(32))
        self.environment["PYTHONUNBUFFERED"] = "1"
        if self.workers == 1:
            self._spawn("streamlit", streamlit_command(self.arguments, self.address, self.port), streamlit=True)
            wait_healthy(self.url, self.processes)
            return self
        # Behind the proxy every process binds 127.0.0.1, but visitors reach the proxy's address: a check
        # that trusts loopback (the load benchmark's identity header) must look at this, not server.address.
        self.environment[PUBLIC_ADDRESS_ENV] = self.address or ""
        # DuckDB's memory budget is per process: split the default between the workers.
        self.environment.setdefault("PROGRESSION_DUCKDB_MEMORY_LIMIT", f"{max(256, 1024 // self.workers)}MB")
        ports = self.ports = [free_port() for _ in range(self.workers)]
        for number, port in enumerate(ports, 1):
            self._spawn(f"streamlit-{number}", streamlit_command(self.arguments, LOOPBACK, port), streamlit=True)
        for port in ports:
            wait_healthy(f"http://{LOOPBACK}:{port}", self.processes)
        self.runtime = Path(tempfile.mkdtemp(prefix="progression-nginx-"))
        self.runtime.chmod(0o755)  # nginx's own worker (not root) reads nothing here but may need to traverse it
        listen = f"{self.address}:{self.port}" if self.address not in (None, "") else str(self.port)
        config = self.runtime / "nginx.conf"
        config.write_text(render_config(self.runtime, listen, ports, max_upload_mb(self.arguments),
                                        identity_honoured(self.address, self.environment)))
        nginx = nginx_binary()
        check = subprocess.run([nginx, "-t", "-q", "-p", str(self.runtime), "-e", str(self.runtime / "error.log"),
                                "-c", str(config)], capture_output=True, text=True)
        if check.returncode != 0:
            self.stop()
            raise RuntimeError(f"nginx refused the generated configuration {config}: {check.stderr.strip()}")
        self._spawn("nginx", [nginx, "-p", str(self.runtime), "-e", str(self.runtime / "error.log"), "-c", str(config)])
        wait_healthy(self.url, self.processes)
        return self

    def _spawn(self, name: str, command: list[str], streamlit: bool = False) -> None:
        log = self._log(name)
        # Behind the proxy, a worker's "You can now view your app at <its private port>" would mislead:
        # its standard output goes nowhere; warnings and errors (standard error) still show.
        quiet = subprocess.DEVNULL if streamlit and self.workers > 1 else None
        process = subprocess.Popen(command, cwd=ROOT, env=self.environment, stdout=log or quiet,
                                   stderr=subprocess.STDOUT if log else None)
        self.processes.append(process)
        if streamlit:
            self.streamlit.append(process)

    def pids(self) -> list[int]:
        return [process.pid for process in self.processes if process.poll() is None]

    def stop(self) -> None:
        # The proxy first (no new connections), then the Streamlit processes.
        stop(list(reversed(self.processes)))
        if self.runtime is not None:
            shutil.rmtree(self.runtime, ignore_errors=True)
            self.runtime = None

    def watch(self) -> int:
        """Block until a process exits (then stop the rest) or we are told to stop; the exit code."""
        while True:
            for process in self.processes:
                code = process.poll()
                if code is not None:
                    print(f"a serving process exited (code {code}): stopping the others", file=sys.stderr)
                    self.stop()
                    return code or 1
            time.sleep(0.5)


@contextlib.contextmanager
def running(workers: int, arguments: list[str], environment: dict[str, str] | None = None,
            log_folder: Path | None = None) -> Iterator[Service]:
    service = Service(workers, arguments, environment, log_folder)
    try:
        yield service.start()
    finally:
        service.stop()


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev start", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=cores(),
                        help=f"Streamlit processes behind nginx (default: one per core, here {cores()})")
    args, streamlit_arguments = parser.parse_known_args(argv)
    if args.workers < 1:
        parser.error("--workers must be 1 or more")
    service = Service(args.workers, streamlit_arguments)
    if service.note:
        print(service.note, file=sys.stderr)
    if service.workers == 1:
        command = streamlit_command(service.arguments, service.address, service.port)
        os.execv(command[0], command)  # one process: Streamlit itself, as `streamlit run` would be
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        service.start()
        print(f"Serving on {service.url} with {service.workers} Streamlit processes behind nginx "
              f"(runtime folder {service.runtime})", file=sys.stderr, flush=True)
        return service.watch()
    except KeyboardInterrupt:
        return 0
    finally:
        service.stop()


if __name__ == "__main__":
    raise SystemExit(main())
