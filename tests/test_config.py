"""Settings: environment variables with the INTAKE_ prefix, and production's refusals."""

import pytest

from intake import create_app
from intake.config import DEV_SECRET_KEY


def test_settings_come_from_prefixed_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_MAIL_PORT", "2525")
    monkeypatch.setenv("INTAKE_MAIL_SERVER", "smtp.example.test")
    monkeypatch.setenv("INTAKE_SQLALCHEMY_DATABASE_URI", "postgresql://u@127.0.0.1/db")
    app = create_app({"UPLOAD_DIR": str(tmp_path)})
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["MAIL_SERVER"] == "smtp.example.test"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1/db"


def test_default_database_is_sqlite_under_the_instance_folder(monkeypatch):
    monkeypatch.delenv("INTAKE_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/intake.sqlite3")
    assert app.config["UPLOAD_DIR"].endswith("instance/uploads")


@pytest.mark.parametrize("secret", [None, DEV_SECRET_KEY, "short"])
def test_production_refuses_a_weak_or_development_secret_key(secret):
    settings = {"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": "postgresql://u@h/db"}
    if secret is not None:
        settings["SECRET_KEY"] = secret
    with pytest.raises(RuntimeError, match="INTAKE_SECRET_KEY"):
        create_app(settings)


def test_production_refuses_sqlite():
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 40})


def test_production_starts_with_proper_settings():
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "a-long-random-secret-value-0123456789abcdef",
            "SQLALCHEMY_DATABASE_URI": "postgresql://u@127.0.0.1/db",
        }
    )
    assert app.config["ENV_NAME"] == "production"


def test_passwords_are_hashed_with_scrypt_unless_configured_and_production_insists():
    from intake.accounts.passwords import hash_password, verify

    app = create_app({"TESTING": True})
    with app.app_context():
        stored = hash_password("một cụm từ dài khó đoán")
    assert stored.startswith("scrypt:")
    production = {
        "ENV_NAME": "production",
        "SECRET_KEY": "a-long-random-secret-value-0123456789abcdef",
        "SQLALCHEMY_DATABASE_URI": "postgresql://u@127.0.0.1/db",
    }
    for weak in ("pbkdf2:sha256:1", "scrypt:2:1:1", "scryptx", "scrypt:32768:8"):
        with pytest.raises(RuntimeError, match="INTAKE_PASSWORD_HASH_METHOD"):
            create_app({**production, "PASSWORD_HASH_METHOD": weak})
    for slow in ("scrypt", "scrypt:65536:8:1"):
        assert create_app({**production, "PASSWORD_HASH_METHOD": slow})
    # A hash names its method: changing the setting locks nobody out.
    cheap = create_app({"TESTING": True, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
    with cheap.app_context():
        assert verify(stored, "một cụm từ dài khó đoán")
        assert not verify(stored, "một cụm từ khác")
        assert not verify(None, "một cụm từ dài khó đoán")
