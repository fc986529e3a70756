"""The bare Flask endpoint the HTTP benchmark compares every page with: same gunicorn settings,
same machine, same run; `gunicorn bench.hello_app:app`."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
