"""The class's login for JupyterHub: accounts and roles from a roster file of salted password hashes.

The same file runs in two hubs: ``microloan classroom`` on the instructor's machine imports it, and on
Kubernetes (Zero to JupyterHub) ``deploy/kubernetes/values.yaml`` carries its text into the hub pod
(``hub.extraFiles``), whose image has JupyterHub but not this package. So it imports nothing from
``microloan_sim``, only the standard library and JupyterHub.

The roster file is JSON, ``{"users": {"learner01": {"hash": "<salt>$<scrypt>", "role": "learner"}, ...}}``,
written by :func:`write_roster_file` (``microloan hash-roster``) from the instructor's CSV; it holds no
plaintext password. Instructors (role ``instructor``) are hub admins.

Examples
--------
>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "roster.json")
>>> write_roster_file([("learner01", "pass-0001", "learner"), ("teacher", "pass-9999", "instructor")], path)
>>> users = load_roster_file(path)
>>> with open(path, encoding="utf-8") as handle:
...     stored = handle.read()
>>> sorted(users), users["teacher"]["role"], "pass-0001" in stored
(['learner01', 'teacher'], 'instructor', False)
>>> check_password("pass-0001", users["learner01"]["hash"]), check_password("pass-9999", users["learner01"]["hash"])
(True, False)
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable
from typing import Any

from jupyterhub.auth import Authenticator
from traitlets import Unicode

ROLES = ("learner", "instructor")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``salt$hash`` with scrypt; :func:`check_password` verifies it in constant time.

    >>> stored = hash_password("pass-0001")
    >>> check_password("pass-0001", stored), check_password("pass-0002", stored)
    (True, False)
    """
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1)
    return f"{salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    salt, _, expected = stored.partition("$")
    try:
        salt_bytes = bytes.fromhex(salt)
    except ValueError:
        return False
    return hmac.compare_digest(hash_password(password, salt_bytes).partition("$")[2], expected)


def write_roster_file(entries: Iterable[tuple[str, str, str]], path: str) -> None:
    """Write ``(username, password, role)`` entries as salted hashes (file mode 0600)."""
    users = {}
    for username, password, role in entries:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} for {username!r}")
        users[username] = {"hash": hash_password(password), "role": role}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"users": users}, handle, ensure_ascii=False, indent=1)
    os.chmod(path, 0o600)


def load_roster_file(path: str) -> dict[str, dict[str, str]]:
    """``{username: {"hash": ..., "role": ...}}`` from a roster file."""
    with open(path, encoding="utf-8") as handle:
        users = json.load(handle)["users"]
    if not any(entry["role"] == "instructor" for entry in users.values()):
        raise ValueError(f"{path}: the roster has no instructor")
    return {str(name): {"hash": str(entry["hash"]), "role": str(entry["role"])} for name, entry in users.items()}


class RosterAuthenticator(Authenticator):
    """Accounts and initial passwords from the instructor's roster (a roster file of hashes)."""

    roster_file = Unicode("", config=True, help="The roster file (JSON of salted hashes) to log in against.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._users = load_roster_file(self.roster_file)

    async def authenticate(self, handler: Any, data: dict[str, str]) -> str | None:
        username = self.normalize_username(str(data.get("username", "")).strip())
        entry = self._users.get(username)
        if entry and check_password(str(data.get("password", "")), entry["hash"]):
            return username
        return None


def configure_roster_login(c: Any, roster_file: str) -> None:
    """Log in against ``roster_file``; only its accounts may log in, and its instructors are admins."""
    users = load_roster_file(roster_file)
    c.JupyterHub.authenticator_class = RosterAuthenticator
    c.RosterAuthenticator.roster_file = roster_file
    c.Authenticator.allowed_users = set(users)
    c.Authenticator.admin_users = {name for name, entry in users.items() if entry["role"] == "instructor"}
