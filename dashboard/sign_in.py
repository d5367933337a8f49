"""The sign-in configuration, decided in one place and failing closed, and the checks on a signed-in identity.

`sign_in_settings()` reads the secrets Streamlit itself reads (the `secrets.files` option: the user's
~/.streamlit/secrets.toml, the working directory's .streamlit/secrets.toml and, under `streamlit run`, the
app folder's) and answers one of:

- configured: a complete `[auth]` section; everyone must sign in.
- absent: no secrets file, or secrets that say nothing about sign-in.
- broken: a secrets file that does not parse; an `[auth]`-like section spelt another way (`[Auth]`,
  `[oauth]`, ...); sign-in keys outside any section; an incomplete `[auth]` or one with an unknown key; a
  Microsoft multi-tenant endpoint without `allowed_tenant`; or the app folder's .streamlit/secrets.toml
  lying unread because the server was started elsewhere. The operator gets an error page, never a fallback.

What each answer lets the dashboard do is decided in dashboard/viewer.py (docs/security.md has the table).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit import config

ROOT = Path(__file__).resolve().parent.parent
APP_SECRETS = ROOT / ".streamlit" / "secrets.toml"
LOCAL_ADMIN_VARIABLE = "PROGRESSION_LOCAL_ADMIN"
LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")

PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
SIGN_IN_KEYS = {"redirect_uri", "cookie_secret", *PROVIDER_KEYS}
# Streamlit's own [auth] keys, and ours (checked against the ID token's claims after sign-in).
KNOWN_AUTH_KEYS = {*SIGN_IN_KEYS, "client_kwargs", "expose_tokens", "allowed_tenant", "allowed_issuer"}
# Section names an operator may have meant as [auth] (compared without case, spaces or punctuation).
AUTH_LIKE = {"auth", "oauth", "oauth2", "oidc", "openid", "openidconnect", "sso", "login", "signin", "authentication",
             "entra", "entraid", "azuread", "azure"}
MICROSOFT_TENANT = re.compile(r"https://login\.microsoftonline\.com/([^/]+)/", re.IGNORECASE)
MULTI_TENANT = {"common", "organizations", "consumers"}
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


@dataclass(frozen=True)
class SignIn:
    """The sign-in configuration: `state` is configured | absent | broken; `problem` says what is wrong."""

    state: str
    problem: str = ""
    provider: str | None = None  # a named [auth.<provider>] section, else None (the flat [auth])
    allowed_tenant: str | None = None  # the ID token's `tid` must equal it
    allowed_issuer: str | None = None  # the ID token's `iss` must equal it


def secrets_files() -> list[Path]:
    """The files (or folders) Streamlit reads secrets from, in its order."""
    return [Path(path) for path in config.get_option("secrets.files") or []]


def sign_in_settings() -> SignIn:
    """THE sign-in configuration decision (see the module docstring)."""
    files = secrets_files()
    try:
        data = st.secrets.to_dict()
    except Exception as error:  # Streamlit's StreamlitSecretNotFoundError: none found, or one that does not parse
        for path in files:
            if path.is_file():
                try:
                    tomllib.loads(path.read_text(encoding="utf-8"))
                except (tomllib.TOMLDecodeError, UnicodeDecodeError) as parse_error:
                    return SignIn("broken", f"the secrets file {path} does not parse ({parse_error})")
        if any(path.exists() for path in files):
            return SignIn("broken", f"the secrets could not be read ({error})")
        data = {}
    unread = _unread_app_secrets(files)
    if unread:
        return SignIn("broken", unread)
    return classify(data)


def _unread_app_secrets(files: list[Path]) -> str | None:
    if not APP_SECRETS.is_file():
        return None
    if APP_SECRETS.resolve() in {path.resolve() for path in files}:
        return None
    return (f"{APP_SECRETS} exists but this server does not read it (it reads {', '.join(map(str, files)) or 'nothing'}): "
            "start the dashboard from its own folder with `./dev start`, or pass "
            f"`--secrets.files {APP_SECRETS}`")


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def classify(data: Mapping) -> SignIn:
    """The decision for parsed secrets (a plain mapping; AppTest's `at.secrets` arrives here too)."""
    problems = []
    for key, value in data.items():
        if key == "auth":
            continue
        if _squash(key) in AUTH_LIKE:
            problems.append(f"a section [{key}] looks like sign-in settings, but only a section spelt exactly "
                            "[auth] is read")
        elif key in SIGN_IN_KEYS:
            problems.append(f"`{key}` is outside any section: sign-in keys belong under [auth]")
        elif isinstance(value, Mapping) and set(value) & SIGN_IN_KEYS:
            problems.append(f"the section [{key}] holds sign-in keys ({', '.join(sorted(set(value) & SIGN_IN_KEYS))}): "
                            "they belong under [auth]")
    auth = data.get("auth")
    if auth is None:
        return SignIn("broken", "; ".join(problems)) if problems else SignIn("absent")
    if not isinstance(auth, Mapping):
        return SignIn("broken", "`auth` must be a section ([auth]), not a single value")
    problems += [f"[auth] has no `{key}`" for key in ("redirect_uri", "cookie_secret") if not auth.get(key)]
    problems += [f"[auth] has an unknown setting `{key}` (a misspelling would silently switch a check off)"
                 for key, value in auth.items() if not isinstance(value, Mapping) and key not in KNOWN_AUTH_KEYS]
    named = {name: section for name, section in auth.items() if isinstance(section, Mapping) and name != "client_kwargs"}
    flat = any(key in auth for key in PROVIDER_KEYS)
    providers = ({"": auth} if flat else {}) | named
    if not providers:
        problems.append("[auth] names no provider (`client_id`, `client_secret` and `server_metadata_url`)")
    elif len(providers) > 1:
        problems.append("[auth] names more than one provider; this dashboard signs in with exactly one")
    for name, section in providers.items():
        missing = [key for key in PROVIDER_KEYS if not section.get(key)]
        if missing:
            problems.append(f"[auth{'.' + name if name else ''}] has no {', '.join(f'`{key}`' for key in missing)}")
    tenant = str(auth["allowed_tenant"]).strip() if auth.get("allowed_tenant") else None
    issuer = str(auth["allowed_issuer"]).strip() if auth.get("allowed_issuer") else None
    for section in providers.values():
        found = MICROSOFT_TENANT.match(str(section.get("server_metadata_url", "")))
        if not found:
            continue
        segment = found.group(1)
        if segment.casefold() in MULTI_TENANT and not tenant:
            problems.append(f"`server_metadata_url` uses Microsoft's multi-tenant endpoint ({segment}): any "
                            "organisation's accounts could sign in; set `allowed_tenant` to your tenant ID")
        elif GUID.fullmatch(segment):
            if tenant and tenant.casefold() != segment.casefold():
                problems.append(f"`allowed_tenant` ({tenant}) differs from the tenant in `server_metadata_url` ({segment})")
            tenant = tenant or segment
    if problems:
        return SignIn("broken", "; ".join(problems))
    return SignIn("configured", provider=next(iter(named)) if named and not flat else None,
                  allowed_tenant=tenant, allowed_issuer=issuer)


def identity_problem(user: Mapping, settings: SignIn) -> str | None:
    """Why a signed-in identity is refused before any data is looked up, or None when it may go on.

    The email itself is matched by the one rule in warehouse/staging/email_key.sql (look-alikes match nothing).
    """
    if not user.get("email"):
        return "the sign-in provider gave no email address"
    verified = user.get("email_verified")
    if verified is not None and verified is not True and str(verified).casefold() != "true":
        return "the sign-in provider says this email address is not verified"
    if settings.allowed_tenant and str(user.get("tid", "")).casefold() != settings.allowed_tenant.casefold():
        return "this account belongs to another organisation (tenant)"
    if settings.allowed_issuer and str(user.get("iss", "")).rstrip("/") != settings.allowed_issuer.rstrip("/"):
        return "this account was issued by another sign-in provider"
    return None


def local_admin_requested() -> bool:
    """The explicit opt-in to administer real data on this machine without sign-in."""
    return os.environ.get(LOCAL_ADMIN_VARIABLE) == "1"


def server_is_local() -> bool:
    """True when the server listens on this machine only (`--server.address 127.0.0.1`)."""
    return str(config.get_option("server.address") or "") in LOCAL_ADDRESSES
