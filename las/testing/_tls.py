"""HTTPS for the emulator: a throwaway certificate authority from ``trustme`` (the ``tls`` extra).

Clients that only know an auth host name fetch tokens from ``https://{auth_endpoint}/token``;
with TLS the emulator serves them. Each :class:`ThrowawayCA` is new: its CA certificate is
written to a private temporary directory (:attr:`ThrowawayCA.ca_path`) for clients to trust
(``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE``, ``curl --cacert``), and removed by :meth:`ThrowawayCA.remove`.
"""

from __future__ import annotations

import shutil
import ssl
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Final

INSTALL_HINT: Final = (
    "serving over TLS needs the optional 'trustme' package: pip install 'lucidtech-las-sdk[tls]'"
)
LOOPBACK_NAMES: Final = ("127.0.0.1", "localhost", "::1")


def require_trustme() -> ModuleType:
    """The ``trustme`` module.

    Raises:
        ImportError: it is not installed; the message says how to install it.
    """
    try:
        import trustme
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    return trustme


class ThrowawayCA:
    """A new certificate authority and a server certificate it signed for ``hosts`` and loopback.

    Attributes:
        ca_path: PEM file of the CA certificate, for clients to trust.
        context: server-side ``ssl.SSLContext`` presenting the certificate.
    """

    def __init__(self, *hosts: str) -> None:
        trustme = require_trustme()
        authority = trustme.CA(organization_name="las emulator (throwaway)")
        names = dict.fromkeys(
            [*LOOPBACK_NAMES, *(host for host in hosts if host not in ("", "0.0.0.0", "::"))]
        )
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(*names).configure_cert(self.context)
        self._directory = Path(tempfile.mkdtemp(prefix="las-emulator-ca-"))
        self.ca_path = str(self._directory / "ca.pem")
        authority.cert_pem.write_to_path(self.ca_path)

    def remove(self) -> None:
        """Delete the CA file and its directory (idempotent)."""
        shutil.rmtree(self._directory, ignore_errors=True)
