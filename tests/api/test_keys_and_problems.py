"""API keys from the operator's shell, and the API's answers in problem details."""

import sqlalchemy as sa

from intake.api_keys.models import ApiKey
from intake.extensions import db


def run(app, *args):
    return app.test_cli_runner().invoke(args=["intake", *args])


def create_key(app, name="Hue-S", *extra) -> str:
    result = run(app, "api-key", "create", "--name", name, *extra)
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_new_key_is_printed_alone_on_the_last_line_and_stored_only_as_a_digest(app):
    key = create_key(app)
    assert key.startswith("pakn_") and " " not in key and len(key) == 48
    stored = db.session.scalars(sa.select(ApiKey)).one()
    assert stored.name == "Hue-S" and key not in (stored.digest, stored.prefix)
    assert key.startswith(stored.prefix)


def test_a_key_identifies_its_app_until_it_is_revoked(app, client):
    key = create_key(app, "Kiosk Sở Tư pháp", "--rate-limit", "30/minute")
    answer = client.get("/api/v1/key", headers=bearer(key))
    assert answer.status_code == 200
    assert answer.json == {
        "name": "Kiosk Sở Tư pháp",
        "kind": "client",
        "prefix": key[:12],
        "rate_limit": "30/minute",
        "officer": None,
    }
    listed = run(app, "api-key", "list").output
    assert "Kiosk Sở Tư pháp" in listed and "active" in listed and key not in listed

    assert run(app, "api-key", "revoke", key[:12]).exit_code == 0
    refused = client.get("/api/v1/key", headers=bearer(key))
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert "revoked" in run(app, "api-key", "list").output


def test_unknown_keys_and_bad_options_are_refused_plainly(app, client):
    assert client.get("/api/v1/key", headers=bearer("pakn_" + "x" * 43)).status_code == 401
    assert client.get("/api/v1/key", headers={"Authorization": "Basic abc"}).status_code == 401
    bad_limit = run(app, "api-key", "create", "--name", "X", "--rate-limit", "lots")
    assert bad_limit.exit_code != 0 and "120/minute" in bad_limit.output
    assert run(app, "api-key", "revoke", "nope").exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 0


def test_each_key_has_its_own_rate_limit(app, client):
    app.config["RATELIMIT_ENABLED"] = True
    slow, other = create_key(app, "Slow", "--rate-limit", "2/minute"), create_key(app, "Other")
    codes = [client.get("/api/v1/key", headers=bearer(slow)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = client.get("/api/v1/key", headers=bearer(slow))
    assert limited.mimetype == "application/problem+json" and limited.json["status"] == 429
    assert client.get("/api/v1/key", headers=bearer(other)).status_code == 200


def test_errors_under_the_api_are_problem_details_and_pages_stay_html(client):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert missing.json["title"] == "Not Found" and missing.json["status"] == 404
    wrong_method = client.delete("/api/v1/reference/fields")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]
    assert client.get("/no-such-page").mimetype == "text/html"


def test_the_document_is_openapi_3_1_and_lists_the_reference_lists(client, org):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/reference/fields" in document["paths"]
    fields = client.get("/api/v1/reference/fields").json
    assert fields and {"id", "code", "name"} <= set(fields[0])


def test_a_refusal_of_the_domain_is_409_or_422_with_its_field(app):
    from intake.api.outcomes import value_or_problem
    from intake.api.problems import ProblemError
    from intake.web.lifecycle import Outcome, Refusal

    assert value_or_problem(Outcome(value=7)) == 7
    for refusal, status, errors in [
        (Refusal("changed", keeps_form=False), 409, None),
        (Refusal("bad", keeps_form=True, field="title"), 422, [
            {"field": "body.title", "message": "bad"}]),
    ]:  # fmt: skip
        try:
            value_or_problem(Outcome(refusal=refusal))
        except ProblemError as problem:
            assert (problem.code, problem.errors) == (status, errors)
        else:
            raise AssertionError("no problem raised")
