"""The load benchmark's stand-in for sign-in: an identity header honoured only on a benchmark's own server.

`python -m bench load` measures thirty *different* signed-in managers at once. A real sign-in needs the
identity provider, so the benchmark instead sends each viewer's email in the `X-Progression-Load-Test-Email`
header of the websocket handshake. The header is honoured only when BOTH hold:

- the environment variable `PROGRESSION_LOAD_TEST_IDENTITY` is `1` (set only by the benchmark, for the
  server it starts), and
- this Streamlit server listens on 127.0.0.1 only (`server.address`), and so does the proxy in front of it
  if any (`PROGRESSION_PUBLIC_ADDRESS`, set by deploy/serve.py), so nobody else can reach it.

Anywhere else (production, `./dev start`, a server on any other address) the header is ignored and the
visitor must sign in as usual. Behind the proxy (`./dev start --workers N`), nginx also strips the header
from every request unless the same two conditions hold for the proxy (see deploy/serve.py).
"""

from __future__ import annotations

import os

import streamlit as st

ENV = "PROGRESSION_LOAD_TEST_IDENTITY"
HEADER = "X-Progression-Load-Test-Email"
LOOPBACK = "127.0.0.1"
PUBLIC_ADDRESS_ENV = "PROGRESSION_PUBLIC_ADDRESS"


def honoured() -> bool:
    """True only on a benchmark's own server: the environment variable is set and the server is loopback-only.

    Behind the proxy each process binds 127.0.0.1 whatever the proxy's address, so deploy/serve.py says in
    PROGRESSION_PUBLIC_ADDRESS where visitors reach it; that must be loopback too.
    """
    public = os.environ.get(PUBLIC_ADDRESS_ENV, LOOPBACK)
    return os.environ.get(ENV) == "1" and str(st.get_option("server.address") or "") == LOOPBACK and public == LOOPBACK


def load_test_email() -> str | None:
    """The email in the benchmark's identity header when `honoured()`, else None."""
    if not honoured():
        return None
    try:
        value = st.context.headers.get(HEADER)
    except Exception:  # no request behind this run (AppTest, a background thread)
        return None
    value = (value or "").strip()
    return value or None
