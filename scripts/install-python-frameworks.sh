#!/usr/bin/env bash
# Installs the Python web frameworks whose spellings data/apis/python.toml describes into a
# venv under .cache/python, for tests/python_frameworks.rs to check the table against.
# Idempotent; nothing is installed outside the project.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.cache/python
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# Through the venv's python: a venv copied from another checkout keeps that one's pip.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    'flask>=3,<4' 'quart>=0.19' 'werkzeug>=3,<4' \
    'django>=5,<6' 'djangorestframework>=3.15,<4' \
    'fastapi>=0.110' 'starlette>=0.37' 'httpx>=0.27' \
    'aiohttp>=3.9,<4' 'tornado>=6.4,<7' 'flask-httpauth>=4.8,<5'
"$venv/bin/python" -c 'import flask, django, rest_framework, fastapi, aiohttp, tornado, flask_httpauth; print("python frameworks ready in .cache/python")'
