"""Access control for `rusqa serve`: who may ask, and who may record coverage verdicts.

Modes (`RUSQA_AUTH`):
- `none`: no users; allowed only on a loopback address (a laptop).
- `proxy`: a reverse proxy that authenticated the user passes its name in `RUSQA_USER_HEADER`
  (default `X-Remote-User`); the header is believed only from the addresses in `RUSQA_TRUSTED_PROXIES`.
- `basic`: HTTP Basic against the users file (`rusqa users add/remove`; bcrypt hashes), behind TLS.

Roles: `reader` (ask, browse, give feedback) and `planner` (also coverage verdicts). A user not in the users
file is a reader. Refused requests get 401 (who are you?) or 403 (not allowed), and are logged.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import os
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import bcrypt

from rusqa.errors import InputError


class AuthMode(StrEnum):
    NONE = "none"
    PROXY = "proxy"
    BASIC = "basic"


class UserRole(StrEnum):
    READER = "reader"
    PLANNER = "planner"


@dataclass(frozen=True)
class User:
    name: str
    role: UserRole

    @property
    def may_decide_coverage(self) -> bool:
        return self.role == UserRole.PLANNER


LOCAL_USER = User("lokal", UserRole.PLANNER)  # auth `none` on loopback: the laptop's own user


class UsersFile:
    """{name: {"hash": bcrypt hash, "role": reader|planner}} as JSON, written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise InputError(
                f"cannot read the users file {self.path} ({type(exc).__name__}) — fix or remove it"
            ) from None

    def _write(self, users: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".users.")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(users, out, indent=1)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def add(self, name: str, password: str, role: UserRole) -> None:
        if not name.strip() or ":" in name:
            raise InputError("a user name must be non-empty and without «:»")
        if len(password) < 12:
            raise InputError("the password must be at least 12 characters")
        users = self._read()
        users[name] = {"hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode(), "role": role.value}
        self._write(users)

    def remove(self, name: str) -> bool:
        users = self._read()
        if name not in users:
            return False
        del users[name]
        self._write(users)
        return True

    def role_of(self, name: str) -> UserRole:
        entry = self._read().get(name)
        return UserRole(entry["role"]) if entry else UserRole.READER

    def check(self, name: str, password: str) -> User | None:
        entry = self._read().get(name)
        if entry is None or not bcrypt.checkpw(password.encode(), entry["hash"].encode()):
            return None
        return User(name, UserRole(entry["role"]))

    def names(self) -> list[tuple[str, str]]:
        return sorted((name, entry["role"]) for name, entry in self._read().items())


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def trusted(address: str | None, proxies: list[str]) -> bool:
    """Whether a request's peer address is one of the trusted proxies (addresses or networks)."""
    if not address:
        return False
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) from an `Authorization: Basic …` header, or None."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if user else None


def check_bind(host: str, mode: AuthMode) -> None:
    """Refuse to serve beyond loopback without an auth mode."""
    if mode == AuthMode.NONE and not is_loopback(host):
        raise InputError(
            f"refusing to serve on {host} without access control — set RUSQA_AUTH=proxy (behind a reverse proxy "
            "that authenticates) or RUSQA_AUTH=basic (users from `rusqa users add`), or bind 127.0.0.1"
        )
