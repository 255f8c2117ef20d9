"""Database URLs: telling one from a folder path, hiding its password, handing it to workers."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

# A password shown as *** in a URL is taken from DATA_URL_ENV when it holds the same URL with
# the real password: the runner hands it to report kernels this way, so no notebook stores it.
from kpi_helpers.config import DATA_URL_ENV

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+://")


# user:password@ in a URL (the password may hold ':' and '/', never '@' unescaped).
_USERINFO = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.\-]*://[^:@/\s]*:)[^@\s]*@")
# password=..., pwd=..., sslpassword=..., "password": "..." in a query, a libpq DSN or a mapping;
# the key is kept, the value (quoted or not) becomes ***.
_KEYED = re.compile(
    r"""(?ix)
    (?P<key>\b[\w.\-]*(?:password|passwd|pwd)[\w.\-]*)
    (?P<sep>["']?\s*[=:]\s*)
    (?P<value>"[^"]*"|'[^']*'|[^&;\s,}"']+)
    """
)
MASK = "***"


def is_database_url(text: str | os.PathLike) -> bool:
    """True for a SQLAlchemy URL (`dialect[+driver]://...`), False for a folder path."""
    return bool(_URL.match(str(text).strip()))


def mask_secrets(text: str) -> str:
    """Any text (a URL, a message, an exception) with every password in it shown as ***.

    Masks the userinfo form (`postgresql://kpi:SECRET@host/db`), query and DSN parameters
    (`?password=SECRET`, `&pwd=SECRET`, `sslpassword=SECRET`, `password='SECRET'`) and mapping
    keys holding a password (`"password": "SECRET"`).
    """
    text = _USERINFO.sub(rf"\1{MASK}@", str(text))

    def keyed(m: re.Match) -> str:
        value = m.group("value")
        quote = value[0] if value[:1] in ("'", '"') else ""
        return f"{m.group('key')}{m.group('sep')}{quote}{MASK}{quote}"

    return _KEYED.sub(keyed, text)


def public_url(url: str) -> str:
    """The URL with its password shown as ***, for messages, logs, manifests and reports."""
    return mask_secrets(str(url).strip())


def connect_url(url: str) -> str:
    """The URL to connect with: a *** password filled in from $KPI_WORKBOOK_DATA_URL."""
    url = url.strip()
    secret = os.environ.get(DATA_URL_ENV, "").strip()
    if secret and secret != url and public_url(secret) == url:
        return secret
    return url


def absolute_url(url: str) -> str:
    """The URL with a relative SQLite file made absolute (report kernels run in notebooks/)."""
    path = sqlite_file(url)
    if path is None or path.is_absolute():
        return url.strip()
    from sqlalchemy.engine import make_url

    return make_url(url.strip()).set(database=str(path.resolve())).render_as_string(False)


@contextlib.contextmanager
def url_for_workers(url: str | None):
    """Put a URL's password where connect_url finds it, for processes started in this block."""
    if not url or public_url(url) == url:
        yield
        return
    before = os.environ.get(DATA_URL_ENV)
    os.environ[DATA_URL_ENV] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(DATA_URL_ENV, None)
        else:
            os.environ[DATA_URL_ENV] = before


def sqlite_file(url: str) -> Path | None:
    """The file of a sqlite:/// URL (None for other databases and in-memory SQLite)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url.strip())
    except Exception:
        return None
    db = parsed.database
    if parsed.get_backend_name() != "sqlite" or db in (None, "", ":memory:"):
        return None
    if db.startswith("file:"):  # a URI filename: SQLite parses it, so leave it as written
        return None
    return Path(db).expanduser()
