"""The ``requests.Session`` the sync Session sends with: requests' own answers, for less work
per request.

Two steps of ``Session.request`` cost more than the rest of requests' own work on a request:

- **The environment's settings** (:meth:`requests.Session.merge_environment_settings`): requests
  walks the whole environment twice per request to find the ``*_proxy`` variables, 40 µs with
  40 variables. :class:`LeanSession` keeps requests' answer per host and looks it up again while
  the variables requests reads (every ``*_proxy`` in any case, ``REQUEST_METHOD``,
  ``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``: :func:`las._environment.environment_fingerprint`)
  and the session's own settings are unchanged: a variable set, changed or removed between two
  requests is seen by the second one, as with requests. Where the proxies do not come from the
  environment alone (macOS and Windows also read the system's settings), or the environment
  cannot be read as a whole, requests answers every time.
- **Merging the session's headers and parameters with the request's**
  (:meth:`requests.Session.prepare_request`): requests 2.34 tells a mapping by a runtime
  protocol check, about 3 µs each, four per request. :class:`LeanSession` merges plain dicts
  and requests' header dict the same way without it, and leaves anything else to requests.
"""

from __future__ import annotations

from http import cookiejar
from typing import Any, cast

import requests
from requests.cookies import RequestsCookieJar, cookiejar_from_dict, merge_cookies
from requests.sessions import merge_hooks, merge_setting
from requests.structures import CaseInsensitiveDict
from requests.utils import get_netrc_auth

from ._environment import KeptAnswers, host_part


class LeanSession(requests.Session):
    """A ``requests.Session`` that reads the environment's proxies and CA bundle again only when
    the variables they come from changed, and merges its headers and parameters with a request's
    without requests' protocol checks (see the module's docstring); same answers as requests."""

    def __init__(self) -> None:
        super().__init__()
        self._kept: KeptAnswers[tuple[dict[str, str], dict[str, Any]]] = KeptAnswers()

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)  # type: ignore[misc]  # requests has it; its stubs do not
        self._kept = KeptAnswers()

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any) -> Any:
        """requests' settings for a request to ``url``; kept while the environment and the
        session's settings are unchanged, for a call that gives an empty dict of proxies and no
        verify or cert of its own, as ``Session.request`` does (requests computes the others)."""
        if (
            not self.trust_env  # requests reads no environment then
            or type(proxies) is not dict  # None: requests leaves the environment's proxies out
            or proxies
            or verify is not None
            or cert is not None
            or type(url) is not str
            or type(self.proxies) is not dict  # None, say: requests then takes the request's alone
        ):
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        session_verify, session_cert = self.verify, self.cert
        key = (
            host_part(url),
            stream,
            self.stream,
            session_verify if isinstance(session_verify, (bool, str)) else id(session_verify),
            session_cert if isinstance(session_cert, (str, tuple)) else id(session_cert),
            tuple(self.proxies.items()),
        )

        def compute() -> tuple[dict[str, str], dict[str, Any]]:
            from_environment: dict[str, str] = {}  # requests adds the environment's proxies to it
            settings = super(LeanSession, self).merge_environment_settings(
                url, from_environment, stream, verify, cert
            )
            return from_environment, dict(settings)

        from_environment, settings = self._kept.answer(key, compute)
        proxies.update(from_environment)  # as requests does, the caller's dict gets them
        return {**settings, "proxies": settings["proxies"].copy()}  # of the type requests gives

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        """requests' own ``prepare_request``, its three ``merge_setting`` calls done directly
        where the session's and the request's headers and parameters are plain (requests'
        header dict, dicts): session's first, then the request's, a header whose value is None
        removed. Anything else is requests' to merge."""
        headers, params = request.headers, request.params
        session_headers, session_params = self.headers, self.params
        if not (
            type(headers) is dict
            and type(params) is dict
            and type(session_headers) is CaseInsensitiveDict
            and type(session_params) is dict
        ):
            return super().prepare_request(request)
        merged_headers = CaseInsensitiveDict(session_headers)
        merged_headers.update(headers)
        for name in [name for name, value in merged_headers.items() if value is None]:
            del merged_headers[name]
        # (requests also drops the keys whose value is None: encoding the query drops them too)
        merged_params = {**session_params, **params} if session_params else params

        cookies = request.cookies or {}
        if not isinstance(cookies, cookiejar.CookieJar):
            cookies = cookiejar_from_dict(cookies)  # type: ignore[no-untyped-call]
        merged_cookies = merge_cookies(  # type: ignore[no-untyped-call]
            merge_cookies(RequestsCookieJar(), self.cookies),  # type: ignore[no-untyped-call]
            cookies,
        )
        auth = request.auth
        if self.trust_env and not auth and not self.auth:
            auth = get_netrc_auth(request.url)
        prepared = requests.PreparedRequest()
        prepared.prepare(
            method=cast("str", request.method).upper(),
            url=request.url,
            files=request.files,
            data=request.data,
            json=request.json,
            headers=merged_headers,
            params=merged_params,
            auth=merge_setting(auth, self.auth),  # type: ignore[no-untyped-call]
            cookies=merged_cookies,
            hooks=merge_hooks(request.hooks, self.hooks),  # type: ignore[no-untyped-call]
        )
        return prepared
