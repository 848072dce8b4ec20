"""Fixtures for the login tests: a real OIDC provider on loopback, and two kommuner."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent.parent
IDP_PASSWORD = "idp-passord-æøå-123"
PROVIDERS = {"rendalen": "rendalen-client", "tynset": "tynset-client"}


@dataclass
class IdP:
    """A running provider: its issuer URL, and the client id and secret per Planportal
    provider id."""

    issuer: str
    clients: dict[str, tuple[str, str]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="session", autouse=True)
def plain_http_live_server() -> Iterator[None]:
    """The live server speaks plain http on localhost, also when CI runs in production
    mode; set before the server's handler is built (SecurityMiddleware reads it once)."""
    from django.test import override_settings

    override = override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        ALLOWED_HOSTS=["*"],
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session")
def idp(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdP]:
    """django-oauth-toolkit with OIDC, in its own process on a free loopback port.

    It knows one person (``kari``) and one client application per Planportal provider,
    whose redirect URI points at the live server.
    """
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(tmp_path_factory.mktemp("idp") / "idp.sqlite3"),
        "OIDC_RSA_PRIVATE_KEY": _rsa_pem(),
        "PYTHONPATH": str(ROOT),
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    clients = {pid: (client, f"{client}-secret") for pid, client in PROVIDERS.items()}
    spec = {
        "users": [{"username": "kari", "password": IDP_PASSWORD,
                   "email": "kari.nordmann@rendalen.kommune.no",
                   "first_name": "Kari", "last_name": "Nordmann"}],
        "apps": [
            {"client_id": client, "client_secret": secret,
             "redirect_uri": f"{live_server.url}/accounts/oidc/{pid}/login/callback/"}
            for pid, (client, secret) in clients.items()
        ],
    }
    subprocess.run([sys.executable, "-m", "tests.oidc_provider.bootstrap"],
                   input=json.dumps(spec), text=True, env=env, cwd=ROOT, check=True,
                   timeout=120)
    log = tmp_path_factory.mktemp("idp-log") / "runserver.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("w"),
    )
    issuer = f"http://127.0.0.1:{port}/o"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration",
                                timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the test OIDC provider did not start: {log.read_text()}")
            time.sleep(0.2)
        yield IdP(issuer=issuer, clients=clients)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
