"""What every command shares: where to send requests (the ``las.Client``) and how to print.

The root group builds one :class:`App` from the global options and hands it to each command
(``@pass_app``). The client is built on first use, so ``las documents --help`` needs no
credentials, and an ``--emulator`` is started only when a command talks to the API.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import click

from las.client import Client
from las.credentials import Credentials, read_credentials

# `las serve` names its app client this unless told otherwise; it is the default for --endpoint.
SERVE_DEFAULT_CLIENT_ID = "las-emulator-client"


class App:
    """The global options of one ``las`` invocation, and the client they lead to.

    Args:
        profile: section of ``~/.lucidtech/credentials.cfg`` (default ``LAS_PROFILE`` or ``default``).
        emulator: run against a fresh embedded emulator, started on first use, stopped on exit.
        endpoint: URL of a running ``las serve`` (API and token endpoint at once).
        client_id, client_secret: credentials for ``endpoint`` (or overrides of the profile's).
        json_output: print the API's JSON instead of tables.
        field: print only this top-level field of the answer (implies ``json_output``).
    """

    def __init__(
        self,
        *,
        profile: str | None = None,
        emulator: bool = False,
        endpoint: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        json_output: bool = False,
        field: str | None = None,
    ) -> None:
        self.profile = profile
        self.use_emulator = emulator
        self.endpoint = endpoint
        self.client_id = client_id
        self.client_secret = client_secret
        self.json_output = json_output or field is not None
        self.field = field
        self._client: Client | None = None
        self._closers: list[Callable[[], None]] = []

    @property
    def client(self) -> Client:
        """The ``las.Client`` every command uses; built (and an emulator started) on first access.

        Raises:
            click.UsageError: ``--endpoint`` without a client secret.
            MissingCredentials: no credentials for the profile.
        """
        if self._client is None:
            self._client = Client(self._credentials())
            self._closers.append(self._client.session.close)
        return self._client

    def _credentials(self) -> Credentials:
        if self.use_emulator:
            from las.testing import Emulator

            emulator = Emulator().start()
            self._closers.append(emulator.stop)
            return Credentials(
                emulator.client_id,
                emulator.client_secret,
                auth_endpoint=emulator.auth_endpoint,
                api_endpoint=emulator.api_endpoint,
            )
        if self.endpoint:
            client_id = self.client_id or os.environ.get("LAS_CLIENT_ID") or SERVE_DEFAULT_CLIENT_ID
            secret = self.client_secret or os.environ.get("LAS_CLIENT_SECRET")
            if not secret:
                raise click.UsageError(
                    "--endpoint needs the client secret `las serve` printed: pass --client-secret "
                    "or set LAS_CLIENT_SECRET (start the server with `las serve --client-secret S` to choose it)"
                )
            # No token cache: tokens of a throwaway server must not land in the user's cache.
            return Credentials(client_id, secret, auth_endpoint=self.endpoint, api_endpoint=self.endpoint)
        return read_credentials(self.profile, client_id=self.client_id, client_secret=self.client_secret)

    def close(self) -> None:
        """Close the client's connections and stop the emulator, if they were started."""
        while self._closers:
            self._closers.pop()()


pass_app = click.make_pass_decorator(App)
