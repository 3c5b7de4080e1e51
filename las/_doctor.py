"""``las.doctor()``: check a setup against the service it points at, and say what is wrong.

With a user's credentials (or an emulator's), the doctor checks, in order, each as one line of
its report (:class:`DoctorReport`):

- **credentials**: that they resolve, where each value came from (``credentials.sources``), the
  profile and the API contract the session speaks, and where that came from;
- **credentials file** and **token cache**: that no one but their owner can read or change them
  (the fix is the ``chmod`` the line says);
- **token**: one ``POST /token``; a refusal says which credential to look at, a network failure
  which endpoint could not be reached and why;
- **clock**: this machine's clock against the service's (its ``Date`` headers, and the token's
  ``iat``/``exp`` claims against its ``expires_in`` when it is a JWT); a skew beyond the SDK's
  token refresh margin fails, with its size;
- **a few read-only calls** (``GET /organizations/me`` and the first page, of one item, of
  models, datasets and workflows), whose answers are compared, field by field, with what each
  API contract says of them (:mod:`las._doctor_shapes`, generated from the contracts);
- **contract**: whether the service speaks the contract the session is configured for, and if
  not, which fields differ and which contract the answers look like instead, with what to set.

The doctor only sends the token request and GETs, each once (no retries: what it reports is what
the service answered). It writes nothing, on the service or locally (the token it is granted
stays in memory), and no line of its report holds the client secret or the token.
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import json
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, TypeGuard

import attrs
import requests
import requests.auth

from . import _token_cache, contracts
from ._doctor_shapes import SHAPES, Field
from ._options import SessionOptions
from ._policy import Limits
from ._response import RawResponse
from ._transport import execute
from .client import Client
from .credentials import DEFAULT_CONFIG_PATH, REFRESH_MARGIN_SECONDS, Credentials, read_credentials
from .exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    CertificateRefusedError,
    ClientException,
    ContractError,
    CredentialsConflictError,
    CredentialsFileError,
    InvalidCredentialsException,
    InvalidResponseError,
    MissingCredentials,
)
from .session import Session

if TYPE_CHECKING:
    from ._async_session import AsyncSession

__all__ = ["DoctorCheck", "DoctorReport", "doctor"]

Status = Literal["ok", "warn", "fail", "skip"]
OK: Final = "ok"
WARN: Final = "warn"
FAIL: Final = "fail"
SKIP: Final = "skip"
_WORDS: Final = {OK: "OK", WARN: "WARN", FAIL: "FAIL", SKIP: "SKIP"}
_SYMBOLS: Final = {OK: "✓", WARN: "!", FAIL: "✗", SKIP: "-"}

#: A skew of the local clock this far from the service's (seconds) is worth a warning.
CLOCK_WARN_SECONDS: Final = 5.0
#: Beyond the SDK's token refresh margin, a skew fails: cached tokens outlive their validity.
CLOCK_FAIL_SECONDS: Final = REFRESH_MARGIN_SECONDS
_SLOW = "on a slow link, give it longer (timeout=, or las doctor --request-timeout SECONDS)"
_SHOWN_DIFFERENCES = 12  # per contract, in a check's details (--json has all)


@attrs.frozen
class DoctorCheck:
    """One check of :func:`doctor` and what it found.

    Attributes:
        name: what was checked (``"token"``, ``"GET /models?maxResults=1"``, ...).
        status: ``"ok"``, ``"warn"`` (works, but should be fixed), ``"fail"`` or ``"skip"``
            (could not be checked, e.g. after the token was refused).
        summary: what was found, in one line.
        details: further lines: the differing fields, the fix.
        facts: what was found, as data (sources, seconds, differences), for scripts.
    """

    name: str
    status: Status
    summary: str
    details: tuple[str, ...] = ()
    facts: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class DoctorReport:
    """What :func:`doctor` found: one :class:`DoctorCheck` per check, in the order they ran.

    Attributes:
        checks: the checks.
        contract: the API contract the session speaks (None when the credentials did not resolve).
        looks_like: the contract the service's answers fit (None when no answer came, or they
            fit none that this SDK knows).
    """

    checks: tuple[DoctorCheck, ...]
    contract: str | None
    looks_like: str | None

    @property
    def ok(self) -> bool:
        """Whether no check failed (warnings and skipped checks do not fail a report)."""
        return not any(check.status == FAIL for check in self.checks)

    def check(self, name: str) -> DoctorCheck:
        """The check named ``name``.

        Raises:
            KeyError: no check of that name ran.
        """
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(f"no check named {name!r}; the checks: {', '.join(c.name for c in self.checks)}")

    def lines(self, *, symbols: bool = False) -> list[str]:
        """The report for people: a line per check (``OK``/``FAIL``..., or ``✓``/``✗``... with
        ``symbols``), the details of those that are not OK indented below, and a last line."""
        width = max(len(check.name) for check in self.checks)
        lines = []
        for check in self.checks:
            mark = _SYMBOLS[check.status] if symbols else f"{_WORDS[check.status]:<4}"
            lines.append(f"{mark} {check.name:<{width}}  {check.summary}")
            if check.status != OK:
                lines += [f"{'':<{len(mark)}}   {detail}" for detail in check.details]
        failed = sum(check.status == FAIL for check in self.checks)
        warned = sum(check.status == WARN for check in self.checks)
        verdict = f"{failed} {'check' if failed == 1 else 'checks'} failed" if failed else "all checks passed"
        if warned:
            verdict += f", {warned} {'warning' if warned == 1 else 'warnings'}"
        return [*lines, verdict]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (what ``las doctor --json`` prints)."""
        return {
            "ok": self.ok,
            "contract": self.contract,
            "looksLike": self.looks_like,
            "checks": [
                {
                    "name": check.name,
                    "status": check.status,
                    "summary": check.summary,
                    "details": list(check.details),
                    "facts": dict(check.facts),
                }
                for check in self.checks
            ],
        }


# -- what the contracts say of an answer ----------------------------------------------------


class Difference(NamedTuple):
    """Where an answer differs from what a contract says of it."""

    path: str
    """The field, e.g. ``planId`` or ``models[0].width``."""
    kind: Literal["missing", "type", "enum", "added"]
    """``missing``: required and absent; ``type``: of a type the contract does not allow;
    ``enum``: a value not among the contract's; ``added``: a field the contract does not have."""
    expected: str
    found: str

    @property
    def breaking(self) -> bool:
        """Whether the answer breaks the contract (a missing field, another type) rather than
        extends it (a field or an enum value more, which the SDK keeps: ``extra``, strings)."""
        return self.kind in ("missing", "type")

    def describe(self, contract: str) -> str:
        if self.kind == "missing":
            return f"{self.path}: missing (required by {contract}: {self.expected})"
        if self.kind == "type":
            return f"{self.path}: {self.found}, where {contract} says {self.expected}"
        if self.kind == "enum":
            return f"{self.path}: {self.found} is none of {contract}'s {self.expected}"
        return f"{self.path}: not in {contract} ({self.found})"

    def to_dict(self) -> dict[str, str]:
        return {"field": self.path, "kind": self.kind, "expected": self.expected, "found": self.found}


def json_type(value: Any) -> str:
    """The JSON type name of a decoded JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _allowed(kind: str, types: Sequence[str]) -> bool:
    return not types or kind in types or (kind == "integer" and "number" in types)


def _types_text(types: Sequence[str]) -> str:
    return " or ".join(types) if types else "anything"


def differences(answer: Any, shape: Mapping[str, Field], prefix: str = "") -> list[Difference]:
    """Where ``answer`` differs from ``shape`` (one contract's description of it)."""
    if not isinstance(answer, Mapping):
        return [Difference(prefix.rstrip(".") or "(the answer)", "type", "object", json_type(answer))]
    found: list[Difference] = []
    for name, field in shape.items():
        path = prefix + name
        if name not in answer:
            if field.required:
                found.append(Difference(path, "missing", _types_text(field.types), "absent"))
            continue
        value = answer[name]
        kind = json_type(value)
        if not _allowed(kind, field.types):
            found.append(Difference(path, "type", _types_text(field.types), f"{kind} {_shown(value)}"))
        elif field.enum and isinstance(value, str) and value not in field.enum:
            found.append(Difference(path, "enum", ", ".join(field.enum), repr(value)))
        elif field.items is not None and isinstance(value, list):
            for index, item in enumerate(value):
                found += differences(item, field.items, f"{path}[{index}].")
    for name in answer:
        if name not in shape:
            found.append(Difference(prefix + name, "added", "absent", json_type(answer[name])))
    return found


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


# -- the read-only calls --------------------------------------------------------------------


class Read(NamedTuple):
    """A read-only call of the doctor: its name, the contract operation, and how the Client sends it."""

    name: str
    operation: str
    send: Callable[[Client], RawResponse[Any]]


READS: Final[tuple[Read, ...]] = (
    Read(
        "GET /organizations/me",
        "GET /organizations/{organizationId}",
        lambda client: client.with_raw_response.get_organization("me"),
    ),
    Read("GET /models?maxResults=1", "GET /models", lambda c: c.with_raw_response.list_models(max_results=1)),
    Read(
        "GET /datasets?maxResults=1",
        "GET /datasets",
        lambda c: c.with_raw_response.list_datasets(max_results=1),
    ),
    Read(
        "GET /workflows?maxResults=1",
        "GET /workflows",
        lambda c: c.with_raw_response.list_workflows(max_results=1),
    ),
)


class _OneToken(Credentials):
    """The doctor's credentials: the one token its token check was granted, never another and
    never cached, so that it sends one ``POST /token`` and writes no token file."""

    granted = ""

    def access_token(self, session: requests.Session | None = None, *, deadline: float | None = None) -> str:
        return self.granted


# -- the clock ------------------------------------------------------------------------------


class _Skew(NamedTuple):
    """This clock minus the service's (seconds), within ``plus_minus``, and what said so."""

    seconds: float
    plus_minus: float
    basis: str


def _skew_from(server_time: float, resolution: float, sent: float, received: float, basis: str) -> _Skew:
    """The skew, given a server time (truncated to ``resolution``) taken between ``sent`` and
    ``received`` on this clock."""
    middle_here = (sent + received) / 2
    middle_there = server_time + resolution / 2
    return _Skew(middle_here - middle_there, (received - sent) / 2 + resolution / 2, basis)


def _date_skew(headers: Mapping[str, str], sent: float, received: float, what: str) -> _Skew | None:
    value = headers.get("Date")
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        return None
    return _skew_from(parsed.timestamp(), 1.0, sent, received, f"the Date header of {what}")


def _claims(token: str) -> dict[str, Any]:
    """The claims of a JWT (unverified: only their times are used), {} for another token."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return {}
    return claims if isinstance(claims, dict) else {}


def _token_skew(token: str, expires_in: float, sent: float, received: float) -> _Skew | None:
    claims = _claims(token)
    issued = claims.get("iat")
    if _is_number(issued):
        return _skew_from(float(issued), 1.0, sent, received, "the token's iat claim")
    expiry = claims.get("exp")
    if _is_number(expiry):
        return _skew_from(
            float(expiry) - expires_in, 1.0, sent, received, "the token's exp claim and its expires_in"
        )
    return None


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _seconds(value: float) -> str:
    value = abs(value)
    if value >= 172800:
        return f"{value / 86400:.1f} days"
    if value >= 7200:
        return f"{value / 3600:.1f} h"
    return f"{value:.0f} s" if value >= 10 else f"{value:.1f} s"


# -- the run --------------------------------------------------------------------------------


@contextlib.contextmanager
def _file_warnings_left_to_the_report() -> Iterator[None]:
    """Keep read_credentials's warning about a readable file off the log while the doctor reads
    (in this thread only): the report's own line says it, with the fix."""
    current = threading.get_ident()

    def keep(record: logging.LogRecord) -> bool:
        return record.thread != current

    logger = logging.getLogger("las.credentials")
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def _grouped_sources(sources: Mapping[str, str]) -> str:
    """``client_id, client_secret: file X [p]; api_endpoint: environment (LAS_API_ENDPOINT)``."""
    by_source: dict[str, list[str]] = {}
    for name, source in sources.items():
        by_source.setdefault(source, []).append(name)
    return "; ".join(f"{', '.join(names)} {_from(source)}" for source, names in by_source.items())


def _from(source: str) -> str:
    """``from <source>``, for a value of ``Credentials.sources`` (or ``contract_source``)."""
    return "from the arguments" if source == "argument" else f"from {source}"


def _no_answer(error: BaseException, what: str, timeout: float) -> str:
    """Why ``what`` did not answer: a timeout, or why a connection could not be made."""
    if isinstance(error, APITimeoutError):
        return f"no answer from {what} within {timeout:g} s"
    return f"cannot reach {what}: {_unreachable(error)}"


def _unreachable(error: BaseException) -> str:
    """Why a connection could not be made, from the requests error under a las one."""
    if isinstance(error, CertificateRefusedError):
        return str(error).partition(": ")[2] or str(error)
    cause = getattr(error, "request", None)
    reason = getattr(cause.args[0], "reason", None) if isinstance(cause, Exception) and cause.args else None
    text = str(reason if reason is not None else cause if isinstance(cause, Exception) else error)
    # urllib3 starts with the connection's repr: "HTTPSConnection(host=..., port=443): <why>"
    return text.split("): ", 1)[1] if text.startswith(("HTTPConnection(", "HTTPSConnection(")) else text


def _oauth_error(error: APIError) -> str:
    """The OAuth2 ``error`` (and description) or the API's message of a refused token request."""
    response = error.response
    try:
        body = response.json() if response is not None else None
    except ValueError:
        body = None
    if isinstance(body, Mapping):
        parts = [body.get(key) for key in ("error", "error_description", "message")]
        text = ": ".join(part for part in parts if isinstance(part, str) and part)
        if text:
            return text
    return error.message


class _Run:
    """One run of the doctor: its options, what it learnt so far, and the checks it made."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.checks: list[DoctorCheck] = []
        self.secrets: list[str] = []
        self.skews: list[_Skew] = []
        self.answers: dict[str, Any] = {}  # read name -> answer
        self.credentials: _OneToken | None = None
        self.cache: tuple[Path, bool] | None = None  # the token cache file, and whether it is used
        self.session: Session | None = None

    @property
    def limits(self) -> Limits:
        return Limits(
            timeout=(min(5.0, self.timeout), self.timeout),
            max_retries=0,
            max_retry_wait=0.0,
            deadline=self.timeout,
        )

    def add(
        self, name: str, status: Status, summary: str, details: Sequence[str] = (), /, **facts: Any
    ) -> DoctorCheck:
        check = DoctorCheck(name, status, summary, tuple(details), facts)
        self.checks.append(check)
        return check

    def skip(self, names: Sequence[str], why: str) -> None:
        for name in names:
            self.add(name, SKIP, f"skipped: {why}")

    def source(self, name: str) -> str:
        """``from <where the credential value came from>``."""
        assert self.credentials is not None
        return _from(self.credentials.sources.get(name, "argument"))

    # -- credentials --------------------------------------------------------------------------

    def resolve(
        self,
        given: Credentials | SessionOptions | None,
        profile: str | None,
        config_path: Path,
        contract: str | None,
        overrides: Mapping[str, str | None],
    ) -> None:
        try:
            if given is None:
                with _file_warnings_left_to_the_report():
                    found = read_credentials(profile, config_path, contract=contract, **overrides)
                chosen, chosen_source = found.contract, found.contract_source
            else:
                found = given if isinstance(given, Credentials) else given.credentials
                chosen = contracts.check(contract) if contract is not None else given.contract
                chosen_source = (
                    "argument"
                    if contract is not None or given.contract != found.contract  # a session's contract=
                    else found.contract_source
                )
        except (MissingCredentials, CredentialsFileError, CredentialsConflictError, ContractError) as error:
            self.add("credentials", FAIL, str(error), error=type(error).__name__)
            return
        credentials = _OneToken(
            found.client_id,
            found.client_secret,
            found.auth_endpoint,
            found.api_endpoint,
            cached_profile=None,  # the doctor writes no token file
            cache_path=found.cache_path,
            contract=chosen,
        )
        credentials.sources = dict(found.sources)
        credentials.contract_source = chosen_source
        self.credentials = credentials
        self.secrets.append(found.client_secret)
        self.cache = (found.cache_path, found.cached_profile is not None)
        profile_used = profile or os.environ.get("LAS_PROFILE") or "default"
        from_file = any(source.startswith("file ") for source in found.sources.values())
        contract_said = "the endpoint's" if chosen_source == "endpoint" else _from(chosen_source)
        self.add(
            "credentials",
            OK,
            f"client id {found.client_id!r} for {credentials.api_endpoint}, contract {chosen} ({contract_said}); "
            + _grouped_sources(found.sources),
            profile=profile_used if from_file else None,
            clientId=found.client_id,
            authEndpoint=found.auth_endpoint,
            apiEndpoint=credentials.api_endpoint,
            sources=dict(found.sources),
            contract=chosen,
            contractSource=chosen_source,
        )

    def private_file(self, name: str, path: Path, used: bool, holds: str) -> None:
        """A file holding a secret: readable and writable by its owner only."""
        if not path.exists():
            self.add(name, SKIP, f"no file at {path}", path=str(path))
            return
        note = "" if used else " (not used by these credentials)"
        if os.name == "nt":  # pragma: no cover - POSIX modes mean little on Windows
            self.add(name, SKIP, f"{path}: modes are not checked on Windows{note}", path=str(path))
            return
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError as error:
            self.add(name, WARN, f"{path}: cannot be examined ({error.strerror or error})", path=str(path))
            return
        facts = {"path": str(path), "mode": f"{mode:04o}", "used": used}
        others = [
            who
            for who, read, write in (
                ("its group", stat.S_IRGRP, stat.S_IWGRP),
                ("other users", stat.S_IROTH, stat.S_IWOTH),
            )
            if mode & (read | write)
        ]
        if not others:
            self.add(name, OK, f"{path}: mode {mode:04o}, its owner's only{note}", **facts)
            return
        can = " and ".join(
            word
            for word, bits in (("read", stat.S_IRGRP | stat.S_IROTH), ("change", stat.S_IWGRP | stat.S_IWOTH))
            if mode & bits
        )
        details = [f"it holds {holds}; run: chmod 600 {path}"]
        if mode & (stat.S_IWGRP | stat.S_IWOTH):
            details.append("whoever can change it can point the endpoints elsewhere and collect the secret")
        self.add(
            name,
            WARN,
            f"{path}: mode {mode:04o}: {' and '.join(others)} can {can} it{note}",
            details,
            **facts,
        )

    # -- token ----------------------------------------------------------------------------------

    def token(self) -> None:
        credentials = self.credentials
        assert credentials is not None
        self.session = Session(
            credentials, timeout=self.limits.timeout, max_retries=0, deadline=self.timeout, max_retry_wait=0.0
        )
        url = credentials.token_url.partition("?")[0]
        where = f"auth_endpoint {credentials.auth_endpoint!r} ({self.source('auth_endpoint')})"
        basic = requests.auth.HTTPBasicAuth(credentials.client_id, credentials.client_secret)
        sent = time.time()
        try:
            outcome = execute(
                self.session.http,
                credentials.token_url,
                credentials.token_call(),
                self.limits,
                lambda _: basic,
            )
        except APIError as error:  # a refusal still says what time it is there
            if error.response is not None:
                self.skews += filter(
                    None, [_date_skew(error.response.headers, sent, time.time(), "the token's answer")]
                )
            self.token_refused(error, url, where)
            return
        except (APIConnectionError, APITimeoutError) as error:
            self.add(
                "token",
                FAIL,
                _no_answer(error, url, self.timeout),
                [f"check the {where}: its host, its port, a proxy or firewall between; {_SLOW}"],
                url=url,
            )
            return
        received = time.time()
        try:
            token, _ = _token_cache.token_from_answer(outcome.data)
        except ValueError as problem:
            self.add(
                "token",
                FAIL,
                f"POST {url} answered {outcome.status} without a usable token ({problem}): is the {where} right?",
                url=url,
                status=outcome.status,
            )
            return
        self.secrets.append(token)
        credentials.granted = token
        expires_in = float(outcome.data["expires_in"])
        for skew in (
            _token_skew(token, expires_in, sent, received),
            _date_skew(outcome.headers, sent, received, "the token's answer"),
        ):
            if skew is not None:
                self.skews.append(skew)
        kind = outcome.data.get("token_type") or "access"
        self.add(
            "token",
            OK,
            f"granted by {url}: a {kind} token valid {_seconds(expires_in)}",
            url=url,
            expiresIn=outcome.data["expires_in"],
            tokenType=outcome.data.get("token_type"),
            seconds=round(received - sent, 3),
        )

    def token_refused(self, error: APIError, url: str, where: str) -> None:
        """The token check of a token endpoint that answered with an error."""
        assert self.credentials is not None
        credentials = self.credentials
        if isinstance(error, InvalidCredentialsException):
            self.add(
                "token",
                FAIL,
                f"POST {url} refused the client id and secret ({error.status_code}: {_oauth_error(error)})",
                [
                    f"the client id {credentials.client_id!r} ({self.source('client_id')}) is not an app "
                    f"client of this service, or the client secret ({self.source('client_secret')}) is "
                    "not its secret",
                    "use the pair of the credentials.cfg the service handed out, unchanged; if it is, the app "
                    f"client may have been deleted, or {where} belongs to another service than the id",
                ],
                url=url,
                status=error.status_code,
            )
            return
        status = error.status_code
        problem = (
            "is not a token endpoint"
            if status in (404, 405) or isinstance(error, InvalidResponseError)
            else "failed; try again later"
            if status >= 500
            else "refused the request"
        )
        self.add(
            "token",
            FAIL,
            f"POST {url} answered {status}: the {where} {problem}",
            [error.message[:300]],
            url=url,
            status=status,
        )

    # -- reads ----------------------------------------------------------------------------------

    def reads(self) -> None:
        assert self.session is not None and self.credentials is not None
        client = Client(session=self.session)
        where = f"api_endpoint {self.credentials.api_endpoint!r} ({self.source('api_endpoint')})"
        unreachable: str | None = None
        for read in READS:
            if unreachable is not None:
                self.add(read.name, SKIP, unreachable)
                continue
            sent = time.time()
            try:
                answer = read.send(client)
            except (APIConnectionError, APITimeoutError) as error:
                self.add(
                    read.name,
                    FAIL,
                    _no_answer(error, "the API", self.timeout),
                    [f"check the {where}; {_SLOW}"],
                )
                unreachable = "skipped: the API could not be reached"
                continue
            except InvalidCredentialsException as error:
                if error.status_code == 403:
                    self.add(
                        read.name,
                        WARN,
                        f"403: this app client may not do this ({error.message})",
                        ["its roles do not allow it; the commands that need it will be refused the same way"],
                        status=403,
                    )
                    continue
                self.add(
                    read.name,
                    FAIL,
                    f"{error.status_code}: the API refused the token the auth endpoint granted",
                    [
                        f"the auth_endpoint ({self.source('auth_endpoint')}) and the {where} are not of "
                        "the same service: take both from the credentials.cfg the service handed out"
                    ],
                    status=error.status_code,
                )
                continue
            except APIError as error:
                hint = (
                    f"the {where} redirects elsewhere: set it to the address it redirects to"
                    if 300 <= error.status_code < 400
                    else f"the {where} does not answer like the API: is its path right (e.g. /v1)?"
                    if isinstance(error, InvalidResponseError) or error.status_code in (404, 405)
                    else "the API failed; try again later"
                    if error.status_code >= 500
                    else "the API refused it"
                )
                self.add(
                    read.name,
                    FAIL,
                    f"{error.status_code}: {error.message[:200]}",
                    [hint],
                    status=error.status_code,
                )
                continue
            except ClientException as error:
                self.add(read.name, FAIL, f"{type(error).__name__}: {error}")
                continue
            received = time.time()
            skew = _date_skew(answer.info.headers, sent, received, f"the answer to {read.name}")
            if skew is not None:
                self.skews.append(skew)
            self.answers[read.name] = answer.data
            self.read_verdict(read, answer, received - sent)

    def read_verdict(self, read: Read, answer: RawResponse[Any], seconds: float) -> None:
        assert self.credentials is not None
        contract = self.credentials.contract
        found = differences(answer.data, SHAPES[contract][read.operation])
        broken = [difference for difference in found if difference.breaking]
        facts = {
            "status": answer.info.status,
            "seconds": round(seconds, 3),
            "requestId": answer.info.request_id,
        }
        empty = [
            key
            for key, value in answer.data.items()
            if isinstance(value, list) and not value and key != "nextToken"
        ]
        nothing = f" (no {empty[0][:-1]} to compare: only the page)" if empty else ""
        if broken:
            self.add(
                read.name,
                FAIL,
                f"{answer.info.status}, but not as {contract} says: "
                f"{len(broken)} {'field differs' if len(broken) == 1 else 'fields differ'} (see contract)",
                **facts,
            )
        elif found:
            self.add(
                read.name,
                WARN,
                f"{answer.info.status}, as {contract} says, with {len(found)} "
                f"{'field or value' if len(found) == 1 else 'fields or values'} it does not describe (see contract){nothing}",
                **facts,
            )
        else:
            self.add(read.name, OK, f"{answer.info.status}, as {contract} says{nothing}", **facts)

    # -- clock ----------------------------------------------------------------------------------

    def clock(self) -> None:
        if not self.skews:
            claims = (
                ", and the token carries no time claims"
                if self.credentials and self.credentials.granted
                else ""
            )
            self.add("clock", SKIP, f"cannot tell: no answer carried a Date header{claims}")
            return
        # The worst that is sure: where the service's clocks disagree (its token's, its API's),
        # the one farthest from this clock, less its uncertainty.
        best = max(self.skews, key=lambda skew: abs(skew.seconds) - skew.plus_minus)
        facts = {
            "skewSeconds": round(best.seconds, 2),
            "plusMinusSeconds": round(best.plus_minus, 2),
            "basis": best.basis,
        }
        at_least = abs(best.seconds) - best.plus_minus
        said = f"by {best.basis}, ±{best.plus_minus:.1f} s"
        if at_least <= CLOCK_WARN_SECONDS:
            self.add(
                "clock",
                OK,
                f"within {_seconds(max(abs(best.seconds), best.plus_minus))} of the service's ({said})",
                **facts,
            )
            return
        direction = "ahead of" if best.seconds > 0 else "behind"
        summary = f"this machine's clock is {_seconds(best.seconds)} {direction} the service's ({said})"
        if best.seconds > 0:
            effect = (
                f"a token cached here looks valid up to {_seconds(best.seconds)} after it expired to a machine "
                "with the right time sharing the cache, and once this clock is corrected"
            )
        else:
            effect = (
                f"a token cached here expires {_seconds(best.seconds)} early for a machine with the right time "
                "sharing the cache, and once this clock is corrected"
            )
        details = [effect, "set the clock right, e.g. keep it synchronised: timedatectl set-ntp true"]
        if at_least <= CLOCK_FAIL_SECONDS:
            self.add("clock", WARN, summary, details, **facts)
        else:
            details.insert(
                1,
                f"that is beyond the {REFRESH_MARGIN_SECONDS:.0f} s before expiry at which the SDK fetches a new "
                "token: such a token is sent after it expired, and refused (401), before a new one is fetched",
            )
            self.add("clock", FAIL, summary, details, **facts)

    # -- contract -------------------------------------------------------------------------------

    def contract_verdict(self) -> str | None:
        """The contract check; returns the contract the answers fit (None: none, or no answers)."""
        assert self.credentials is not None
        if not self.answers:
            self.add("contract", SKIP, "no answer to judge")
            return None
        mine = self.credentials.contract
        found = {
            version: [
                (read.name, difference)
                for read in READS
                if read.name in self.answers
                for difference in differences(self.answers[read.name], SHAPES[version][read.operation])
            ]
            for version in contracts.KNOWN
        }

        def score(version: str) -> tuple[int, int]:
            return sum(d.breaking for _, d in found[version]), len(found[version])

        fitting = sorted((version for version in contracts.KNOWN if score(version)[0] == 0), key=score)
        looks_like = mine if mine in fitting else fitting[0] if fitting else None
        closest = min(contracts.KNOWN, key=score)
        source = self.credentials.contract_source
        chosen = (
            "the default for an endpoint other than the service's"
            if source == "endpoint" and mine == contracts.DEFAULT
            else "the endpoint's"
            if source == "endpoint"
            else _from(source)
        )
        facts: dict[str, Any] = {
            "speaks": mine,
            "looksLike": looks_like,
            "differences": {version: [d.to_dict() for _, d in found[version]] for version in contracts.KNOWN},
        }
        listed = self.listed(mine, found[mine])
        if not found[mine]:
            self.add("contract", OK, f"the service speaks {mine}, as this session does ({chosen})", **facts)
        elif looks_like == mine:
            exact = [version for version in fitting if not found[version]]
            also = (
                f"; they are exactly {exact[0]}'s: set {contracts.ENVIRONMENT_VARIABLE}={exact[0]}"
                if exact
                else ""
            )
            self.add(
                "contract",
                WARN,
                f"the service speaks {mine} ({chosen}), and answers {len(found[mine])} fields or values it does not "
                f"describe (the SDK keeps them: unknown fields in extra, unknown values as strings){also}",
                [
                    *listed,
                    "a newer contract than this SDK knows? A newer lucidtech-las-sdk may describe them",
                ],
                **facts,
            )
        elif looks_like is not None:
            self.add(
                "contract",
                FAIL,
                f"the answers look like {looks_like}, not {mine} this session speaks ({chosen}): "
                f"set {contracts.ENVIRONMENT_VARIABLE}={looks_like}",
                [*listed, f"or choose it with {contracts.how_to_choose(looks_like)}"],
                **facts,
            )
        else:
            nearest = "" if closest == mine else f" (closest: {closest}, {len(found[closest])} differences)"
            self.add(
                "contract",
                FAIL,
                f"the answers are neither those of {mine}, the contract this session speaks ({chosen}), nor those "
                f"of another contract this SDK knows{nearest}",
                [
                    *listed,
                    *([] if closest == mine else self.listed(closest, found[closest])),
                    "the service may speak a newer contract: a newer lucidtech-las-sdk may know it; "
                    "or the api_endpoint is not the API",
                ],
                **facts,
            )
        return looks_like

    @staticmethod
    def listed(version: str, found: Sequence[tuple[str, Difference]]) -> list[str]:
        found = sorted(found, key=lambda pair: not pair[1].breaking)  # what breaks first
        lines = [f"{name}: {difference.describe(version)}" for name, difference in found[:_SHOWN_DIFFERENCES]]
        if len(found) > _SHOWN_DIFFERENCES:
            lines.append(
                f"... and {len(found) - _SHOWN_DIFFERENCES} more against {version} (--json lists all)"
            )
        return lines

    # -- the report -----------------------------------------------------------------------------

    def report(self, looks_like: str | None) -> DoctorReport:
        contract = self.credentials.contract if self.credentials is not None else None
        return DoctorReport(tuple(self.scrubbed(check) for check in self.checks), contract, looks_like)

    def scrubbed(self, check: DoctorCheck) -> DoctorCheck:
        """The check with every secret (the client secret, the token) in its text as ``***``."""

        def clean(value: Any) -> Any:
            if isinstance(value, str):
                for secret in self.secrets:
                    if len(secret) >= 4:  # a shorter one would star every word holding its letters
                        value = value.replace(secret, "***")
                return value
            if isinstance(value, Mapping):
                return {key: clean(item) for key, item in value.items()}
            if isinstance(value, (list, tuple)):
                return [clean(item) for item in value]
            return value

        return DoctorCheck(
            check.name,
            check.status,
            clean(check.summary),
            tuple(clean(list(check.details))),
            clean(check.facts),
        )


def doctor(
    credentials: Credentials | Session | AsyncSession | None = None,
    *,
    profile: str | None = None,
    config_path: str | os.PathLike[str] | None = None,
    contract: str | None = None,
    timeout: float = 30.0,
    **overrides: str | None,
) -> DoctorReport:
    """Check a setup against the service it points at, read-only, and report what is wrong.

    Checks the credentials (where each value came from), the credentials file's and the token
    cache's permissions, the token grant (one ``POST /token``), this machine's clock against the
    service's, a few read-only calls (``GET /organizations/me``; models, datasets and workflows,
    one item each) and whether their answers are those of the API contract the session speaks,
    or of which other one. Sends nothing but that token request and those GETs, once each
    (no retries); writes nothing, not even the token cache; never puts the client secret or a
    token in the report. A clock more than 5 s off the service's warns, more than the 60 s before
    expiry at which tokens are renewed fails; answers with fields the contract does not describe
    warn (the SDK keeps them), a missing field or one of another type fails.

    Args:
        credentials: the credentials (or a :class:`las.Session` or :class:`las.AsyncSession`, for
            its credentials and contract) to check; when None, they are read as :func:`las.read_credentials` reads
            them, and a failure to is reported as the first check's.
        profile: the credentials.cfg section to read (default ``LAS_PROFILE``, then ``default``).
        config_path: the credentials file (default ``~/.lucidtech/credentials.cfg``), also the one
            whose permissions are checked.
        contract: check against this contract instead of the session's (``"2024-11-29"``).
        timeout: seconds each request may take.
        overrides: ``client_id``, ``client_secret``, ``auth_endpoint``, ``api_endpoint``, as for
            :func:`las.read_credentials`.

    Returns:
        The report: ``report.ok`` (no check failed), a :class:`DoctorCheck` per check, ``str(report)``
        for people, ``report.to_dict()`` for scripts.

    Raises:
        ContractError: ``contract`` is not a contract this SDK knows (the message names them).
        TypeError: ``credentials`` is neither credentials nor a session.

    Example::

        report = las.doctor(profile="prod")
        print(report)             # OK credentials ..., FAIL contract the answers look like ...
        if not report.ok: ...
    """
    if contract is not None:
        contracts.check(contract)
    if credentials is not None and not isinstance(credentials, (Credentials, SessionOptions)):
        raise TypeError(
            f"las.doctor() takes las.Credentials, a las.Session or a las.AsyncSession, not "
            f"{type(credentials).__name__}; or nothing, to read them as las.read_credentials() does"
        )
    run = _Run(timeout)
    path = Path(config_path or DEFAULT_CONFIG_PATH).expanduser()
    run.resolve(credentials, profile, path, contract, overrides)
    found = run.credentials
    used = found is not None and any(source.startswith("file ") for source in found.sources.values())
    run.private_file("credentials file", path, used, "the client secret")
    if found is None or run.cache is None:
        run.skip(
            ["token cache", "token", *(read.name for read in READS), "clock", "contract"], "no credentials"
        )
        return run.report(None)
    cache_path, caching = run.cache
    run.private_file("token cache", cache_path, caching, "access tokens")
    try:
        run.token()
        if found.granted:
            run.reads()
        else:
            run.skip([read.name for read in READS], "no token")
        run.clock()
        looks_like = run.contract_verdict()
    finally:
        if run.session is not None:
            run.session.close()
    return run.report(looks_like)
