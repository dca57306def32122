"""The teacher's journey in a real headless Chromium against `registry serve --demo`.

Search approved apps with their conditions, filter by subject and grade, find out why an
app was denied and what to use instead, request an app, and be told of the decision.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.browser.test_journeys import CHROMIUM, ROOT, _empty, _free_port, _login, _shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (apt-get install chromium); .ci/run installs it",
    ),
]

TEACHER = ("teacher@hudson-valley.example.org", "demo-teacher-password")
OFFICER = ("officer@hudson-valley.example.org", "demo-officer-password")
REASON = "It sells student data and shows students targeted ads."


@pytest.fixture(scope="module")
def demo(tmp_path_factory, database_url):
    """(base URL, database URL) of `registry serve --demo` in a subprocess."""
    var = tmp_path_factory.mktemp("teacher-var")
    db_url = database_url
    if database_url.startswith("sqlite"):
        db_url = f"sqlite://{var / 'teacher.sqlite3'}"
    env = dict(os.environ)  # noqa: TID251 - the server subprocess inherits the environment
    env.update(
        REGISTRY_DATABASE_URL=db_url,
        REGISTRY_VAR_DIR=str(var),
        REGISTRY_SECRET_KEY="teacher-browser-secret-0123456789",
    )
    _empty(db_url)
    port = _free_port()
    log_path = var / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(  # noqa: S603 - our own CLI with fixed arguments
            [sys.executable, "-m", "registry", "serve", "--demo", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base, proc, log_path)
            yield base, db_url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    if database_url.startswith("postgres"):
        _empty(db_url)


def _wait(base: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
        if proc.poll() is not None:
            pytest.fail(f"server exited: {log_path.read_text()}")
    pytest.fail("server did not start within 120 s")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield chromium
        chromium.close()


def _explain_denial(db_url: str) -> None:
    """The officer's explanation for teachers (set directly: the demo leaves it empty)."""

    async def run() -> None:
        from tortoise import Tortoise, connections

        from registry import db
        from registry.models import App, AppStatusRecord

        await Tortoise.init(config=db.tortoise_config(db_url))
        try:
            denied = await App.get(name="FreeFlashcards")
            alternative = await App.get(name="QuizArena")
            await AppStatusRecord.filter(app_id=denied.id).update(
                denial_reason=REASON, alternative_id=alternative.id
            )
        finally:
            await connections.close_all()

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API owns this thread's loop
        pool.submit(asyncio.run, run()).result()


def _decline_as_officer(base: str, name: str, note: str) -> None:
    """The officer declines the request through the JSON API with a browser-like session."""
    with httpx.Client(base_url=base, follow_redirects=False) as officer:
        form = officer.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token
        officer.post(
            "/login",
            data={"email": OFFICER[0], "password": OFFICER[1], "csrf_token": token.group(1)},
        )
        desk = officer.get("/desk").text
        session_token = re.search(r'name="csrf_token" value="([^"]+)"', desk)
        assert session_token
        requests = officer.get("/api/requests").json()["requests"]
        request_id = next(r["id"] for r in requests if r["name"] == name)
        done = officer.post(
            f"/api/requests/{request_id}/decline",
            json={"note": note},
            headers={"X-CSRF-Token": session_token.group(1)},
        )
        assert done.status_code == 200, done.text


def test_teacher_searches_sees_conditions_and_denials_and_requests(demo, browser):
    base, db_url = demo
    _explain_denial(db_url)
    page = browser.new_page()
    _login(page, base, *TEACHER)
    assert page.url.endswith("/apps")

    # Search by words, then narrow by subject and grade: conditions are on every card.
    page.fill("input[name=q]", "science")
    page.click("form[role=search] button[type=submit]")
    body = page.inner_text("body")
    assert "LabBench Virtual Science" in body
    assert "Grades 6-12 only; teacher-created class codes, no student accounts" in body
    page.goto(f"{base}/apps")
    page.select_option("select[name=subject]", "Science")
    page.select_option("select[name=grade]", "3")
    page.click("form[role=search] button[type=submit]")
    body = page.inner_text("body")
    assert "ScienceJournal" in body  # grades 3-8
    assert "LabBench Virtual Science" not in body  # grades 6-12 only
    assert "Flip" not in body  # in review: never listed for teachers
    _shot(page, "teacher-search-filters")

    # A denied app: why, and what to use instead (with its conditions).
    page.goto(f"{base}/apps?q=flashcards")
    denied = page.inner_text("section.denied")
    assert "FreeFlashcards" in denied
    assert "Not approved" in denied
    assert REASON in denied
    assert "QuizArena" in denied
    assert "Nicknames only; do not enter full student names" in denied
    _shot(page, "teacher-search-denied")

    # Request an app and see its status.
    page.click("text=Request a review of a new app")
    assert page.input_value("input[name=name]") == "flashcards"
    page.fill("input[name=name]", "Blooket")
    page.fill("input[name=url]", "https://www.blooket.com")
    page.fill("input[name=class_name]", "Biology 9")
    page.fill("input[name=grade]", "9")
    page.fill("textarea[name=reason]", "Review games before tests")
    page.click("form[action='/requests'] button[type=submit]")
    assert "/requests?sent=1" in page.url
    row = page.inner_text("tr:has-text('Blooket')")
    assert "Waiting for review" in row
    assert "Biology 9" in row

    # The officer declines it; the teacher sees the decision and a notification.
    _decline_as_officer(base, "Blooket", "We already have Kahoot for review games.")
    page.reload()
    row = page.inner_text("tr:has-text('Blooket')")
    assert "Declined" in row
    assert "We already have Kahoot for review games." in row
    assert page.inner_text("a.notifications-link .unread-count").startswith("1")
    page.click("a.notifications-link")
    assert "Your request for Blooket was declined." in page.inner_text("ul.notifications")
    page.click("text=Mark all as read")
    assert "New" not in page.inner_text("ul.notifications")
    assert page.inner_text("a.notifications-link").strip() == "Notifications"
    _shot(page, "teacher-notifications")
