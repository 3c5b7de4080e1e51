"""What every command shares: where to send requests (the ``las.Client``) and how to print.

The root group builds one :class:`App` from the global options and hands it to each command
(``@pass_app``). The client is built on first use, so ``las documents --help`` needs no
credentials, and an ``--emulator`` is started only when a command talks to the API.

Where requests go, and with which credentials, is decided here, in one order: a flag on the
command line, then the environment, then the profile of ``~/.lucidtech/credentials.cfg``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import urlsplit

import click

from las import contracts
from las.client import Client
from las.credentials import Credentials, read_credentials
from las.session import DEFAULT_TIMEOUT

from ._errors import redact, redact_url
from ._params import SECONDS

# `las serve` names its app client this unless told otherwise; it is the default for --endpoint.
SERVE_DEFAULT_CLIENT_ID = "las-emulator-client"

DEFAULT_REQUEST_TIMEOUT = 30.0
"""Seconds a request of a command may take, retries and the token fetch included."""
REQUEST_TIMEOUT_ENV = "LAS_REQUEST_TIMEOUT"
ENDPOINT_ENV = "LAS_ENDPOINT"
OUTPUT_ENV = "LAS_OUTPUT"
"""``json`` makes every command print JSON (as the official CLI always does) unless ``--output table``."""
OUTPUTS = click.Choice(["table", "json"])


def _seconds_from_environment() -> float | None:
    """``LAS_REQUEST_TIMEOUT`` as seconds (None when unset).

    Raises:
        click.UsageError: naming the variable, when it is not a number of seconds above 0.
    """
    value = os.environ.get(REQUEST_TIMEOUT_ENV)
    if not value:
        return None
    try:
        return SECONDS.convert(value, None, None)
    except click.BadParameter as error:
        raise click.UsageError(f"{REQUEST_TIMEOUT_ENV}={value!r}: {error.message}") from None


def checked_endpoint(endpoint: str, origin: str) -> str:
    """``endpoint`` if it can be an API's address: ``http(s)://HOST[:PORT][/PATH]``.

    A user name or password in it would not be used (requests carry the client's token), and a
    query or fragment would end up inside every request's path; both are refused rather than
    silently dropped. The endpoint is echoed redacted.

    Raises:
        click.UsageError: naming ``origin`` (``--endpoint`` or ``LAS_ENDPOINT``) and the problem.
    """
    shown = redact_url(endpoint)
    problem: str | None = None
    try:
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number in range
    except ValueError as error:
        problem = f"not a URL ({redact(str(error))})"
    else:
        if parts.scheme not in ("http", "https"):
            problem = "the scheme must be http or https"
        elif not parts.hostname:
            problem = "it names no host"
        elif "@" in parts.netloc:
            problem = "a user name or password in it is not used (the client id and secret are); remove it"
        elif parts.query or parts.fragment or endpoint.endswith(("?", "#")):
            problem = "a query string or fragment would end up in every request's path; remove it"
    if problem:
        raise click.UsageError(f"{origin} {shown!r}: {problem}; expected http(s)://HOST[:PORT][/PATH]")
    return endpoint


def _origin(flag_value: str | None, flag: str, variable: str, otherwise: str) -> str:
    """Where a value of ``--endpoint``'s credentials came from, as ``Credentials.sources`` says it."""
    if flag_value:
        return flag
    return f"environment ({variable})" if os.environ.get(variable) else otherwise


class App:
    """The global options of one ``las`` invocation, and the client they lead to.

    Each argument is the command-line flag's value (None or False when not given); the
    environment and the profile are read here, when the client is built, in that order.

    Args:
        profile: ``--profile``: section of ``~/.lucidtech/credentials.cfg``.
        emulator: ``--emulator``: a fresh embedded emulator, started on first use, stopped on exit.
        endpoint: ``--endpoint``: URL of a running ``las serve`` (API and token endpoint at
            once); without a target flag, ``LAS_ENDPOINT``, then the profile (``LAS_PROFILE``
            or ``default``).
        client_id, client_secret: credentials for the endpoint (or overrides of the profile's);
            without them ``LAS_CLIENT_ID`` / ``LAS_CLIENT_SECRET``.
        output: ``--output``: ``table`` or ``json``; without it ``LAS_OUTPUT``, then ``table``.
        json_output: ``--json``, short for ``output="json"``.
        field: print only this field of the answer (implies JSON).
        request_timeout: seconds each request may take, retries and the token fetch included;
            without it ``LAS_REQUEST_TIMEOUT``, then :data:`DEFAULT_REQUEST_TIMEOUT`.
        contract: ``--contract``: the API contract to speak (and, with ``--emulator``, to serve);
            without it ``LAS_CONTRACT``, then the profile's, then the endpoint's.
    """

    def __init__(
        self,
        *,
        profile: str | None = None,
        emulator: bool = False,
        endpoint: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        output: str | None = None,
        json_output: bool = False,
        field: str | None = None,
        request_timeout: float | None = None,
        contract: str | None = None,
    ) -> None:
        self.profile = profile
        self.use_emulator = emulator
        self.endpoint = endpoint
        self.client_id = client_id
        self.client_secret = client_secret
        self.output = output
        self.json_requested = json_output
        self.field = field
        self.request_timeout = request_timeout
        self.contract = contract
        self._client: Client | None = None
        self._closers: list[Callable[[], None]] = []

    @property
    def json_output(self) -> bool:
        """Whether to print JSON: ``--json``, ``--field`` or ``--output json``, before or after the
        command, else ``LAS_OUTPUT=json``; ``--output table`` wins over the variable."""
        if self.json_requested or self.field is not None:
            return True
        return (self.output or self.check_output_environment() or "table") == "json"

    @staticmethod
    def check_output_environment() -> str | None:
        """``LAS_OUTPUT`` (``table`` or ``json``; None when unset or empty).

        Raises:
            click.UsageError: naming the variable, when it holds anything else.
        """
        value = os.environ.get(OUTPUT_ENV, "").strip().lower()
        if not value:
            return None
        if value not in OUTPUTS.choices:
            raise click.UsageError(
                f"{OUTPUT_ENV}={os.environ[OUTPUT_ENV]!r}: expected table or json (json: every command "
                "prints the API's answer, as the official CLI does)"
            )
        return value

    @property
    def client(self) -> Client:
        """The ``las.Client`` every command uses; built (and an emulator started) on first access.

        Raises:
            click.UsageError: ``--endpoint`` without a client secret, a malformed endpoint or
                request timeout.
            MissingCredentials: no credentials for the profile.
        """
        if self._client is None:
            seconds = self.request_seconds
            self._client = Client(
                self._credentials(), timeout=(DEFAULT_TIMEOUT[0], seconds), deadline=seconds
            )
            self._closers.append(self._client.session.close)
        return self._client

    @property
    def request_seconds(self) -> float:
        """Seconds each request may take: ``--request-timeout``, ``LAS_REQUEST_TIMEOUT``, or the default.

        Raises:
            click.UsageError: ``LAS_REQUEST_TIMEOUT`` is not a number of seconds above 0.
        """
        return self.request_timeout or _seconds_from_environment() or DEFAULT_REQUEST_TIMEOUT

    def _credentials(self) -> Credentials:
        return self.target_credentials() or read_credentials(
            self.profile, client_id=self.client_id, client_secret=self.client_secret, contract=self.contract
        )

    def _contract_choice(self) -> tuple[str | None, str]:
        """The contract ``--contract`` or else ``LAS_CONTRACT`` names (None: neither), and where
        it came from.

        Raises:
            ContractError: ``LAS_CONTRACT`` names no known contract (the message names them).
        """
        if self.contract is not None:
            return self.contract, "--contract"
        chosen = contracts.from_environment()
        return (None, "") if chosen is None else (chosen, contracts.FROM_ENVIRONMENT)

    def target_credentials(self) -> Credentials | None:
        """The credentials of ``--emulator`` (started here) or ``--endpoint``/``LAS_ENDPOINT``; None
        when commands go to the API of a profile (which :func:`las.read_credentials` reads).

        Raises:
            click.UsageError: both targets, a malformed endpoint, or an endpoint without a secret.
        """
        if self.use_emulator and self.endpoint:
            raise click.UsageError("use either --emulator or --endpoint, not both")
        if self.use_emulator:
            from las.testing import Emulator

            # It serves the contract --contract or LAS_CONTRACT names (as `las serve --contract`
            # would), else the default.
            contract, source = self._contract_choice()
            emulator = Emulator() if contract is None else Emulator(contract=contract)
            emulator.start()
            self._closers.append(emulator.stop)
            credentials = emulator.credentials()
            if contract is not None:
                credentials.contract_source = source
            credentials.sources = dict.fromkeys(credentials.sources, "--emulator")
            return credentials
        endpoint_source = "--endpoint"
        endpoint = checked_endpoint(self.endpoint, "--endpoint") if self.endpoint else None
        if endpoint is None and self.profile is None and os.environ.get(ENDPOINT_ENV):
            endpoint, endpoint_source = checked_endpoint(os.environ[ENDPOINT_ENV], ENDPOINT_ENV), ENDPOINT_ENV
        if endpoint:
            client_id = self.client_id or os.environ.get("LAS_CLIENT_ID") or SERVE_DEFAULT_CLIENT_ID
            secret = self.client_secret or os.environ.get("LAS_CLIENT_SECRET")
            if not secret:
                raise click.UsageError(
                    "--endpoint needs the client secret `las serve` printed: set LAS_CLIENT_SECRET "
                    "or pass --client-secret (start the server with `las serve --client-secret S` to choose it)"
                )
            # No token cache: tokens of a throwaway server must not land in the user's cache.
            # --contract or LAS_CONTRACT (which `las serve` prints beside the endpoint) says what it speaks.
            contract, source = self._contract_choice()
            credentials = Credentials(
                client_id, secret, auth_endpoint=endpoint, api_endpoint=endpoint, contract=contract
            )
            if contract is not None:
                credentials.contract_source = source
            credentials.sources = {
                "client_id": _origin(self.client_id, "--client-id", "LAS_CLIENT_ID", "las serve's default"),
                "client_secret": _origin(self.client_secret, "--client-secret", "LAS_CLIENT_SECRET", ""),
                "auth_endpoint": endpoint_source,
                "api_endpoint": endpoint_source,
            }
            return credentials
        return None

    def close(self) -> None:
        """Close the client's connections and stop the emulator, if they were started."""
        while self._closers:
            self._closers.pop()()


pass_app = click.make_pass_decorator(App)
