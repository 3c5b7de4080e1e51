"""The two rules that turn Python arguments into the API's wire form, in one place.

- :func:`camel`: snake_case names to the API's camelCase (``dataset_id`` -> ``datasetId``).
- :func:`given`: the arguments that were given, i.e. those whose value is not None, so an
  optional argument left out is not sent (``False``, ``0`` and ``""`` are sent).

The Client builds query strings and bodies with them, and the resource layer its calls.
"""

from __future__ import annotations

from typing import Any

__all__ = ["camel", "given"]


def camel(name: str) -> str:
    """The API's camelCase name for a snake_case one.

    >>> camel("retention_in_days")
    'retentionInDays'
    """
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def given(**arguments: Any) -> dict[str, Any]:
    """The keyword arguments whose value is not None.

    >>> given(name="invoices", description=None, max_results=0)
    {'name': 'invoices', 'max_results': 0}
    """
    return {name: value for name, value in arguments.items() if value is not None}
