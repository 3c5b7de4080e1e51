"""The async client: every :class:`las.Client` method as a coroutine, from the same source.

``las.Client``'s methods build a request (a :class:`las._policy.Call`: method, path, query,
body, whether it may be retried) and hand it to ``self._send``, which returns whatever the
session's ``send`` returns. Bound to an :class:`las.AsyncSession`, whose ``send`` is a coroutine
function, the very same method bodies return awaitables; :class:`AsyncClient` awaits them. So an endpoint's
path, fields, parameters and docstring live once, in ``las.Client``; this module only lists
the names, so that type checkers see each method as a coroutine with the Client's signature.

Two methods send several requests (``delete_documents(delete_all=True)`` and
``delete_dataset(delete_documents=True)``) and have short async twins here, built on the
Client's one-request bodies.

Requires the ``async`` extra: ``pip install 'lucidtech-las-sdk[async]'``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar, ParamSpec, Protocol, TypeVar, cast, overload

from ._async_session import AsyncSession
from ._options import client_session_argument
from ._policy import Call
from ._response import RawResponse, ResponseInfo
from .client import Client, Queryparam
from .credentials import Credentials

__all__ = ["AsyncClient"]

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class _AsyncMethod(Protocol[P, R_co]):
    """What a type checker sees of an AsyncClient method: the Client method's parameters, awaited."""

    @overload
    def __get__(self, instance: None, owner: Any) -> Callable[..., Coroutine[Any, Any, R_co]]: ...
    @overload
    def __get__(self, instance: object, owner: Any) -> Callable[P, Coroutine[Any, Any, R_co]]: ...


class _ClientFunctions:
    """``las.Client``'s plain functions by name (``_CLIENT.get_document is Client.get_document``).

    Typed as a Client, so a type checker reads ``_CLIENT.get_document`` as the bound method
    (parameters without ``self``) and carries those parameters over to the AsyncClient method.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(Client, name)


_CLIENT = cast(Client, _ClientFunctions())


def _coroutine(method: Callable[P, R]) -> _AsyncMethod[P, R]:
    """A Client method as a coroutine function of AsyncClient (same signature and docstring)."""
    build = cast("Callable[..., Any]", method)

    @functools.wraps(build)
    async def call(self: AsyncClient, *args: Any, **kwargs: Any) -> Any:
        return await build(self, *args, **kwargs)

    return cast("_AsyncMethod[P, R]", call)


def _sent_and_discarded(method: Callable[P, None]) -> _AsyncMethod[P, None]:
    """A Client method that sends a request and returns None (``send_heartbeat``), as a coroutine."""
    build = cast("Callable[..., Any]", method)

    @functools.wraps(build)
    async def call(self: AsyncClient, *args: Any, **kwargs: Any) -> None:
        recorder = _Recorder(self)
        build(recorder, *args, **kwargs)
        for request in recorder.sent:
            await request

    return cast("_AsyncMethod[P, None]", call)


class _Recorder:
    """A stand-in ``self`` for a Client method body: keeps every request it sends, returned or not."""

    _get = Client._get
    _post = Client._post
    _patch = Client._patch
    _delete = Client._delete
    _content_body = staticmethod(Client._content_body)

    def __init__(self, client: Any) -> None:
        self.client = client
        self.session = client.session
        self.sent: list[Coroutine[Any, Any, Any]] = []

    def _send(self, call: Call) -> Any:
        request = self.client._send(call)
        self.sent.append(request)
        return request


async def _one_request(method: Callable[..., Any], client: AsyncClient, *args: Any, **kwargs: Any) -> Any:
    """Await a Client method that sends one request (its multi-request options left off)."""
    return await method(client, *args, **kwargs)


class AsyncClient:
    """Every :class:`las.Client` method as a coroutine: same names, parameters and answers.

    Args:
        credentials: used to build an :class:`las.AsyncSession` when ``session`` is not given;
            defaults to the environment, then ``~/.lucidtech/credentials.cfg``. An
            :class:`las.AsyncSession` here is taken as ``session``.
        session: the AsyncSession to send requests through (pooling, retries, token).
        session_options: passed to :class:`las.AsyncSession` (e.g. ``max_connections``).

    Raises:
        TypeError: a sync :class:`las.Session` (it goes to :class:`las.Client`), or a session
            together with credentials or session options.

    Example::

        async with las.AsyncClient() as client:
            document = await client.get_document(document_id)
            async for item in las.apaginate(client.list_documents, dataset_id=dataset_id):
                print(item["documentId"])
    """

    is_async: ClassVar[bool] = True
    """Marks the async variant (resource objects bound to it load nothing on attribute access)."""

    def __init__(
        self,
        credentials: Credentials | AsyncSession | None = None,
        *,
        session: AsyncSession | None = None,
        **session_options: Any,
    ) -> None:
        credentials, session = client_session_argument(
            "AsyncClient", credentials, session, session_options, AsyncSession
        )
        self.session = session or AsyncSession(credentials, **session_options)
        self.credentials = self.session.credentials

    def __repr__(self) -> str:
        return f"AsyncClient({self.session!r})"

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.session.close()

    async def close(self) -> None:
        """Close the session's pooled connections."""
        await self.session.close()

    @property
    def with_raw_response(self) -> AsyncRawResponseClient:
        """The same coroutines, answering with a :class:`las.RawResponse` (``data`` and ``info``).

        Example::

            answer = await client.with_raw_response.get_document(document_id)
            print(answer.data["documentId"], answer.info.request_id, answer.info.attempts)
        """
        return AsyncRawResponseClient(self)

    # The Client's request builders, as they are: bound to an AsyncSession they return awaitables.
    _send = Client._send
    _get = Client._get
    _post = Client._post
    _patch = Client._patch
    _delete = Client._delete
    _content_body = staticmethod(Client._content_body)

    # -- app clients -----------------------------------------------------------------------
    create_app_client = _coroutine(_CLIENT.create_app_client)
    list_app_clients = _coroutine(_CLIENT.list_app_clients)
    update_app_client = _coroutine(_CLIENT.update_app_client)
    delete_app_client = _coroutine(_CLIENT.delete_app_client)

    # -- assets ----------------------------------------------------------------------------
    create_asset = _coroutine(_CLIENT.create_asset)
    list_assets = _coroutine(_CLIENT.list_assets)
    get_asset = _coroutine(_CLIENT.get_asset)
    update_asset = _coroutine(_CLIENT.update_asset)
    delete_asset = _coroutine(_CLIENT.delete_asset)

    # -- datasets --------------------------------------------------------------------------
    create_dataset = _coroutine(_CLIENT.create_dataset)
    list_datasets = _coroutine(_CLIENT.list_datasets)
    get_dataset = _coroutine(_CLIENT.get_dataset)
    update_dataset = _coroutine(_CLIENT.update_dataset)
    # delete_dataset: a twin below (it may delete the documents first)

    # -- documents -------------------------------------------------------------------------
    create_document = _coroutine(_CLIENT.create_document)
    list_documents = _coroutine(_CLIENT.list_documents)
    get_document = _coroutine(_CLIENT.get_document)
    update_document = _coroutine(_CLIENT.update_document)
    delete_document = _coroutine(_CLIENT.delete_document)
    # delete_documents: a twin below (delete_all follows pages)

    # -- logs ------------------------------------------------------------------------------
    list_logs = _coroutine(_CLIENT.list_logs)
    get_log = _coroutine(_CLIENT.get_log)

    # -- models and data bundles -----------------------------------------------------------
    create_model = _coroutine(_CLIENT.create_model)
    list_models = _coroutine(_CLIENT.list_models)
    get_model = _coroutine(_CLIENT.get_model)
    update_model = _coroutine(_CLIENT.update_model)
    delete_model = _coroutine(_CLIENT.delete_model)
    create_data_bundle = _coroutine(_CLIENT.create_data_bundle)
    list_data_bundles = _coroutine(_CLIENT.list_data_bundles)
    update_data_bundle = _coroutine(_CLIENT.update_data_bundle)
    delete_data_bundle = _coroutine(_CLIENT.delete_data_bundle)

    # -- organizations ---------------------------------------------------------------------
    get_organization = _coroutine(_CLIENT.get_organization)
    update_organization = _coroutine(_CLIENT.update_organization)

    # -- predictions -----------------------------------------------------------------------
    create_prediction = _coroutine(_CLIENT.create_prediction)
    list_predictions = _coroutine(_CLIENT.list_predictions)

    # -- secrets ---------------------------------------------------------------------------
    create_secret = _coroutine(_CLIENT.create_secret)
    list_secrets = _coroutine(_CLIENT.list_secrets)
    update_secret = _coroutine(_CLIENT.update_secret)
    delete_secret = _coroutine(_CLIENT.delete_secret)

    # -- transitions -----------------------------------------------------------------------
    create_transition = _coroutine(_CLIENT.create_transition)
    list_transitions = _coroutine(_CLIENT.list_transitions)
    get_transition = _coroutine(_CLIENT.get_transition)
    update_transition = _coroutine(_CLIENT.update_transition)
    delete_transition = _coroutine(_CLIENT.delete_transition)
    execute_transition = _coroutine(_CLIENT.execute_transition)
    list_transition_executions = _coroutine(_CLIENT.list_transition_executions)
    get_transition_execution = _coroutine(_CLIENT.get_transition_execution)
    update_transition_execution = _coroutine(_CLIENT.update_transition_execution)
    send_heartbeat = _sent_and_discarded(_CLIENT.send_heartbeat)

    # -- users -----------------------------------------------------------------------------
    create_user = _coroutine(_CLIENT.create_user)
    list_users = _coroutine(_CLIENT.list_users)
    get_user = _coroutine(_CLIENT.get_user)
    update_user = _coroutine(_CLIENT.update_user)
    delete_user = _coroutine(_CLIENT.delete_user)

    # -- workflows -------------------------------------------------------------------------
    create_workflow = _coroutine(_CLIENT.create_workflow)
    list_workflows = _coroutine(_CLIENT.list_workflows)
    get_workflow = _coroutine(_CLIENT.get_workflow)
    update_workflow = _coroutine(_CLIENT.update_workflow)
    delete_workflow = _coroutine(_CLIENT.delete_workflow)
    execute_workflow = _coroutine(_CLIENT.execute_workflow)
    list_workflow_executions = _coroutine(_CLIENT.list_workflow_executions)
    get_workflow_execution = _coroutine(_CLIENT.get_workflow_execution)
    update_workflow_execution = _coroutine(_CLIENT.update_workflow_execution)
    delete_workflow_execution = _coroutine(_CLIENT.delete_workflow_execution)

    # -- the twins of the methods that send more than one request ----------------------------

    async def delete_dataset(self, dataset_id: str, delete_documents: bool = False) -> dict[str, Any]:
        if delete_documents:
            await self.delete_documents(dataset_id=dataset_id, delete_all=True)
        return cast("dict[str, Any]", await _one_request(Client.delete_dataset, self, dataset_id))

    async def delete_documents(
        self,
        *,
        consent_id: Queryparam | None = None,
        dataset_id: Queryparam | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
        delete_all: bool | None = False,
    ) -> dict[str, Any]:
        if delete_all and max_results is not None:
            # The Client's own check, so the message is the same.
            Client.delete_documents(cast(Any, self), max_results=max_results, delete_all=True)
        filters: dict[str, Any] = {"consent_id": consent_id, "dataset_id": dataset_id}
        response: dict[str, Any] = await _one_request(
            Client.delete_documents, self, **filters, max_results=max_results, next_token=next_token
        )
        if delete_all:
            while response.get("nextToken"):
                page = await _one_request(
                    Client.delete_documents, self, **filters, next_token=response["nextToken"]
                )
                response["documents"].extend(page.get("documents") or [])
                response["nextToken"] = page.get("nextToken")
        return response

    delete_dataset.__doc__ = Client.delete_dataset.__doc__
    delete_documents.__doc__ = Client.delete_documents.__doc__


class _RecordingAsyncClient(AsyncClient):
    """An AsyncClient for one raw call: sends through the same session and keeps each answer's info."""

    def __init__(self, client: AsyncClient) -> None:  # shares the session; no new one is made
        self.session = client.session
        self.credentials = client.credentials
        self.last_info: ResponseInfo | None = None

    async def _send(self, call: Call) -> Any:
        answer = await self.session.send(call, raw=True)
        self.last_info = answer.info
        return answer.data


class AsyncRawResponseClient:
    """``async_client.with_raw_response``: every AsyncClient coroutine, answering with a
    :class:`las.RawResponse`. For a method that sends several requests, ``info`` is the last one's.
    """

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, RawResponse[Any]]]:
        method = getattr(AsyncClient, name, None)
        if name.startswith("_") or not callable(getattr(Client, name, None)) or method is None:
            raise AttributeError(f"las.AsyncClient has no method {name!r}")

        @functools.wraps(method)
        async def call(*args: Any, **kwargs: Any) -> RawResponse[Any]:
            recording = _RecordingAsyncClient(self._client)
            data = await method(recording, *args, **kwargs)
            assert recording.last_info is not None, f"{name} sent no request"
            return RawResponse(data, recording.last_info)

        return call
