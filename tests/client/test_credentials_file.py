"""The credentials file as users write it, and as it goes wrong: values are read as written, and a
file that cannot be read or parsed gets one clear error naming the file and the line, never a value.
"""

from __future__ import annotations

import json
import os
import traceback
from pathlib import Path

import pytest

import las
from las.credentials import read_credentials
from las.testing import Emulator
from tests.cli.conftest import run

ENV = ("LAS_CLIENT_ID", "LAS_CLIENT_SECRET", "LAS_AUTH_ENDPOINT", "LAS_API_ENDPOINT", "LAS_PROFILE")
SECRET = "s3cr%et-Wq8zP"  # a '%' that interpolation would choke on, and text to look for
GOOD = (
    f"[default]\nclient_id = the-id\nclient_secret = {SECRET}\n"
    "auth_endpoint = auth.example\napi_endpoint = https://api.example/v1\n"
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def _file(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "credentials.cfg"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    path.chmod(0o600)
    return path


@pytest.mark.parametrize("secret", [SECRET, "%(client_id)s", "100%%", "%", "a%b%c"])
def test_values_are_read_as_written_percent_signs_included(tmp_path: Path, secret: str) -> None:
    path = _file(tmp_path, GOOD.replace(SECRET, secret))
    assert read_credentials(config_path=path).client_secret == secret


def _refused(path: Path) -> las.CredentialsFileError:
    with pytest.raises(las.CredentialsFileError) as raised:
        read_credentials(config_path=path)
    error = raised.value
    shown = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    assert SECRET not in shown and SECRET not in repr(error)  # neither the message nor the traceback
    assert error.__context__ is None and error.__cause__ is None  # nothing that quotes the file rides along
    assert isinstance(error, las.MissingCredentials)  # what a file that cannot be parsed always raised
    return error


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (GOOD + "use_cache = maybe\n", "line 6: use_cache in [default] must be true or false"),
        (GOOD.encode() + b"\xff\xfe\x00garbage\x81\n", "line 6: not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n" + GOOD.encode(), "line 1: not UTF-8 text"),
        (f"client_secret = {SECRET}\n" + GOOD, "line 1: a setting before any [section] header"),
        (GOOD + f"client_secret {SECRET}\n", "line 6: not a [section] header nor a 'name = value' line"),
        (GOOD + f"client_secret = {SECRET}x\n", "line 6: client_secret appears twice in [default]"),
        (GOOD + GOOD, "line 6: the section [default] appears twice"),
    ],
    ids=[
        "use_cache-maybe",
        "binary-tail",
        "binary-head",
        "no-section",
        "no-equals",
        "twice",
        "section-twice",
    ],
)
def test_a_malformed_file_is_one_error_naming_the_file_and_the_line_never_a_value(
    tmp_path: Path, content: str | bytes, said: str
) -> None:
    path = _file(tmp_path, content)
    assert str(_refused(path)).startswith(f"{path}: {said}")


def test_a_directory_in_place_of_the_file_is_said_to_be_one(tmp_path: Path) -> None:
    path = tmp_path / "credentials.cfg"
    path.mkdir()
    assert str(_refused(path)) == f"{path}: cannot be read (Is a directory): it must be a file"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_said_to_be_unreadable_not_missing(tmp_path: Path) -> None:
    path = _file(tmp_path, GOOD)
    path.chmod(0)
    message = str(_refused(path))
    assert message.startswith(f"{path}: cannot be read (Permission denied)") and "chmod 600" in message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlink_to_the_file_is_followed_and_a_dangling_one_is_said_to_be_one(tmp_path: Path) -> None:
    target = _file(tmp_path, GOOD)
    link = tmp_path / "link.cfg"
    link.symlink_to(target)
    credentials = read_credentials(config_path=link)
    assert credentials.client_secret == SECRET
    assert credentials.sources["client_secret"] == f"file {link} [default]"

    dangling = tmp_path / "dangling.cfg"
    dangling.symlink_to(tmp_path / "nowhere.cfg")
    with pytest.raises(las.MissingCredentials, match="a symlink to a missing file"):
        read_credentials(config_path=dangling)


class _PathLike:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __fspath__(self) -> str:
        return str(self.path)


def test_config_and_cache_paths_may_be_str_or_any_path_like(tmp_path: Path) -> None:
    path = _file(tmp_path, GOOD)
    for given in (str(path), _PathLike(path), path):
        credentials = read_credentials(config_path=given, cache_path=str(tmp_path / "cache.json"))
        assert credentials.client_secret == SECRET
        assert credentials.cache_path == tmp_path / "cache.json"
    assert las.Credentials.from_environment(config_path=str(path)).client_id == "the-id"


def test_the_command_line_reports_a_malformed_file_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".lucidtech").mkdir(parents=True)
    path = _file(home / ".lucidtech", GOOD + "use_cache = maybe\n")
    done = run("datasets", "list", home=home)
    assert done.code != 0
    assert f"{path}: line 6: use_cache in [default] must be true or false" in done.stderr
    assert "Traceback" not in done.stderr and SECRET not in done.stderr + done.stdout


def test_environment_credentials_never_use_a_cached_token_of_another_client(
    las_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache's [default] entry holds a token another client fetched; the environment names
    this client: its own token is fetched, and the other's is never sent."""
    cache = tmp_path / "cache.json"
    entry = {
        "access_token": "the-other-clients-token",
        "expires_in": 4102444800,  # year 2100
        "client_id": "another-client",
        "auth_endpoint": las_emulator.auth_endpoint,
    }
    cache.write_text(json.dumps({"default": entry}))  # as another program left it
    monkeypatch.setenv("LAS_CLIENT_ID", las_emulator.client_id)
    monkeypatch.setenv("LAS_CLIENT_SECRET", las_emulator.client_secret)
    monkeypatch.setenv("LAS_AUTH_ENDPOINT", las_emulator.auth_endpoint)
    monkeypatch.setenv("LAS_API_ENDPOINT", las_emulator.api_endpoint)
    credentials = read_credentials(config_path=tmp_path / "absent.cfg", cache_path=cache)
    assert credentials.cached_profile == "default"
    las.Client(credentials).list_models()
    assert las_emulator.token_requests == 1
    (sent,) = [record for record in las_emulator.requests if record.path == "/models"]
    assert "the-other-clients-token" not in sent.headers["Authorization"]
