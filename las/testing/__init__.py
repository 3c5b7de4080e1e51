"""Test tools for code that uses the Lucidtech AI Services API, without the real API.

:class:`Emulator` serves the API on loopback from memory (standard library only; HTTPS with
``tls=True`` needs the ``tls`` extra), with fault injection (errors, dropped connections, lost answers, latency, rate limits, expired tokens) and a record of every request::

    from las.testing import Emulator

    with Emulator() as emu:
        ...  # point a client at emu.api_endpoint / emu.auth_endpoint

It serves the 2021-09-23 API contract by default, or today's with ``Emulator(contract="2024-11-29")``.

The pytest plugin (``las.testing.pytest_plugin``) provides ``las_emulator``, ``las_session`` and
``las_client`` fixtures; ``python -m las serve`` runs an emulator from the command line.

Behaviour where the API contract is silent is documented in the modules that implement it:
``_server`` (auth, check order, OPTIONS and unserved methods), ``_tls`` (HTTPS), ``_handlers`` and ``_workflows`` (resources, executions),
``_faults`` (fault filters), ``_validation`` (request rules); under 2024-11-29 also ``_files``
(file URLs), ``_progress`` and ``_trainings`` (what moves on the clock), ``_account``
(organizations, payment methods, profiles, the seeded catalogues).
"""

from las.testing._clock import Clock
from las.testing._emulator import Emulator
from las.testing._server import RecordedRequest

__all__ = ["Clock", "Emulator", "RecordedRequest"]
