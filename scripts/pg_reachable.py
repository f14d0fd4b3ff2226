"""Exit 0 when the PostgreSQL server of the given URL answers, 1 otherwise."""

import sys
from urllib.parse import urlparse

import psycopg2

url = urlparse(sys.argv[1])
try:
    psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username, password=url.password,
        dbname=url.path.lstrip("/") or "postgres", connect_timeout=3,
    ).close()
except psycopg2.OperationalError:
    sys.exit(1)
