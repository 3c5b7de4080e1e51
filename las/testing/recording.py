"""Record a test's conversation with the real service once, and replay it in CI.

The ``las_recording`` pytest fixture (``pip install 'lucidtech-las-sdk[testing]'``: it runs on
vcrpy) gives a test a session whose every request is answered from a cassette, a YAML file kept
beside the tests. Recording happens once, on a machine with real credentials::

    def test_invoices_are_predicted(las_recording):
        document = las.Document.create("invoice.pdf", session=las_recording.session)
        prediction = document.predict(las.Model.ref("las:model:invoice-v2", session=las_recording.session))
        assert prediction["total_amount"].value

    $ pytest --las-record tests/test_invoices.py   # once: real service, writes the cassette
    $ pytest tests/test_invoices.py                # CI: the cassette answers, no network, no account

- **Where:** ``<test file's folder>/cassettes/<test file>/<test name>.yaml`` (``--las-cassettes DIR``
  moves the root).
- **Replay** (the default): the test runs against the cassette alone. A request the cassette does
  not hold fails the test at once (vcrpy's ``CannotOverwriteExistingCassetteException``, naming
  the request); a passing test that sent fewer requests than were recorded fails at its end
  (:class:`UnrecordedRequestError`). A missing cassette fails the test and says how to record it.
- **Record** (``pytest --las-record``, or ``LAS_RECORD=1``): the test runs against the service the
  credentials name (the environment, ``LAS_PROFILE`` or ``~/.lucidtech/credentials.cfg``, as
  ``las.Session()`` reads them), and the cassette is written, replacing an earlier one.
- **Scrubbed before anything is written:** the ``Authorization`` and API key headers (so the
  client id and secret of the token request), every token (``access_token``), generated client
  secrets and API keys, Secret values, document and asset bytes (``content`` fields, and the
  bodies sent to or read from file URLs: replaced by ``REDACTED``), the signatures in file URLs'
  query strings, and the real API and auth hosts (recorded as ``api.las.test`` and
  ``auth.las.test``, so a replay never resolves them). After writing, the file is read back and
  checked for the secret, the token and each file's bytes; if any is found the cassette is deleted
  and the test fails.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["REDACTED", "Recording", "UnrecordedRequestError"]

REDACTED = "REDACTED"
API_ORIGIN = "https://api.las.test"
AUTH_ORIGIN = "https://auth.las.test"
REPLAY_CLIENT_ID = "recorded-client"
REPLAY_CLIENT_SECRET = "recorded-secret"
SECRET_HEADERS = ("authorization", "x-api-key", "cookie", "set-cookie", "x-amz-security-token")
# JSON fields that carry secrets or a document's bytes.
SECRET_FIELDS = frozenset({"access_token", "refresh_token", "clientSecret", "apiKey", "data"})
CONTENT_FIELDS = frozenset({"content"})
_REDACTED_CONTENT = base64.b64encode(REDACTED.encode()).decode()
# Query parameters of presigned file URLs that carry credentials.
_SIGNED = re.compile(r"(?i)^(x-amz-[a-z-]+|signature|sig|se|sp|sv|token|key-pair-id|policy|expires)$")


class UnrecordedRequestError(AssertionError):
    """A replayed test sent a request its cassette does not hold: the code under test changed
    what it sends, or the cassette is stale (re-record it with ``pytest --las-record``)."""


def _scrub_json(value: Any) -> Any:
    if isinstance(value, dict):
        scrubbed = {}
        for key, item in value.items():
            if key in SECRET_FIELDS:
                scrubbed[key] = REDACTED
            elif key in CONTENT_FIELDS and isinstance(item, str):
                scrubbed[key] = _REDACTED_CONTENT
            elif key == "fileUrl" and isinstance(item, str):
                scrubbed[key] = scrub_url(item)
            else:
                scrubbed[key] = _scrub_json(item)
        return scrubbed
    if isinstance(value, list):
        return [_scrub_json(item) for item in value]
    return value


def scrub_url(url: str) -> str:
    """``url`` with the credentials of a presigned URL (its signature parameters) replaced."""
    parts = urllib.parse.urlsplit(url)
    if not parts.query:
        return url
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = urllib.parse.urlencode([(key, REDACTED if _SIGNED.match(key) else value) for key, value in pairs])
    return urllib.parse.urlunsplit(parts._replace(query=query))


def scrub_body(body: Any, content_type: str = "") -> Any:
    """A request or answer body with every secret and every document byte replaced.

    JSON bodies keep their shape (secret fields become ``REDACTED``, ``content`` the base64 of
    ``REDACTED``); any other non-empty body (the bytes of a file) becomes ``REDACTED``.
    """
    if not body:
        return body
    text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else str(body)
    try:
        data = json.loads(text)
    except ValueError:
        if "x-www-form-urlencoded" in content_type:
            return body  # the token request's grant_type: no secret (those go in Authorization)
        return REDACTED.encode() if isinstance(body, (bytes, bytearray)) else REDACTED
    scrubbed = json.dumps(_scrub_json(data))
    return scrubbed.encode() if isinstance(body, (bytes, bytearray)) else scrubbed


class Recording:
    """What a test gets from the ``las_recording`` fixture.

    Attributes:
        mode: ``"record"`` (the real service) or ``"replay"`` (the cassette).
        path: the cassette's file.
        session: a :class:`las.Session` for this recording; also the default session while the
            test runs, so ``las.Document.get(id)`` without ``session=`` goes through it.
    """

    def __init__(self, path: Path, mode: str, cache_dir: Path) -> None:
        import las

        self.path = path
        self.mode = mode
        self._cache_dir = cache_dir
        self._secrets: list[str] = []
        if mode == "record":
            credentials = las.Session().credentials
            api = credentials.api_endpoint.rstrip("/")
            # The token URL first: an emulator serves both on one origin.
            self._origins = [
                (credentials.token_url.split("?", 1)[0], AUTH_ORIGIN + "/token"),
                (api, API_ORIGIN + urllib.parse.urlsplit(api).path),
            ]
            self._secrets.append(credentials._client_secret)
            self.credentials = credentials
        else:
            self._origins = []
            contract = _recorded_contract(path)
            self.credentials = las.Credentials(
                REPLAY_CLIENT_ID,
                REPLAY_CLIENT_SECRET,
                AUTH_ORIGIN,
                API_ORIGIN + _recorded_api_path(path),
                cache_path=cache_dir / "token-cache.json",
                **({"contract": contract} if contract else {}),
            )
        self.session = las.Session(self.credentials, max_retries=0 if mode == "replay" else 5)

    def async_session(self) -> Any:
        """A :class:`las.AsyncSession` on the same credentials (the ``async`` extra), recorded and
        replayed the same way."""
        import las

        return las.AsyncSession(self.credentials)

    # -- vcrpy ----------------------------------------------------------------------------------

    def _rewrite(self, uri: str) -> str:
        for real, recorded in self._origins:
            if uri.startswith(real):
                return recorded + uri[len(real) :]
        return uri

    def _before_record_request(self, request: Any) -> Any:
        request.uri = scrub_url(self._rewrite(request.uri))
        if request.body:
            if not request.uri.startswith((API_ORIGIN, AUTH_ORIGIN)):
                self._remember(request.body)
            request.body = scrub_body(request.body, request.headers.get("Content-Type", ""))
        return request

    def _before_record_response(self, response: dict[str, Any]) -> dict[str, Any]:
        body = response.get("body", {})
        raw = body.get("string")
        headers = {key.lower(): value for key, value in (response.get("headers") or {}).items()}
        kind = headers.get("content-type", [""])
        content_type = kind[0] if isinstance(kind, list) and kind else str(kind)
        if raw and "json" in content_type:
            self._remember_tokens(raw)
        elif raw:
            self._remember(raw)
        body["string"] = scrub_body(raw, content_type if "json" in content_type else "")
        for name in list(response.get("headers") or {}):
            if name.lower() in SECRET_HEADERS:
                del response["headers"][name]
        return response

    def _remember(self, body: Any) -> None:
        data = body if isinstance(body, (bytes, bytearray)) else str(body).encode()
        if len(data) >= 16:
            self._secrets.append(data[:64].decode("latin-1"))

    def _remember_tokens(self, body: Any) -> None:
        try:
            data = json.loads(body)
        except ValueError:
            return
        if isinstance(data, dict):
            for key in ("access_token", "clientSecret", "apiKey"):
                if isinstance(data.get(key), str) and len(data[key]) >= 8:
                    self._secrets.append(data[key])
            if isinstance(data.get("content"), str) and len(data["content"]) >= 16:
                self._secrets.append(data["content"][:64])

    def vcr(self) -> Any:
        """The vcrpy configuration of this recording."""
        try:
            import vcr  # type: ignore[import-untyped]
        except ModuleNotFoundError as error:  # pragma: no cover - depends on the environment
            raise ModuleNotFoundError(
                "las_recording needs vcrpy: pip install 'lucidtech-las-sdk[testing]'", name=error.name
            ) from None
        return vcr.VCR(
            record_mode="all" if self.mode == "record" else "none",
            filter_headers=list(SECRET_HEADERS),
            before_record_request=self._before_record_request,
            before_record_response=self._before_record_response,
            match_on=["method", "scheme", "host", "port", "path", "query"],
            decode_compressed_response=True,
        )

    def check_written(self) -> None:
        """Read the written cassette back; delete it and fail if a secret or file's bytes remain."""
        if not self.path.exists():
            return
        text = self.path.read_text(errors="replace")
        leaked = [secret for secret in self._secrets if secret and secret in text]
        if leaked:
            self.path.unlink()
            raise AssertionError(
                f"the cassette {self.path} held {len(leaked)} value(s) that should have been scrubbed "
                "(a token, a secret or a file's bytes); it was deleted. Report this as a bug of las.testing."
            )

    def close(self) -> None:
        self.session.close()


def _recorded_api_path(path: Path) -> str:
    """The API's base path as recorded (``/v1``), read from the cassette's first API request."""
    if path.exists():
        match = re.search(re.escape(API_ORIGIN) + r"(/[^/\s'\"]*)?/", path.read_text(errors="replace"))
        if match and match.group(1):
            return match.group(1)
    return ""


def _recorded_contract(path: Path) -> str | None:
    """The contract the recorded session spoke, from the comment the fixture writes beside it."""
    marker = path.with_suffix(".contract")
    return marker.read_text().strip() if marker.exists() else None


def mode_from(config: Any) -> str:
    """``"record"`` when ``--las-record`` or ``LAS_RECORD=1`` asks for it, else ``"replay"``."""
    if config.getoption("las_record", default=False) or os.environ.get("LAS_RECORD") == "1":
        return "record"
    return "replay"


def cassette_path(request: Any) -> Path:
    """Where the current test's cassette lives."""
    root = request.config.getoption("las_cassettes", default=None)
    test_file = Path(str(request.node.fspath))
    base = Path(root) if root else test_file.parent / "cassettes"
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    return base / test_file.stem / f"{name}.yaml"


def run(request: Any, cache_dir: Path) -> Iterator[Recording]:
    """The fixture's body: open the cassette, hand out the Recording, check what was played.

    A request the cassette does not hold raises vcrpy's ``CannotOverwriteExistingCassetteException``
    in the test (it names the request); a test that passed having sent fewer requests than were
    recorded fails at teardown with :class:`UnrecordedRequestError`."""
    import las

    path = cassette_path(request)
    mode = mode_from(request.config)
    if mode == "replay" and not path.exists():
        raise UnrecordedRequestError(
            f"no cassette at {path}: record it once against the real service with "
            f"`pytest --las-record {request.node.nodeid}` (credentials from the environment or "
            "~/.lucidtech/credentials.cfg)"
        )
    recording = Recording(path, mode, cache_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    vcr_config = recording.vcr()
    try:
        with vcr_config.use_cassette(str(path)) as cassette, las.using_session(recording.session):
            yield recording
            passed = getattr(request.node, "las_call_passed", True)
            if mode == "replay" and passed and not cassette.all_played:
                raise UnrecordedRequestError(
                    f"the test sent fewer requests than {path} recorded: the code changed, so "
                    f"re-record with `pytest --las-record {request.node.nodeid}`"
                )
        if mode == "record":
            contract = getattr(recording.credentials, "contract", None)
            if contract:
                path.with_suffix(".contract").write_text(f"{contract}\n")
            recording.check_written()
    finally:
        recording.close()
