"""The three journeys in a real headless Chromium against a real uvicorn server.

The server runs in its own process, as `registry serve` runs it, so lifespan, sessions,
CSRF and the database are exercised exactly as a user meets them. Screenshots of the main
pages are kept in ./artifacts/ for review.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from registry.demo import DEMO_SLUG

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "registry" / "demo_data" / "thirty-day-breach.pdf"
ARTIFACTS = ROOT / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (apt-get install chromium); .ci/run installs it",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory, database_url):
    """`registry serve --demo` on a fresh database, in a subprocess."""
    var = tmp_path_factory.mktemp("var")
    env = dict(os.environ)  # noqa: TID251 - the server subprocess inherits the environment
    db_url = database_url
    if database_url.startswith("sqlite"):
        db_url = f"sqlite://{var / 'browser.sqlite3'}"
    env.update(
        REGISTRY_DATABASE_URL=db_url,
        REGISTRY_VAR_DIR=str(var),
        REGISTRY_SECRET_KEY="browser-test-secret-0123456789",
    )
    _empty(db_url)
    port = _free_port()
    log_path = var / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "registry", "serve", "--demo", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"server exited: {log_path.read_text()}")
    else:
        proc.kill()
        log.close()
        pytest.fail("server did not start within 120 s")
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()
    if database_url.startswith("postgres"):
        _empty(db_url)


def _empty(db_url: str) -> None:
    """Start from an empty database so the demo loads (PostgreSQL is shared with the suite)."""
    if not db_url.startswith("postgres"):
        return
    import asyncio

    from tortoise import Tortoise, connections

    from registry import db
    from tests.conftest import truncate

    async def run() -> None:
        await Tortoise.init(config=db.tortoise_config(db_url))
        await truncate(db_url)
        await connections.close_all()

    asyncio.run(run())


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


def _login(page, base, email, password):
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_officer_teacher_parent_journeys(server, browser):
    officer = browser.new_page()
    _login(officer, server, "officer@hudson-valley.example.org", "demo-officer-password")
    assert officer.url.endswith("/desk")
    _shot(officer, "officer-desk")
    # Add an app, upload the sample PDF, read the findings.
    officer.fill("form[action='/apps/new'] input[name=name]", "Quizzly")
    officer.fill("form[action='/apps/new'] input[name=vendor]", "Nimbus Tutor")
    officer.fill("form[action='/apps/new'] input[name=subjects]", "Astronomy")
    officer.click("form[action='/apps/new'] button[type=submit]")
    assert "/apps/" in officer.url
    officer.set_input_files("input[name=file]", str(SAMPLE))
    officer.click("form[enctype='multipart/form-data'] button[type=submit]")
    officer.wait_for_url("**/agreements/*")
    text = officer.inner_text("body")
    assert "us-ny.part121.breach-7d" in text or "7 calendar days" in text
    assert "Page 2" in text or "page 2" in text
    assert "30 days" in text
    _shot(officer, "officer-review")
    # Approve with a condition.
    officer.go_back()
    officer.reload()
    officer.select_option("select[name=to]", "approved_with_conditions")
    officer.fill("textarea[name=conditions]", "Grades 9-12 only")
    officer.click("form[action$='/status'] button[type=submit]")
    assert "Grades 9-12 only" in officer.inner_text("body")
    assert "app:status" in officer.inner_text("body")  # the audit trail shows the decision

    teacher = browser.new_page()
    _login(teacher, server, "teacher@hudson-valley.example.org", "demo-teacher-password")
    teacher.goto(f"{server}/apps?q=astronomy")
    body = teacher.inner_text("body")
    assert "Quizzly" in body
    assert "Grades 9-12 only" in body
    _shot(teacher, "teacher-search")
    teacher.goto(f"{server}/desk")
    assert "Review desk" not in teacher.inner_text("body")  # 403 for teachers

    parent = browser.new_page(viewport={"width": 360, "height": 740})
    parent.goto(f"{server}/d/{DEMO_SLUG}")
    body = parent.inner_text("body")
    assert "Quizzly" in body
    assert "Grades 9-12 only" in body
    assert "StudyBuddy AI" not in body  # in review: never public
    assert "us-ny" not in body  # no findings on public pages
    _shot(parent, "parent-district")
    feed = httpx.get(f"{server}/d/{DEMO_SLUG}.json").json()
    assert "Quizzly" in [a["name"] for a in feed["apps"]]


def test_bad_upload_shows_a_clear_message(server, browser, tmp_path):
    page = browser.new_page()
    _login(page, server, "officer@hudson-valley.example.org", "demo-officer-password")
    page.goto(f"{server}/desk")
    page.click("text=StudyBuddy AI")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(SAMPLE.read_bytes()[:1500])
    page.set_input_files("input[name=file]", str(broken))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    body = page.inner_text("body").lower()
    assert "damaged" in body or "could not be read" in body or "incomplete" in body
