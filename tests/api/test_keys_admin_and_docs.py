"""The administrators' page of client keys (shown once, revoked with a confirmation, both in
the processing log without the digest), the documentation page, the public lists."""

from __future__ import annotations

import re
from html import unescape

import sqlalchemy as sa

from intake import clock
from intake.api_keys.models import ApiKey
from intake.audit.models import AuditAction, AuditEntry
from intake.audit.recording import MASK
from intake.cases.models import Case
from intake.core.states import State
from intake.extensions import db
from tests.admin.helpers import submit
from tests.api.helpers import bearer, create_key, item
from tests.cases.factories import advance, make_staff
from tests.officer.helpers import login

KEY = re.compile(r'<code id="new-key-value">(pakn_[A-Za-z0-9_-]+)</code>')


def operations(path_item: dict):
    return [(m, o) for m, o in path_item.items() if m in ("get", "post", "put", "patch", "delete")]


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_an_administrator_creates_a_key_seen_once_and_revokes_it(app, client, org):
    staff = make_staff()
    db.session.commit()
    admin = signed_in(app, staff.admin)
    created = submit(admin, "/admin/api-keys", {"name": "Ki-ốt Sở Tư pháp",
                                                "rate_limit": "30/minute"})  # fmt: skip
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    raw = KEY.search(created.get_data(as_text=True)).group(1)
    assert "không bao giờ hiện lại" in created.get_data(as_text=True)
    assert client.get("/api/v1/key", headers=bearer(raw)).json["rate_limit"] == "30/minute"
    listing = admin.get("/admin/api-keys").get_data(as_text=True)
    assert raw not in listing and raw[:12] in listing and "Ki-ốt Sở Tư pháp" in listing

    stored = db.session.scalars(sa.select(ApiKey)).one()
    unconfirmed = submit(admin, f"/admin/api-keys/{stored.id}/revoke", {}, page="/admin/api-keys")
    assert unconfirmed.status_code == 303
    assert client.get("/api/v1/key", headers=bearer(raw)).status_code == 200
    revoked = submit(admin, f"/admin/api-keys/{stored.id}/revoke", {"confirm": "y"},
                     page="/admin/api-keys")  # fmt: skip
    assert revoked.status_code == 303
    assert client.get("/api/v1/key", headers=bearer(raw)).status_code == 401
    assert "đã thu hồi" in admin.get("/admin/api-keys").get_data(as_text=True)

    db.session.expire_all()
    logged = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.target_type == "api_key").order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in logged] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert logged[0].changes["digest"] == [None, MASK]
    assert logged[0].actor_id == staff.admin.id
    assert "revoked_at" in logged[1].changes
    assert stored.digest not in str([e.changes for e in logged])


def test_a_bad_rate_limit_is_shown_next_to_its_field_and_only_admins_see_the_page(app, org):
    staff = make_staff()
    db.session.commit()
    admin = signed_in(app, staff.admin)
    refused = submit(admin, "/admin/api-keys", {"name": "X", "rate_limit": "lots"})
    assert refused.status_code == 422 and "120/minute" in unescape(refused.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count(ApiKey.id))) == 0
    for user in (staff.intake, staff.supervisor, staff.lead):
        assert signed_in(app, user).get("/admin/api-keys").status_code == 404
    assert app.test_client().get("/admin/api-keys").status_code in (302, 303, 404)


def test_the_documentation_page_lists_every_operation_of_the_document(client, org):
    document = client.get("/api/v1/openapi.json").json
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = unescape(page.get_data(as_text=True))
    for path, item_ in document["paths"].items():
        for method, operation in operations(item_):
            assert f"<code>{path}</code>" in html
            assert operation["summary"] in html, (method, path)
    assert "curl -X POST" in html and "Tài liệu API kết nối" in html
    assert 'href="/api/v1/docs"' in client.get("/").get_data(as_text=True)  # the footer


def test_every_operation_is_described_with_its_errors_as_problem_details(client, org):
    document = client.get("/api/v1/openapi.json").json
    assert {"clientKey", "officerToken"} <= set(document["components"]["securitySchemes"])
    for path, item_ in document["paths"].items():
        for method, operation in operations(item_):
            assert operation.get("summary") and operation.get("description"), (method, path)
            assert "429" in operation["responses"], (method, path)  # every call is limited
            for status, response in operation["responses"].items():
                if "$ref" in response:
                    name = response["$ref"].rsplit("/", 1)[-1]
                    response = document["components"]["responses"][name]
                if status.startswith(("4", "5")) or status == "default":
                    assert list(response["content"]) == ["application/problem+json"], (
                        method, path, status)  # fmt: skip


def test_published_answers_are_searched_redacted_and_paginated(app, client, org):
    key = create_key(app)
    staff = make_staff()
    db.session.commit()
    codes = []
    for title in ("Đèn đường hỏng trên đường Lê Lợi", "Cấp giấy phép xây dựng chậm"):
        receipt = client.post("/api/v1/items", json=item(title=title), headers=bearer(key)).json
        case = db.session.scalar(
            sa.select(Case).where(Case.reference_code == receipt["reference_code"])
        )
        advance(case, State.ANSWERED, staff, clock.now())
        db.session.commit()
        codes.append(receipt["reference_code"])
    client.post("/api/v1/items", json=item(), headers=bearer(key))  # not published

    listed = client.get("/api/v1/published?page_size=1")
    assert listed.status_code == 200 and len(listed.json) == 1
    assert '"total": 2' in listed.headers["X-Pagination"]
    found = client.get("/api/v1/published", query_string={"q": "den duong le loi"}).json
    assert [p["reference_code"] for p in found] == [codes[0]]
    published = found[0]
    assert "Nguyễn Văn An" not in str(published) and "0912" not in str(published)
    assert published["answer"] and published["published_at"].endswith("+07:00")
    assert client.get(f"/api/v1/published/{codes[1]}").json["reference_code"] == codes[1]
    assert client.get("/api/v1/published/PAKN-2026-AAAA-AAAA").status_code == 404
    none_yet = client.get("/api/v1/published", query_string={"to": "2020-01-01"}).json
    assert none_yet == []
    assert client.get("/api/v1/published?from=nope").status_code == 422

    figures = client.get("/api/v1/statistics").json
    assert figures["total"]["received"] == 3 and figures["total"]["answered"] == 2
    assert client.get("/api/v1/statistics?year=2001").status_code == 404
