"""Bad uploads get a clear message on the app page and leave no agreement behind."""

from __future__ import annotations

import httpx
import pytest

from registry import catalog
from registry.models import Agreement, App
from registry.status import Role
from tests.conftest import make_actor, make_district
from tests.documents import make_pdf
from tests.web.conftest import csrf_from, sign_in

pytestmark = pytest.mark.anyio

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


async def _setup(client: httpx.AsyncClient) -> tuple[App, str]:
    district = await make_district()
    officer = await make_actor(district, Role.PRIVACY_OFFICER)
    await sign_in(client, officer.email)
    app = await catalog.create_app(officer, name="MathQuest", vendor_name="Brightpath")
    return app, await csrf_from(client, "/desk")


async def _upload(
    client: httpx.AsyncClient, app: App, token: str, data: bytes, filename: str = "dpa.pdf"
) -> httpx.Response:
    return await client.post(
        f"/apps/{app.id}/agreements",
        data={"csrf_token": token, "kind": "state_dpa"},
        files={"file": (filename, data, "application/pdf")},
    )


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        pytest.param(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pa", "broken.pdf", id="corrupt-pdf"),
        pytest.param(b"", "empty.pdf", id="empty"),
        pytest.param(PNG, "scan.png", id="png"),
    ],
)
async def test_unreadable_upload_is_422_with_message(
    client: httpx.AsyncClient, data: bytes, filename: str
) -> None:
    app, token = await _setup(client)
    response = await _upload(client, app, token, data, filename)
    assert response.status_code == 422, response.text
    assert 'class="alert error"' in response.text
    assert "Nothing was added." in response.text
    assert "MathQuest" in response.text  # the app page, re-rendered
    assert await Agreement.all().count() == 0


async def test_duplicate_upload_is_409(client: httpx.AsyncClient) -> None:
    app, token = await _setup(client)
    data = make_pdf([["Provider shall notify the district of a breach within 30 days."]])
    first = await _upload(client, app, token, data)
    assert first.status_code == 303, first.text
    again = await _upload(client, app, token, data, "copy.pdf")
    assert again.status_code == 409
    assert "This exact file was already uploaded" in again.text
    assert first.headers["location"] in again.text
    assert await Agreement.all().count() == 1


async def test_oversize_upload_is_refused_before_reading(client: httpx.AsyncClient) -> None:
    app, token = await _setup(client)
    data = b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)
    response = await _upload(client, app, token, data)
    assert response.status_code == 413
    assert "larger than the 5 MB limit" in response.text
    assert await Agreement.all().count() == 0


async def test_upload_without_file_or_with_bad_date(client: httpx.AsyncClient) -> None:
    app, token = await _setup(client)
    no_file = await client.post(
        f"/apps/{app.id}/agreements", data={"csrf_token": token, "kind": "ndpa"}
    )
    assert no_file.status_code == 422
    assert "Choose the agreement file to upload." in no_file.text
    bad_date = await client.post(
        f"/apps/{app.id}/agreements",
        data={"csrf_token": token, "kind": "ndpa", "signed_on": "yesterday"},
        files={"file": ("dpa.pdf", make_pdf([["Hello"]]), "application/pdf")},
    )
    assert bad_date.status_code == 422
    assert "signing date is not a date" in bad_date.text
    assert await Agreement.all().count() == 0
