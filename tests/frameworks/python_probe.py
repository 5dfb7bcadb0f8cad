"""Runs every call of data/apis/python.toml inside a handler of its real framework and
prints what the framework sent, one JSON object per line:
    {"call": ..., "framework": ..., "status": 302, "headers": ["location", ...]}
tests/python_frameworks.rs compares these with the table. Also prints the framework facts
the fixtures rely on as {"fact": ..., "holds": true|false}. Run with the venv that
scripts/install-python-frameworks.sh makes."""
import asyncio
import json
import sys
import tomllib
import types

TABLE = tomllib.load(open(sys.argv[1], "rb"))


def report(entry, framework, status, headers):
    print(json.dumps({
        "call": entry["call"],
        "framework": framework,
        "status": status,
        "headers": sorted({h.lower() for h in headers}),
    }), flush=True)


def evaluate(probe, names):
    """The probe's value; an exception it raises is its value too."""
    try:
        return eval(probe, names)
    except BaseException as e:  # abort() and friends raise
        return e


# --- Flask, Werkzeug ---
def run_flask(entries):
    import flask
    import werkzeug.exceptions
    app = flask.Flask("probe")
    current = {}

    @app.route("/")
    def view():
        value = evaluate(current["probe"], {"flask": flask, "werkzeug": werkzeug})
        if isinstance(value, BaseException):
            raise value
        return value

    client = app.test_client()
    for entry in entries:
        current["probe"] = entry["probe"]
        r = client.get("/")
        report(entry, "flask", r.status_code, r.headers.keys())

    # Flask-HTTPAuth: the response an `@auth.error_handler` returns gets the challenge.
    import flask_httpauth
    guarded_app = flask.Flask("httpauth")
    auth = flask_httpauth.HTTPBasicAuth()

    @auth.verify_password
    def verify(username, password):
        return None

    @auth.error_handler
    def auth_error(status):
        return flask.jsonify(error="authentication required"), 401

    @guarded_app.route("/")
    @auth.login_required
    def guarded():
        return "ok"

    r = guarded_app.test_client().get("/")
    print(json.dumps({
        "fact": "Flask-HTTPAuth adds WWW-Authenticate to the 401 an error_handler returns",
        "holds": r.status_code == 401 and "WWW-Authenticate" in r.headers,
    }), flush=True)


# --- Django and Django REST framework ---
def run_django(entries, drf_entries):
    import django
    from django.conf import settings
    urls = types.ModuleType("probe_urls")
    sys.modules["probe_urls"] = urls
    settings.configure(
        DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF="probe_urls", SECRET_KEY="probe",
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
        MIDDLEWARE=[], DATABASES={}, LOGGING_CONFIG=None,
    )
    django.setup()
    import django.core.exceptions
    import django.http
    import django.shortcuts
    import django.views.generic
    import rest_framework.exceptions
    import rest_framework.response
    from django.test import Client
    from django.urls import path
    from rest_framework.decorators import api_view
    current = {}
    names = {"django": django, "rest_framework": rest_framework}

    def view(request):
        value = evaluate(current["probe"], names)
        if isinstance(value, BaseException):
            raise value
        if callable(value):  # `RedirectView.as_view(...)` gives a view
            return value(request)
        return value

    @api_view(["GET"])
    def drf_view(request):
        return view(request)

    # A view whose authentication class offers a challenge, for the EXCEPTION_HANDLER facts.
    from rest_framework.authentication import BasicAuthentication
    from rest_framework.decorators import authentication_classes

    @api_view(["GET"])
    @authentication_classes([BasicAuthentication])
    def challenged_view(request):
        raise rest_framework.exceptions.NotAuthenticated("log in first")

    handlers = types.ModuleType("probe_handlers")
    handlers.handle = lambda exc, context: rest_framework.response.Response(
        {"error": str(exc)}, status=exc.status_code)
    import rest_framework.views
    handlers.keep = lambda exc, context: rest_framework.views.exception_handler(exc, context)
    sys.modules["probe_handlers"] = handlers

    urls.urlpatterns = [path("", view), path("drf", drf_view), path("challenged", challenged_view)]
    client = Client(raise_request_exception=False)
    for entry in entries:
        current["probe"] = entry["probe"]
        r = client.get("/")
        report(entry, "django", r.status_code, r.headers.keys())
    for entry in drf_entries:
        current["probe"] = entry["probe"]
        r = client.get("/drf")
        report(entry, "drf", r.status_code, r.headers.keys())

    from django.test import override_settings
    r = client.get("/challenged")
    print(json.dumps({
        "fact": "DRF's own exception handler adds the challenge to a NotAuthenticated",
        "holds": r.status_code == 401 and "WWW-Authenticate" in r.headers,
    }), flush=True)
    with override_settings(REST_FRAMEWORK={"EXCEPTION_HANDLER": "probe_handlers.handle"}):
        r = client.get("/challenged")
    print(json.dumps({
        "fact": "an EXCEPTION_HANDLER that builds its own Response sends the 401 without it",
        "holds": r.status_code == 401 and "WWW-Authenticate" not in r.headers,
    }), flush=True)
    with override_settings(REST_FRAMEWORK={"EXCEPTION_HANDLER": "probe_handlers.keep"}):
        r = client.get("/challenged")
    print(json.dumps({
        "fact": "an EXCEPTION_HANDLER that starts from DRF's exception_handler keeps it",
        "holds": r.status_code == 401 and "WWW-Authenticate" in r.headers,
    }), flush=True)


# --- FastAPI, Starlette ---
def run_fastapi(entries):
    import fastapi
    import starlette.responses
    from fastapi.testclient import TestClient
    app = fastapi.FastAPI()
    current = {}

    @app.get("/")
    def view():
        value = evaluate(current["probe"], {"fastapi": fastapi, "starlette": starlette})
        if isinstance(value, BaseException):
            raise value
        return value

    client = TestClient(app, raise_server_exceptions=False)
    for entry in entries:
        current["probe"] = entry["probe"]
        r = client.get("/", follow_redirects=False)
        report(entry, "fastapi", r.status_code, r.headers.keys())


# --- aiohttp ---
def run_aiohttp(entries):
    import aiohttp.web
    from aiohttp.test_utils import TestClient, TestServer
    current = {}

    async def view(request):
        value = evaluate(current["probe"], {"aiohttp": aiohttp})
        if isinstance(value, BaseException):
            raise value
        return value

    async def main():
        app = aiohttp.web.Application()
        app.router.add_get("/", view)
        async with TestClient(TestServer(app)) as client:
            for entry in entries:
                current["probe"] = entry["probe"]
                r = await client.get("/", allow_redirects=False)
                report(entry, "aiohttp", r.status, r.headers.keys())

    asyncio.run(main())


# --- Tornado ---
def run_tornado(entries):
    import tornado.httpclient
    import tornado.web
    current = {}

    class Probe(tornado.web.RequestHandler):
        def get(self):
            value = evaluate(current["probe"], {"self": self, "tornado": tornado})
            if isinstance(value, BaseException):
                raise value

    class HeaderThenError(tornado.web.RequestHandler):
        def get(self):
            self.set_header("WWW-Authenticate", "Bearer")
            raise tornado.web.HTTPError(401)

    async def main():
        app = tornado.web.Application([("/", Probe), ("/header-then-error", HeaderThenError)])
        server = app.listen(0, address="127.0.0.1")
        port = next(iter(server._sockets.values())).getsockname()[1]
        client = tornado.httpclient.AsyncHTTPClient()
        for entry in entries:
            current["probe"] = entry["probe"]
            r = await client.fetch(f"http://127.0.0.1:{port}/", raise_error=False, follow_redirects=False)
            report(entry, "tornado", r.code, r.headers.keys())
        r = await client.fetch(f"http://127.0.0.1:{port}/header-then-error", raise_error=False)
        print(json.dumps({
            "fact": "tornado drops headers set before an HTTPError",
            "holds": r.code == 401 and "WWW-Authenticate" not in r.headers,
        }), flush=True)
        server.stop()

    asyncio.run(main())


def constants():
    import http
    import rest_framework.status
    import starlette.status
    members = {m.name: m.value for m in http.HTTPStatus}
    print(json.dumps({"fact": "every http_status name is an HTTPStatus member with that value",
                      "holds": all(members.get(n) == c for n, c in TABLE["http_status"].items())}))
    print(json.dumps({"fact": "every status_names name exists in rest_framework.status with its code",
                      "holds": all(getattr(rest_framework.status, n, None) == int(c)
                                   for c, n in TABLE["status_names"].items())}))
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        print(json.dumps({"fact": "every status_names name exists in starlette.status with its code",
                          "holds": all(getattr(starlette.status, n, None) == int(c)
                                       for c, n in TABLE["status_names"].items()
                                       if int(c) != 509)}))


def main():
    by = {}
    for entry in TABLE["calls"]:
        for framework in entry["frameworks"]:
            by.setdefault(framework, []).append(entry)
    run_flask(by.pop("flask", []))
    run_django(by.pop("django", []), by.pop("drf", []))
    run_fastapi(by.pop("fastapi", []))
    run_aiohttp(by.pop("aiohttp", []))
    run_tornado(by.pop("tornado", []))
    constants()
    if by:
        sys.exit(f"no runner for frameworks {sorted(by)}")


main()
