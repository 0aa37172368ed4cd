"""Shared fixtures for the Label Studio SDK compatibility suite.

The suite talks to a running LabelFleet server:
    LABEL_STUDIO_URL        base URL, e.g. http://127.0.0.1:8080
    LABEL_STUDIO_API_KEY    the legacy (40-hex) API token of the user
    LABEL_STUDIO_EMAIL      that user's email     (the login tests need it)
    LABEL_STUDIO_PASSWORD   that user's password  (optional: login tests skip without it)

compat/run.sh starts a fresh server and sets all four. Every test creates its own
project(s) with a unique title and deletes them afterwards, so tests can run in any
order and against a server that already holds data.
"""

from __future__ import annotations

import os
from typing import Callable, Dict, List

import pytest
import requests

from compat_helpers import TEXT_CONFIG, unique_title  # noqa: E402


# ------------------------------------------------------------------ wire log
# Every HTTP exchange (legacy SDK / requests and new SDK / httpx) of the running test is
# recorded; a failing test's report gets the last exchanges, so a server-side problem can be
# read straight off the output (method, URL with query, body sent, status, body returned).

_WIRE: List[str] = []
_WIRE_SHOWN = 20


def _short(data, limit: int = 600) -> str:
    if data is None:
        return "-"
    if isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            return f"<{len(data)} bytes>"
    if not isinstance(data, str):
        return f"<{type(data).__name__}>"
    data = " ".join(data.split())
    return data if len(data) <= limit else data[:limit] + f"...(+{len(data) - limit} chars)"


def _install_wire_log() -> None:
    import httpx

    if getattr(requests.Session.send, "_compat_wrapped", False):
        return
    orig_requests_send = requests.Session.send

    def requests_send(self, request, **kwargs):
        line = f"[requests] {request.method} {request.url} body={_short(request.body)}"
        _WIRE.append(line + " -> (no response: still waiting or connection failed)")
        slot = len(_WIRE) - 1
        resp = orig_requests_send(self, request, **kwargs)
        body = "<stream>" if kwargs.get("stream") else _short(resp.content)
        if slot < len(_WIRE):
            _WIRE[slot] = f"{line} -> {resp.status_code} {body}"
        return resp

    requests_send._compat_wrapped = True  # type: ignore[attr-defined]
    requests.Session.send = requests_send  # type: ignore[assignment]

    orig_httpx_send = httpx.Client.send

    def httpx_send(self, request, *args, **kwargs):
        try:
            sent = request.content
        except Exception:  # streaming request body
            sent = "<stream>"
        line = f"[httpx] {request.method} {request.url} body={_short(sent)}"
        _WIRE.append(line + " -> (no response: still waiting or connection failed)")
        slot = len(_WIRE) - 1
        resp = orig_httpx_send(self, request, *args, **kwargs)
        got = "<stream>" if kwargs.get("stream") else _short(resp.content)
        if slot < len(_WIRE):
            _WIRE[slot] = f"{line} -> {resp.status_code} {got}"
        return resp

    httpx.Client.send = httpx_send  # type: ignore[assignment]


_install_wire_log()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _WIRE.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and _WIRE:
        shown = _WIRE[-_WIRE_SHOWN:]
        header = f"last {len(shown)} of {len(_WIRE)} HTTP exchanges"
        rep.sections.append((header, "\n".join(shown)))


@pytest.fixture(scope="session")
def ls_url() -> str:
    url = os.environ.get("LABEL_STUDIO_URL")
    if not url:
        pytest.fail("LABEL_STUDIO_URL is not set (run the suite through compat/run.sh)")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def api_key() -> str:
    key = os.environ.get("LABEL_STUDIO_API_KEY")
    if not key:
        pytest.fail("LABEL_STUDIO_API_KEY is not set (run the suite through compat/run.sh)")
    return key


@pytest.fixture(scope="session")
def credentials() -> Dict[str, str]:
    email = os.environ.get("LABEL_STUDIO_EMAIL")
    password = os.environ.get("LABEL_STUDIO_PASSWORD")
    if not email or not password:
        pytest.fail("LABEL_STUDIO_EMAIL / LABEL_STUDIO_PASSWORD are not set (run the suite through compat/run.sh)")
    return {"email": email, "password": password}


class Http:
    """Plain `requests` access with the legacy token, for setup/cleanup and wire checks."""

    def __init__(self, base_url: str, api_key: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {api_key}"

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        return self.session.request(method, self.url(path), **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)


@pytest.fixture(scope="session")
def http(ls_url: str, api_key: str) -> Http:
    return Http(ls_url, api_key)


@pytest.fixture
def cleanup_projects(http: Http):
    """Register project ids to delete after the test (404 is fine: the test may have deleted it)."""
    ids: List[int] = []
    yield ids
    errors = []
    for pid in ids:
        try:
            r = http.delete(f"/api/projects/{pid}/")
            if r.status_code not in (200, 204, 404):
                errors.append(f"DELETE /api/projects/{pid}/ -> {r.status_code} {r.text[:200]}")
        except requests.RequestException as exc:  # server gone: nothing to clean
            errors.append(f"DELETE /api/projects/{pid}/ -> {exc}")
    if errors:
        # Cleanup problems are reported but do not mask the test's own outcome.
        print("project cleanup problems:\n  " + "\n  ".join(errors))


# ------------------------------------------------------------------ legacy SDK


@pytest.fixture(scope="session")
def legacy_client(ls_url: str, api_key: str):
    from label_studio_sdk._legacy import Client

    return Client(url=ls_url, api_key=api_key)


@pytest.fixture
def legacy_project_factory(legacy_client, cleanup_projects) -> Callable:
    """Create projects with the legacy SDK (`Client.start_project`); deleted after the test."""

    def make(prefix: str = "compat-legacy", label_config: str = TEXT_CONFIG, **kwargs):
        title = unique_title(prefix)
        project = legacy_client.start_project(title=title, label_config=label_config, **kwargs)
        cleanup_projects.append(project.params["id"])
        return project

    return make


@pytest.fixture
def legacy_project(legacy_project_factory):
    return legacy_project_factory()


# ------------------------------------------------------------------ new (Fern) SDK


@pytest.fixture(scope="session")
def ls(ls_url: str, api_key: str):
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=ls_url, api_key=api_key)


@pytest.fixture(scope="session")
def me(ls):
    """The current user as seen by the new SDK (`users.whoami`)."""
    return ls.users.whoami()


@pytest.fixture
def project_factory(ls, cleanup_projects) -> Callable:
    """Create projects with the new SDK (`projects.create`); deleted after the test."""

    def make(prefix: str = "compat-new", label_config: str = TEXT_CONFIG, **kwargs):
        title = unique_title(prefix)
        project = ls.projects.create(title=title, label_config=label_config, **kwargs)
        assert isinstance(project.id, int), f"projects.create returned no integer id: {project!r}"
        cleanup_projects.append(project.id)
        return project

    return make


@pytest.fixture
def project(project_factory):
    return project_factory()


@pytest.fixture(autouse=True)
def _server_answers(http):
    """Fail fast (instead of one timeout per test) when an earlier request left the server hung."""
    try:
        r = http.get("/api/version", timeout=15)
    except requests.RequestException as exc:
        pytest.fail(f"server does not answer GET /api/version before the test (hung or down?): {exc}")
    if r.status_code != 200:
        pytest.fail(f"GET /api/version before the test -> {r.status_code} {r.text[:200]}")
