"""Which version of las this is, read from the installed distribution's metadata.

The distribution is published as ``lucidtech-las-sdk`` and installs the import package ``las``,
as Lucidtech's older SDK (``lucidtech-las``) does: installed side by side, the two overwrite each
other's files. :func:`warn_if_installed_beside_another_las` tells the user at import.
"""

from __future__ import annotations

import warnings
from importlib import metadata

__all__ = ["DISTRIBUTION", "VERSION_LINE", "__version__", "warn_if_installed_beside_another_las"]

DISTRIBUTION = "lucidtech-las-sdk"
"""The name to ``pip install``; the import package is ``las``."""

OTHER_DISTRIBUTIONS_OF_LAS = ("lucidtech-las",)
"""Distributions that also install a top-level ``las`` package."""

UNKNOWN_VERSION = "0+unknown"
"""The version reported when las runs from a source tree that was never installed."""


def installed_version() -> str:
    """The installed distribution's version (semantic versioning), or ``0+unknown``."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION


def warn_if_installed_beside_another_las() -> None:
    """Warn (RuntimeWarning) when another distribution of the ``las`` package is installed too.

    Both write ``site-packages/las``, so whichever was installed last wins file by file and the
    result is neither. Reads local metadata only: no network, a few milliseconds.
    """
    for name in OTHER_DISTRIBUTIONS_OF_LAS:
        try:
            other = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        warnings.warn(
            f"{name} {other} is installed beside {DISTRIBUTION}; both install the import package "
            f"'las' and overwrite each other's files. {DISTRIBUTION} replaces it: run "
            f"'pip uninstall {name} {DISTRIBUTION}' then 'pip install {DISTRIBUTION}'.",
            RuntimeWarning,
            stacklevel=2,
        )


__version__ = installed_version()

VERSION_LINE = f"las ({DISTRIBUTION}) {__version__}"
"""What ``las --version`` prints: the distribution (this SDK's, not lucidtech-las-cli's) and its version."""
