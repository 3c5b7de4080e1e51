"""The ``las`` command line (needs the ``cli`` extra: ``pip install 'lucidtech-las-sdk[cli]'``).

One module per command group (``documents``, ``datasets``, ``workflows``, ...), each built on
the low-level :class:`las.Client`; ``_app`` holds the root group and :func:`main`.
"""

from ._app import main

__all__ = ["main"]
