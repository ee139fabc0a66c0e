"""Start and drive the test suite's OpenID Connect provider (provider.mjs, npm `oidc-provider`)
as a real process on 127.0.0.1, and play the person's browser at the provider.

Leerkring's side of the flow runs through Django's test client (or the live server); the
provider's side is real HTTP to the Node process: discovery, the authorisation request, its
sign-in screen, the code exchange and the userinfo call all happen as in production.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "leerkring"
CLIENT_SECRET = "test-client-secret-not-used-elsewhere"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Provider:
    issuer: str

    def app(self, provider_id: str = "gemeente", label: str = "Gemeente Voorbeeld", **settings):
        """The entry for settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]."""
        return {
            "provider_id": provider_id,
            "name": label,
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "settings": {"server_url": self.issuer, **settings},
        }

    def sign_in(self, authorize_url: str, *, sub: str, amr: str = "pwd", acr: str = "") -> str:
        """Follow the authorisation request like a browser, sign in as `sub` on the provider's
        screen, and return the URL the provider sends the browser back to."""
        browser = requests.Session()
        url = authorize_url
        for _ in range(10):
            response = browser.get(url, allow_redirects=False, timeout=10)
            if response.status_code == 200 and "/interaction/" in url:
                response = browser.post(
                    url, data={"login": sub, "amr": amr, "acr": acr}, allow_redirects=False
                )
            location = response.headers.get("Location")
            if not location:
                raise AssertionError(f"provider stopped at {url}: {response.status_code}")
            url = urljoin(url, location)
            if not url.startswith(self.issuer):
                return url
        raise AssertionError("the provider redirected too often")


@contextmanager
def running_provider(*, redirect_uris: list[str], accounts: dict[str, dict]) -> Iterator[Provider]:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is needed for the OpenID Connect tests (make setup installs it)")
    port = _free_port()
    clients = [
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": redirect_uris,
            "token_endpoint_auth_method": "client_secret_post",
        }
    ]
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps(clients),
        "OIDC_ACCOUNTS": json.dumps(accounts),
    }
    process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
        [node, str(SCRIPT)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        ready = process.stdout.readline()
        if not ready.startswith("ready "):
            raise RuntimeError(f"the OpenID Connect provider did not start: {ready!r}")
        issuer = ready.split()[1]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield Provider(issuer=issuer)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
