"""Error pages: friendly, in the visitor's language, and never a stack trace."""

import sqlalchemy as sa

from intake import create_app
from intake.extensions import db
from intake.org.models import Field


def test_an_unexpected_error_shows_an_apology_and_rolls_back(database_url, tmp_path):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "t",
         "UPLOAD_DIR": str(tmp_path), "PROPAGATE_EXCEPTIONS": False}
    )  # fmt: skip

    @app.get("/boom")
    def boom():
        db.session.add(Field(code="half-done", name="Ghi dở dang"))
        db.session.flush()  # sent to the database inside the request's transaction
        raise RuntimeError("secret internal detail")

    @app.after_request
    def commit_afterwards(response):
        # Anything that commits after the error page is rendered must find nothing pending.
        db.session.commit()
        return response

    response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in html
    assert "secret internal detail" not in html and "Traceback" not in html
    with app.app_context():
        assert db.session.scalar(sa.select(Field).where(Field.code == "half-done")) is None
        db.session.remove()
        db.engine.dispose()  # this app is the test's own: close its connections here


def test_not_found_in_english(client):
    client.get("/?lang=en")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_signed_in_officer_keeps_their_menu_on_a_missing_page(client, org):
    from tests.cases.factories import make_staff
    from tests.officer.helpers import login

    staff = make_staff()
    login(client, staff.supervisor)
    html = client.get("/supervision/no-such-page").get_data(as_text=True)
    assert "Theo dõi, giám sát" in html and "Đăng xuất" in html
    assert "Cán bộ đăng nhập" not in html
    assert "Về trang làm việc" in html
