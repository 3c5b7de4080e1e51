"""The low-level client: one method per API operation, each the one place that knows its
path and wire field names. Methods return the API's decoded JSON.

Names, parameters and return values are those of the reference client, so code written for it
runs unchanged; the parameters lucidtech-las 11.4.1 added are accepted too (keyword-only where
the reference had none, ``create_model`` in both of its shapes), so code written for 11.4 runs
unchanged as well. Optional arguments that are not passed (left
``None``) are not sent; ``False``, ``0`` and ``""`` are. Extra keyword arguments
(``**optional_args``) are sent as body fields; snake_case names are converted to the API's
camelCase.

Requests follow the API contract the session speaks (``client.contract``, see
:mod:`las.contracts`) where the two contracts differ; an argument that contract cannot carry
(``metadata=`` on 2021-09-23, a model's ``width`` on 2024-11-29) raises :class:`las.ContractError`
before anything is sent.
"""

# The source of both variants: tools/unasync.py generates las/client.py from it.  # unasync: async only

from __future__ import annotations

import base64
import copy
import datetime
import inspect  # unasync: async only
import io
import pathlib
import urllib.parse
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from typing import IO, Any, ClassVar, cast, overload

from . import contracts, ids
from ._async_session import AsyncSession
from ._options import client_session_argument
from ._pagination import Walk, items_key
from ._policy import EXPECT_ANY, EXPECT_OBJECT, Call, make_call, make_file_call
from ._response import RawResponse
from ._wire import Queryparam, empty_lists, given, model_arguments
from ._wire import fields as _fields
from ._wire import path as _path
from ._wire import timestamp as _timestamp
from .content import (
    check_size,
    content_body,
    detect_content_type,
    encode_content,
    file_body,
    read_content,
    uploads_to_file_url,
)
from .contracts import CONTRACTS
from .credentials import Credentials, read_credentials
from .exceptions import (
    BadRequestError,
    ClientException,
    ContractError,
    DocumentUploadError,
    FileFormatException,
    InvalidCredentialsException,
    InvalidResponseError,
    LimitExceededException,
    NotFoundError,
    TooManyRequestsException,
)

__all__ = ["AsyncClient", "AsyncRawResponseClient"]

# lucidtech-las (6.x to 11.x) defines its exceptions in this module and its users import them from
# here (``from las.client import NotFound``): the same names, for the same errors.
__all__ += [
    "BadRequest",
    "ClientException",
    "FileFormatException",
    "InvalidCredentialsException",
    "LimitExceededException",
    "NotFound",
    "TooManyRequestsException",
]
BadRequest = BadRequestError
NotFound = NotFoundError

# unasync: sync: _RawMethod = Callable[..., RawResponse[Any]]
_RawMethod = Callable[..., Coroutine[Any, Any, RawResponse[Any]]]  # unasync: async only


class AsyncRawResponseClient:
    """``client.with_raw_response``: every method of the client, answering with a
    :class:`las.RawResponse` (``data`` and ``info``). For a method that sends several requests
    (``delete_documents(delete_all=True)``, ``delete_dataset(delete_documents=True)``), ``info``
    is the last request's."""

    __slots__ = ("_client",)
    _NOT_OPERATIONS = frozenset(
        {"close", "contract", "credentials", "is_async", "session", "with_raw_response"}
    )

    def __init__(self, client: AsyncClient) -> None:
        raw = copy.copy(client)  # the same session; its methods answer with the RawResponse
        raw._raw = True
        self._client = raw

    def __getattr__(self, name: str) -> _RawMethod:
        if name.startswith("_") or name in self._NOT_OPERATIONS or not hasattr(self._client, name):
            raise AttributeError(f"las.AsyncClient has no method {name!r}")
        return cast("Callable[..., Any]", getattr(self._client, name))


class AsyncClient:
    """A low level client to invoke api methods from Lucidtech AI Services.

    Args:
        credentials: used to build an :class:`las.AsyncSession` when ``session`` is not given;
            defaults to the environment, then ``~/.lucidtech/credentials.cfg``. An
            :class:`las.AsyncSession` here is taken as ``session``.
        profile: the section of ``~/.lucidtech/credentials.cfg`` to read the credentials from
            (as lucidtech-las 11.x's ``Client(profile=...)``); the environment still comes first,
            as with ``LAS_PROFILE``.
        session: the AsyncSession to send requests through (shared pooling, retries, token).
        session_options: passed to :class:`las.AsyncSession` (e.g. ``timeout``, ``max_retries``,
            ``contract``).

    Raises:
        TypeError: a session of the other variant, or a session together with credentials or
            session options, or ``profile`` together with credentials or a session.
        MissingCredentials: ``profile`` names a section that is not there (and the environment
            does not have the values either).

    Example::

        client = las.AsyncClient()
        document = await client.create_document(b'%PDF-1.4 ...', 'application/pdf')
    """

    # unasync: sync: is_async: ClassVar[bool] = False
    is_async: ClassVar[bool] = True  # unasync: async only
    """Whether this is the asyncio variant."""

    def __init__(
        self,
        credentials: Credentials | AsyncSession | None = None,
        profile: str | None = None,
        *,
        session: AsyncSession | None = None,
        **session_options: Any,
    ) -> None:
        credentials, session = client_session_argument(
            "AsyncClient", credentials, session, session_options, AsyncSession
        )
        if profile is not None:
            if credentials is not None or session is not None:
                raise TypeError("pass profile= or credentials/session, not both")
            credentials = read_credentials(profile)
        self.session = session or AsyncSession(credentials, **session_options)
        self.credentials = self.session.credentials
        self._raw = False
        self._raw_view: AsyncRawResponseClient | None = None

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
    def contract(self) -> str:
        """The API contract this client's session speaks (:mod:`las.contracts`)."""
        return cast(str, getattr(self.session, "contract", None) or self.credentials.contract)

    def _fits(self, method: str, path: str, *names: Iterable[str]) -> None:
        """Refuse, before sending, a field or query parameter the session's contract cannot carry."""
        contracts.refuse_fields(self.contract, method, path, (name for group in names for name in group))

    def _requires(self, what: str, needed: str = contracts.V2024, instead: str = "leave it out") -> None:
        contracts.require(self.contract, needed, what, instead=instead)

    def _operation_of_2024(self, name: str, path: str) -> str:
        """``path``, after refusing an operation the 2021-09-23 contract does not have."""
        self._requires(
            f"{name} ({path.split('?')[0]})", instead="the 2021-09-23 contract has no such operation"
        )
        return path

    @property
    def with_raw_response(self) -> AsyncRawResponseClient:
        """The same methods, answering with a :class:`las.RawResponse` (``data`` and ``info``).

        Example::

            answer = await client.with_raw_response.get_document(document_id)
            print(answer.data["documentId"], answer.info.request_id, answer.info.attempts)
        """
        view = self._raw_view
        if view is None:
            view = self._raw_view = AsyncRawResponseClient(self)
        return view

    # The API answers every operation but heartbeats with a JSON object: anything else raises
    # las.InvalidResponseError. Each answers with the data, or a RawResponse through
    # with_raw_response.

    async def _request(self, call: Call) -> RawResponse[Any]:
        return cast("RawResponse[Any]", await self.session.send(call, raw=True))

    def _result(self, answer: RawResponse[Any]) -> Any:
        return answer if self._raw else answer.data

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._fits("GET", path, params or ())
        return cast(
            "dict[str, Any]",
            await self.session.send(
                make_call("GET", path, params=params, expect=EXPECT_OBJECT), raw=self._raw
            ),
        )

    async def _post(self, path: str, body: Any) -> dict[str, Any]:
        if isinstance(body, dict):
            self._fits("POST", path, body)
            call = make_call("POST", path, json=body, expect=EXPECT_OBJECT)
        else:  # a body streaming content
            call = make_call("POST", path, body=body, expect=EXPECT_OBJECT)
        return cast("dict[str, Any]", await self.session.send(call, raw=self._raw))

    async def _patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self._fits("PATCH", path, body)
        return cast(
            "dict[str, Any]",
            await self.session.send(make_call("PATCH", path, json=body, expect=EXPECT_OBJECT), raw=self._raw),
        )

    async def _delete(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._fits("DELETE", path, params or ())
        return cast(
            "dict[str, Any]",
            await self.session.send(
                make_call("DELETE", path, params=params, expect=EXPECT_OBJECT), raw=self._raw
            ),
        )

    # -- app clients -----------------------------------------------------------------------

    async def create_app_client(
        self,
        generate_secret: bool = True,
        logout_urls: list[str] | None = None,
        callback_urls: list[str] | None = None,
        login_urls: list[str] | None = None,
        default_login_url: str | None = None,
        **optional_args: Any,
    ) -> dict[str, Any]:
        """Creates an appClient, calls the POST /appClients endpoint. Extras: name, description,
        role_ids (2024-11-29)."""
        body = _fields(
            empty_lists(optional_args, "role_ids"),
            generateSecret=generate_secret,
            logoutUrls=logout_urls,
            callbackUrls=callback_urls,
            loginUrls=login_urls,
            defaultLoginUrl=default_login_url,
        )
        return await self._post("/appClients", body)

    @items_key("appClients")
    async def list_app_clients(
        self, *, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        """List appClients available, calls the GET /appClients endpoint."""
        return await self._get("/appClients", given(maxResults=max_results, nextToken=next_token))

    async def get_app_client(self, app_client_id: str) -> dict[str, Any]:
        """Get an appClient, calls the GET /appClients/{appClientId} endpoint (2024-11-29)."""
        path = _path("/appClients/{app_client_id}", app_client_id=app_client_id)
        return await self._get(self._operation_of_2024("get_app_client", path))

    async def update_app_client(self, app_client_id: str, **optional_args: Any) -> dict[str, Any]:
        """Updates an appClient, calls the PATCH /appClients/{appClientId} endpoint. Extras: name,
        description, role_ids (2024-11-29)."""
        return await self._patch(
            _path("/appClients/{app_client_id}", app_client_id=app_client_id),
            _fields(empty_lists(optional_args, "role_ids")),
        )

    async def delete_app_client(self, app_client_id: str) -> dict[str, Any]:
        """Delete the appClient with the provided appClientId, calls DELETE /appClients/{appClientId}."""
        return await self._delete(_path("/appClients/{app_client_id}", app_client_id=app_client_id))

    # -- assets ----------------------------------------------------------------------------

    async def create_asset(
        self, content: bytes | bytearray | str | pathlib.Path | io.IOBase, **optional_args: Any
    ) -> dict[str, Any]:
        """Creates an asset, calls the POST /assets endpoint. Extras: name, description.

        Raises:
            ContentTooLargeError: content over the API's limit, before any upload.
        """
        body = content_body(content, None, _fields(optional_args), with_type=False)  # type: ignore[arg-type]
        return await self._post("/assets", body)

    @items_key("assets")
    async def list_assets(
        self, *, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        """List assets available, calls the GET /assets endpoint."""
        return await self._get("/assets", given(maxResults=max_results, nextToken=next_token))

    async def get_asset(self, asset_id: str) -> dict[str, Any]:
        """Get asset, calls the GET /assets/{assetId} endpoint."""
        return await self._get(_path("/assets/{asset_id}", asset_id=asset_id))

    async def update_asset(self, asset_id: str, **optional_args: Any) -> dict[str, Any]:
        """Updates an asset, calls the PATCH /assets/{assetId} endpoint. Extras: content, name, description."""
        content = optional_args.pop("content", None)
        body = _fields(optional_args)
        if content is not None:
            source = read_content(content)
            check_size(source)
            body["content"] = encode_content(source)
        return await self._patch(_path("/assets/{asset_id}", asset_id=asset_id), body)

    async def delete_asset(self, asset_id: str) -> dict[str, Any]:
        """Delete the asset with the provided asset_id, calls the DELETE /assets/{assetId} endpoint."""
        return await self._delete(_path("/assets/{asset_id}", asset_id=asset_id))

    # -- datasets --------------------------------------------------------------------------

    async def create_dataset(
        self, *, metadata: dict[str, Any] | None = None, **optional_args: Any
    ) -> dict[str, Any]:
        """Creates a dataset, calls the POST /datasets endpoint. Extras: name, description,
        retention_in_days, contains_personally_identifiable_information.

        Args:
            metadata: a dictionary to store additional information in (2024-11-29).
        """
        return await self._post("/datasets", _fields(optional_args, metadata=metadata))

    @items_key("datasets")
    async def list_datasets(
        self, *, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        """List datasets available, calls the GET /datasets endpoint."""
        return await self._get("/datasets", given(maxResults=max_results, nextToken=next_token))

    async def get_dataset(self, dataset_id: str) -> dict[str, Any]:
        """Get dataset, calls the GET /datasets/{datasetId} endpoint."""
        return await self._get(_path("/datasets/{dataset_id}", dataset_id=dataset_id))

    async def update_dataset(
        self, dataset_id: str, metadata: dict[str, Any] | None = None, **optional_args: Any
    ) -> dict[str, Any]:
        """Updates a dataset, calls the PATCH /datasets/{datasetId} endpoint. Extras: name, description;
        on 2024-11-29 also retention_in_days, contains_personally_identifiable_information.

        Args:
            metadata: a dictionary to store additional information in (2024-11-29).
        """
        return await self._patch(
            _path("/datasets/{dataset_id}", dataset_id=dataset_id), _fields(optional_args, metadata=metadata)
        )

    async def delete_dataset(self, dataset_id: str, delete_documents: bool = False) -> dict[str, Any]:
        """Delete the dataset, calls the DELETE /datasets/{datasetId} endpoint.

        Args:
            delete_documents: first delete every document in the dataset (the API refuses to
                delete a dataset that still has documents).
        """
        path = _path("/datasets/{dataset_id}", dataset_id=dataset_id)  # checks the id before any request
        if delete_documents:
            await self.delete_documents(dataset_id=dataset_id, delete_all=True)
        return await self._delete(path)

    async def create_transformation(
        self, dataset_id: str, operations: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Creates a transformation of a dataset's documents, calls the POST
        /datasets/{datasetId}/transformations endpoint (2024-11-29).

        Args:
            operations: e.g. ``[{"type": "remove-duplicates", "options": {}}]``.
        """
        path = _path("/datasets/{dataset_id}/transformations", dataset_id=dataset_id)
        return await self._post(
            self._operation_of_2024("create_transformation", path), {"operations": operations}
        )

    @items_key("transformations")
    async def list_transformations(
        self,
        dataset_id: str,
        *,
        max_results: int | None = None,
        next_token: str | None = None,
        status: Queryparam | None = None,
    ) -> dict[str, Any]:
        """List a dataset's transformations, calls the GET /datasets/{datasetId}/transformations
        endpoint (2024-11-29)."""
        path = _path("/datasets/{dataset_id}/transformations", dataset_id=dataset_id)
        params = given(maxResults=max_results, nextToken=next_token, status=status)
        return await self._get(self._operation_of_2024("list_transformations", path), params)

    async def delete_transformation(self, dataset_id: str, transformation_id: str) -> dict[str, Any]:
        """Delete a transformation, calls the DELETE
        /datasets/{datasetId}/transformations/{transformationId} endpoint (2024-11-29)."""
        path = _path(
            "/datasets/{dataset_id}/transformations/{transformation_id}",
            dataset_id=dataset_id,
            transformation_id=transformation_id,
        )
        return await self._delete(self._operation_of_2024("delete_transformation", path))

    # -- documents -------------------------------------------------------------------------

    async def create_document(
        self,
        content: bytes | bytearray | str | pathlib.Path | io.IOBase,
        content_type: str | None = None,
        *,
        consent_id: str | None = None,
        dataset_id: str | None = None,
        ground_truth: Sequence[dict[str, str]] | None = None,
        retention_in_days: int | None = None,
        metadata: dict[str, Any] | None = None,
        before_upload: Callable[[dict[str, Any]], object] | None = None,
    ) -> dict[str, Any]:
        """Creates a document, calls the POST /documents endpoint.

        Args:
            content: bytes, bytearray, a path (str or Path) or a file object.
            content_type: MIME type; detected from the first bytes (PDF, JPEG, PNG, TIFF) when None.
            consent_id: id of the consent that marks the owner of the document.
            dataset_id: id of the dataset to put the document in.
            ground_truth: ``[{"label": ..., "value": ...}, ...]``.
            retention_in_days: days before the API deletes the document.
            metadata: a dictionary to store additional information in (2024-11-29).
            before_upload: 2024-11-29: called with the answer to the ``POST`` (its ``documentId``
                and the ``fileUrl`` to upload to) before the bytes are PUT, so a caller can record
                where a crash during the upload leaves them (``las.bulk.ingest`` journals it);
                on the asyncio client it may return an awaitable, which is awaited. If it
                raises, nothing is uploaded: :class:`las.DocumentUploadError`, with its exception
                as ``__cause__``. Not called on 2021-09-23 (the bytes travel in the ``POST``).

        How the bytes travel depends on the contract the session speaks:

        - 2021-09-23: inline, base64 in the body of the one ``POST`` (at most about 4.69 MB).
        - 2024-11-29: the ``POST`` carries no content; the bytes are then ``PUT`` to the
          ``fileUrl`` of its answer, streamed from the file (never whole in memory, no size cap
          of the SDK's), without the access token (the URL is presigned). The PUT is retried
          as any PUT is (5xx, a dropped connection, a read timeout, 429); each of the two
          requests has the session's deadline. The ``POST`` is never repeated.

        Returns:
            The API's answer to the ``POST`` (as lucidtech-las 11.4.1 returns it; on 2024-11-29
            its ``fileUrl`` is the upload URL). Through ``with_raw_response``, the ``info`` is
            the ``POST``'s too.

        Raises:
            FileFormatException: the type could not be detected; lists the accepted types.
            ContentTooLargeError: content over the API's limit (2021-09-23 only), before any upload.
            DocumentUploadError: 2024-11-29: the document was created but its bytes did not
                arrive; it carries ``document_id`` and ``file_url`` (PUT again to finish it).
            ContractError: ``metadata`` on a session speaking 2021-09-23.
        """
        fields = _fields(
            consentId=consent_id,
            datasetId=dataset_id,
            groundTruth=list(ground_truth) if ground_truth is not None else None,
            retentionInDays=retention_in_days,
            metadata=metadata,
        )
        self._fits("POST", "/documents", fields)
        if not uploads_to_file_url(self.session):
            body = content_body(content, content_type, fields, with_type=True)  # type: ignore[arg-type]
            return await self._post("/documents", body)
        source = read_content(content)  # type: ignore[arg-type]
        if content_type is None:
            content_type = detect_content_type(source.head(16))
        call = make_call(
            "POST", "/documents", json={"contentType": content_type, **fields}, expect=EXPECT_OBJECT
        )
        answer = await self._request(call)
        if not ids.is_id(ids.DOCUMENT, answer.data.get("documentId")):  # nothing to name or PUT to
            raise InvalidResponseError(
                f"POST /documents answered a success without a document id (documentId "
                f"{str(answer.data.get('documentId'))[:60]!r}): a document may have been created, "
                "without its bytes (none were uploaded)",
                status_code=answer.info.status,
                method="POST",
                path="/documents",
                request_id=answer.info.request_id,
            )
        if before_upload is not None:
            await self._before_upload(before_upload, answer.data)
        await self._put_created_document(answer.data, source, content_type)
        return cast("dict[str, Any]", self._result(answer))

    async def _before_upload(
        self, callback: Callable[[dict[str, Any]], object], document: dict[str, Any]
    ) -> None:
        """``callback(document)`` between the ``POST`` of a document and the ``PUT`` of its bytes (on
        the async client, an awaitable it answers is awaited).

        Raises:
            DocumentUploadError: it raised (its exception is the cause): nothing was uploaded.
        """
        try:
            # unasync: sync: callback(document)
            outcome = callback(document)  # unasync: async only
            if inspect.isawaitable(outcome):  # unasync: async only
                await outcome  # unasync: async only
        except Exception as error:
            document_id = str(document.get("documentId"))
            raise DocumentUploadError(
                f"{document_id} was created, but before_upload raised {type(error).__name__}: {error}; "
                "its bytes were not uploaded. The document exists without content: PUT the bytes "
                "(client.put_file(error.file_url, content)) or delete it (client.delete_document(error.document_id))",
                document_id=document_id,
                file_url=file_url if isinstance(file_url := document.get("fileUrl"), str) else None,
                document=document,
            ) from error

    async def _put_created_document(self, document: dict[str, Any], source: Any, content_type: str) -> None:
        """PUT the bytes of a document just created to the ``fileUrl`` of its answer.

        Raises:
            DocumentUploadError: they did not arrive (or the answer had no ``fileUrl``).
        """
        document_id = str(document.get("documentId"))
        file_url = document.get("fileUrl")
        if not isinstance(file_url, str):
            raise DocumentUploadError(
                f"{document_id} was created, but the API answered no fileUrl to upload its bytes to "
                f"(got {type(file_url).__name__}); it exists without content: delete it or ask the API "
                "for an upload URL",
                document_id=document_id,
                file_url=None,
                document=document,
            )
        try:
            call = make_file_call("PUT", file_url, body=file_body(source), content_type=content_type)
            await self.session.send(call)
        except ClientException as error:
            raise DocumentUploadError(
                f"{document_id} was created, but uploading its {source.size:,} bytes to its fileUrl "
                f"failed: {error}. The document exists without content: PUT the bytes again "
                "(client.put_file(error.file_url, content)) or delete it "
                "(client.delete_document(error.document_id))",
                document_id=document_id,
                file_url=file_url,
                document=document,
            ) from error

    # -- file URLs (2024-11-29): where a document's bytes go up and come down ------------------

    async def get_file(self, file_url: str, *, into: IO[bytes] | None = None) -> bytes:
        """Download the bytes at a ``fileUrl`` the API answered (a GET, without the access token:
        the URL is presigned), retried and bounded as any GET.

        Args:
            file_url: the URL, as the API answered it.
            into: a seekable binary file to stream the bytes into instead of returning them
                (emptied first; a retry starts it over); then ``b""`` is returned. If the call
                fails (e.g. the deadline passes half-way), the file is left empty: it never
                holds part of the body, nor what it held before.

        Raises:
            APIError: the file server refused (e.g. 403 for an expired URL: get the document
                again for a fresh one); as for API calls otherwise.
            InvalidResponseError: ``file_url`` is not an absolute http(s) URL.
            TypeError: ``into`` is not seekable (a pipe, say), before anything is sent.
        """
        answer = await self._request(make_file_call("GET", file_url, into=into))
        if into is not None:
            answer = RawResponse(b"", answer.info)
        return cast(bytes, self._result(answer))

    async def put_file(
        self,
        file_url: str,
        content: bytes | bytearray | str | pathlib.Path | io.IOBase,
        content_type: str | None = None,
    ) -> None:
        """Upload bytes to a ``fileUrl`` the API answered (a PUT, without the access token),
        streamed from the file and retried as any PUT (a PUT again replaces the bytes).

        ``create_document`` does this itself; call it to finish a document whose upload failed
        (:class:`las.DocumentUploadError` has its ``file_url``).

        Args:
            content: bytes, bytearray, a path (str or Path) or a file object.
            content_type: its MIME type; detected from the first bytes when None.

        Raises:
            FileFormatException: the type could not be detected.
            APIError: the file server refused (e.g. 403 for an expired URL).
            InvalidResponseError: a success with a body, which object storage never answers to a
                PUT (a proxy's page, say): the bytes may not have been stored; PUT them again.
        """
        source = read_content(content)  # type: ignore[arg-type]
        if content_type is None:
            content_type = detect_content_type(source.head(16))
        call = make_file_call("PUT", file_url, body=file_body(source), content_type=content_type)
        self._result(await self._request(call))

    @items_key("documents")
    async def list_documents(
        self,
        *,
        consent_id: Queryparam | None = None,
        dataset_id: Queryparam | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
        order: str | None = None,
        sort_by: str | None = None,
    ) -> dict[str, Any]:
        """List documents available for inference, calls the GET /documents endpoint.

        Args:
            order: ``"ascending"`` or ``"descending"`` (2024-11-29).
            sort_by: ``"createdTime"`` (2024-11-29).
        """
        params = given(
            consentId=consent_id,
            datasetId=dataset_id,
            maxResults=max_results,
            nextToken=next_token,
            order=order,
            sortBy=sort_by,
        )
        return await self._get("/documents", params)

    async def get_document(
        self,
        document_id: str,
        *,
        width: int | None = None,
        height: int | None = None,
        page: int | None = None,
        rotation: int | None = None,
        density: int | None = None,
        quality: str | None = None,
        download_content: bool = True,
    ) -> dict[str, Any]:
        """Get document, calls the GET /documents/{documentId} endpoint.

        An answer without ``content`` but with a ``fileUrl`` (the 2024-11-29 contract) gets its
        ``content`` from there, base64 as the 2021 contract answers it (as lucidtech-las 11.4.1
        does): one more request, to the file URL, without the access token.

        Args:
            width, height, page, rotation, density, quality: lucidtech-las 11.4.1's conversion of
                the file (to a JPEG of this size, this page (0-based, negative from the end),
                rotated, at this density; ``quality="low"`` for a smaller PDF): sent, as 11.4.1
                sends them, as query parameters of the download from the ``fileUrl``, whose
                bytes become ``content`` (2024-11-29; the contract does not describe the file
                server's parameters).
            download_content: False leaves ``content`` out when the answer has none (no
                download): what the resource layer's ``Document.get`` does, so ``content`` is
                downloaded when read.

        Raises:
            ContractError: a conversion argument on a session speaking 2021-09-23, which has no
                file URLs; nothing is sent.
            InvalidResponseError: a conversion asked for, and the answer has no ``fileUrl``.
        """
        conversion = given(
            width=width, height=height, page=page, rotation=rotation, density=density, quality=quality
        )
        if conversion:
            shown = ", ".join(f"{name}=" for name in conversion)
            self._requires(f"get_document({shown}...)", instead="leave the conversion arguments out")
        answer = await self._request(
            make_call("GET", _path("/documents/{document_id}", document_id=document_id), expect=EXPECT_OBJECT)
        )
        document = answer.data
        file_url = document.get("fileUrl")
        if conversion and not isinstance(file_url, str):
            raise InvalidResponseError(
                f"get_document({', '.join(f'{name}=' for name in conversion)}...): the API answered no fileUrl "
                "to download the converted file from",
                status_code=answer.info.status,
                method="GET",
                path=answer.info.path,
            )
        if conversion or (download_content and document.get("content") is None and isinstance(file_url, str)):
            query = "&" if urllib.parse.urlsplit(file_url).query else "?"
            url = file_url + (query + urllib.parse.urlencode(conversion) if conversion else "")
            downloaded = await self._request(make_file_call("GET", url))  # the bytes, also when raw
            document["content"] = base64.b64encode(downloaded.data).decode("ascii")
        return cast("dict[str, Any]", self._result(answer))

    async def update_document(
        self,
        document_id: str,
        ground_truth: Sequence[dict[str, str | bool | None]] | None = None,
        *,
        dataset_id: str | None = None,
        retention_in_days: int | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Update ground truth, dataset or retention of a document, calls the PATCH /documents/{documentId} endpoint.

        ``retention_in_days`` (days before the API deletes the document) goes beyond the
        reference client, as a keyword-only option; ``metadata`` (a dictionary to store
        additional information in, 2024-11-29) is lucidtech-las 11.x's.
        """
        body = _fields(
            groundTruth=list(ground_truth) if ground_truth is not None else None,
            datasetId=dataset_id,
            retentionInDays=retention_in_days,
            metadata=metadata,
        )
        return await self._patch(_path("/documents/{document_id}", document_id=document_id), body)

    async def delete_document(self, document_id: str) -> dict[str, Any]:
        """Delete the document, calls the DELETE /documents/{documentId} endpoint."""
        return await self._delete(_path("/documents/{document_id}", document_id=document_id))

    async def delete_documents(
        self,
        *,
        consent_id: Queryparam | None = None,
        dataset_id: Queryparam | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
        delete_all: bool | None = False,
    ) -> dict[str, Any]:
        """Delete documents matching the filters, calls the DELETE /documents endpoint.

        Args:
            delete_all: follow pages until every matching document is deleted; the answer
                lists them all. Cannot be combined with ``max_results``.

        Raises:
            ValueError: ``delete_all`` with ``max_results``.
        """
        if delete_all and max_results is not None:
            raise ValueError("delete_documents: max_results cannot be combined with delete_all=True")
        params = given(
            consentId=consent_id, datasetId=dataset_id, maxResults=max_results, nextToken=next_token
        )
        if not delete_all:
            return await self._delete("/documents", params)
        # The one nextToken rule of every listing: a token seen before stops the walk.
        walk = Walk(next_token, None, "DELETE", "/documents")
        answer = await self._request(make_call("DELETE", "/documents", params=params, expect=EXPECT_OBJECT))
        walk.check(answer)
        response, info = answer.data, answer.info
        while walk.next_token is not None:
            params["nextToken"] = walk.next_token
            page = await self._request(make_call("DELETE", "/documents", params=params, expect=EXPECT_OBJECT))
            walk.check(page)
            response.setdefault("documents", []).extend(page.data.get("documents") or [])
            info = page.info
        response["nextToken"] = None
        return cast("dict[str, Any]", self._result(RawResponse(response, info)))

    # -- logs ------------------------------------------------------------------------------

    @items_key("logs")
    async def list_logs(
        self,
        *,
        workflow_id: str | None = None,
        workflow_execution_id: str | None = None,
        transition_id: str | None = None,
        transition_execution_id: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        """List logs, calls the GET /logs endpoint."""
        params = given(
            workflowId=workflow_id,
            workflowExecutionId=workflow_execution_id,
            transitionId=transition_id,
            transitionExecutionId=transition_execution_id,
            maxResults=max_results,
            nextToken=next_token,
        )
        return await self._get("/logs", params)

    async def get_log(self, log_id: str) -> dict[str, Any]:
        """get log, calls the GET /logs/{logId} endpoint."""
        return await self._get(_path("/logs/{log_id}", log_id=log_id))

    # -- models and data bundles -----------------------------------------------------------

    @overload
    async def create_model(
        self,
        width: int,
        height: int,
        field_config: Mapping[str, Any],
        *,
        preprocess_config: dict[str, Any] | None = None,
        postprocess_config: dict[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        base_model: dict[str, Any] | None = None,
        **optional_args: Any,
    ) -> dict[str, Any]: ...

    @overload
    async def create_model(
        self,
        field_config: Mapping[str, Any],
        *,
        width: int | None = None,
        height: int | None = None,
        preprocess_config: dict[str, Any] | None = None,
        postprocess_config: dict[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        base_model: dict[str, Any] | None = None,
        **optional_args: Any,
    ) -> dict[str, Any]: ...

    async def create_model(
        self,
        *args: Any,
        width: Any = None,
        height: Any = None,
        field_config: Any = None,
        preprocess_config: dict[str, Any] | None = None,
        postprocess_config: dict[str, Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        base_model: dict[str, Any] | None = None,
        **optional_args: Any,
    ) -> dict[str, Any]:
        """Creates a model, calls the POST /models endpoint.

        Both call shapes work: the reference client's ``create_model(width, height, field_config)``
        and lucidtech-las 11.x's ``create_model(field_config, *, width=None, height=None)``; the
        first positional argument tells which (a mapping is ``field_config``).

        Args:
            width, height: input image size in pixels (97 to 1921): required by the 2021-09-23
                contract, not part of 2024-11-29.
            field_config: ``{label: {"type": ..., "maxLength": ..., "description": ...}}``.
            preprocess_config: ``{"autoRotate": ..., "maxPages": ..., "imageQuality": ...}``.
            postprocess_config: e.g. ``{"strategy": "BEST_FIRST"}`` (2024-11-29).
            metadata: a dictionary to store additional information in (2024-11-29).
            base_model: the model to start from, e.g. ``{"organizationId": ..., "modelId": ...}``;
                sent as ``metadata["baseModel"]``, as lucidtech-las 11.x does (2024-11-29).

        Raises:
            TypeError: a call that fits neither shape (as Python says it).
            ContractError: width or height missing on 2021-09-23, or given on 2024-11-29;
                postprocess_config, metadata or base_model on 2021-09-23.
        """
        width, height, field_config = model_arguments(args, width, height, field_config)
        if base_model is not None:
            metadata = {**(metadata or {}), "baseModel": base_model}
        if CONTRACTS[self.contract].model_size and (width is None or height is None):
            raise ContractError(
                f"create_model: the API contract {self.contract} this session speaks requires a model's "
                "width and height: pass them (create_model(width, height, field_config)), or speak "
                f"{contracts.V2024}, which has neither, with {contracts.how_to_choose(contracts.V2024)}. "
                "Nothing was sent."
            )
        body = _fields(
            optional_args,
            width=width,
            height=height,
            fieldConfig=dict(field_config),
            preprocessConfig=preprocess_config,
            postprocessConfig=postprocess_config,
            name=name,
            description=description,
            metadata=metadata,
        )
        return await self._post("/models", body)

    @items_key("models")
    async def list_models(
        self,
        *,
        owner: Queryparam | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        """List models available, calls the GET /models endpoint.

        Args:
            owner: organizations whose models to list (2024-11-29).
        """
        return await self._get("/models", given(owner=owner, maxResults=max_results, nextToken=next_token))

    async def get_model(self, model_id: str, *, statistics_last_n_days: int | None = None) -> dict[str, Any]:
        """Get a model, calls the GET /models/{modelId} endpoint.

        ``model_id`` may carry an organisation prefix (``las:organization:X/las:model:Y``): it is
        percent-encoded into one path segment.

        Args:
            statistics_last_n_days: 1 to 30: the days the answer's statistics cover (2024-11-29).
        """
        return await self._get(
            _path("/models/{model_id}", model_id=model_id), given(statisticsLastNDays=statistics_last_n_days)
        )

    async def update_model(
        self,
        model_id: str,
        *,
        width: int | None = None,
        height: int | None = None,
        field_config: dict[str, Any] | None = None,
        preprocess_config: dict[str, Any] | None = None,
        status: str | None = None,
        postprocess_config: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        **optional_args: Any,
    ) -> dict[str, Any]:
        """Updates a model, calls the PATCH /models/{modelId} endpoint. Extras: name, description;
        training_id (2024-11-29: the training predictions use).

        ``width``, ``height`` and ``status`` are the 2021-09-23 contract's; ``postprocess_config``
        and ``metadata`` the 2024-11-29 contract's (:class:`las.ContractError` on the other).
        """
        body = _fields(
            optional_args,
            width=width,
            height=height,
            fieldConfig=field_config,
            preprocessConfig=preprocess_config,
            status=status,
            postprocessConfig=postprocess_config,
            metadata=metadata,
        )
        return await self._patch(_path("/models/{model_id}", model_id=model_id), body)

    async def delete_model(self, model_id: str) -> dict[str, Any]:
        """Delete the model, calls the DELETE /models/{modelId} endpoint."""
        return await self._delete(_path("/models/{model_id}", model_id=model_id))

    async def create_data_bundle(
        self, model_id: str, dataset_ids: list[str], **optional_args: Any
    ) -> dict[str, Any]:
        """Creates a data bundle, calls the POST /models/{modelId}/dataBundles endpoint."""
        body = _fields(optional_args, datasetIds=list(dataset_ids))
        return await self._post(_path("/models/{model_id}/dataBundles", model_id=model_id), body)

    @items_key("dataBundles")
    async def list_data_bundles(
        self, model_id: str, *, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        """List data bundles of a model, calls the GET /models/{modelId}/dataBundles endpoint."""
        params = given(maxResults=max_results, nextToken=next_token)
        return await self._get(_path("/models/{model_id}/dataBundles", model_id=model_id), params)

    async def update_data_bundle(
        self, model_id: str, data_bundle_id: str, **optional_args: Any
    ) -> dict[str, Any]:
        """Updates a data bundle, calls PATCH /models/{modelId}/dataBundles/{dataBundleId}."""
        path = _path(
            "/models/{model_id}/dataBundles/{data_bundle_id}",
            model_id=model_id,
            data_bundle_id=data_bundle_id,
        )
        return await self._patch(path, _fields(optional_args))

    async def delete_data_bundle(self, model_id: str, data_bundle_id: str) -> dict[str, Any]:
        """Delete a data bundle, calls DELETE /models/{modelId}/dataBundles/{dataBundleId}."""
        return await self._delete(
            _path(
                "/models/{model_id}/dataBundles/{data_bundle_id}",
                model_id=model_id,
                data_bundle_id=data_bundle_id,
            )
        )

    async def get_data_bundle(self, model_id: str, data_bundle_id: str) -> dict[str, Any]:
        """Get a data bundle, calls GET /models/{modelId}/dataBundles/{dataBundleId} (2024-11-29)."""
        path = _path(
            "/models/{model_id}/dataBundles/{data_bundle_id}",
            model_id=model_id,
            data_bundle_id=data_bundle_id,
        )
        return await self._get(self._operation_of_2024("get_data_bundle", path))

    # -- trainings (2024-11-29) ------------------------------------------------------------

    async def create_training(
        self,
        model_id: str,
        data_bundle_ids: list[str],
        *,
        metadata: dict[str, Any] | None = None,
        data_scientist_assistance: bool | None = None,
        **optional_args: Any,
    ) -> dict[str, Any]:
        """Requests a training of a model on data bundles, calls the POST
        /models/{modelId}/trainings endpoint (2024-11-29). Extras: name, description.

        Args:
            data_bundle_ids: the data bundles to train on.
            metadata: a dictionary to store additional information in.
            data_scientist_assistance: ask one of the service's data scientists to review it.
        """
        path = _path("/models/{model_id}/trainings", model_id=model_id)
        body = _fields(
            optional_args,
            dataBundleIds=list(data_bundle_ids),
            metadata=metadata,
            dataScientistAssistance=data_scientist_assistance,
        )
        return await self._post(self._operation_of_2024("create_training", path), body)

    async def get_training(
        self, model_id: str, training_id: str, statistics_last_n_days: int | None = None
    ) -> dict[str, Any]:
        """Get a training, calls the GET /models/{modelId}/trainings/{trainingId} endpoint (2024-11-29).

        Args:
            statistics_last_n_days: 1 to 30, as lucidtech-las 11.4.1 sends it; the 2024-11-29
                contract does not describe this query parameter (the service may ignore it).
        """
        path = _path("/models/{model_id}/trainings/{training_id}", model_id=model_id, training_id=training_id)
        params = given(statisticsLastNDays=statistics_last_n_days)
        return await self._get(self._operation_of_2024("get_training", path), params)

    @items_key("trainings")
    async def list_trainings(
        self, model_id: str, *, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        """List a model's trainings, calls the GET /models/{modelId}/trainings endpoint (2024-11-29)."""
        path = _path("/models/{model_id}/trainings", model_id=model_id)
        params = given(maxResults=max_results, nextToken=next_token)
        return await self._get(self._operation_of_2024("list_trainings", path), params)

    async def update_training(self, model_id: str, training_id: str, **optional_args: Any) -> dict[str, Any]:
        """Updates a training, calls the PATCH /models/{modelId}/trainings/{trainingId} endpoint
        (2024-11-29). Extras: name, description, metadata, deployment_environment_id, status
        (``"cancelled"``)."""
        path = _path("/models/{model_id}/trainings/{training_id}", model_id=model_id, training_id=training_id)
        return await self._patch(self._operation_of_2024("update_training", path), _fields(optional_args))

    # -- organizations ---------------------------------------------------------------------

    async def get_organization(self, organization_id: str) -> dict[str, Any]:
        """Get an organization, calls the GET /organizations/{organizationId} endpoint."""
        return await self._get(_path("/organizations/{organization_id}", organization_id=organization_id))

    async def update_organization(
        self, organization_id: str, *, payment_method_id: str | None = None, **optional_args: Any
    ) -> dict[str, Any]:
        """Updates an organization, calls PATCH /organizations/{organizationId}. Extras: name, description.

        Args:
            payment_method_id: the payment method the organization pays with (2024-11-29).
        """
        return await self._patch(
            _path("/organizations/{organization_id}", organization_id=organization_id),
            _fields(optional_args, paymentMethodId=payment_method_id),
        )

    @items_key("organizations")
    async def list_organizations(
        self, *, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        """List the organizations the credentials can see, calls the GET /organizations endpoint (2024-11-29)."""
        path = self._operation_of_2024("list_organizations", "/organizations")
        return await self._get(path, given(maxResults=max_results, nextToken=next_token))

    async def create_organization(self, **optional_args: Any) -> dict[str, Any]:
        """Creates an organization, calls the POST /organizations endpoint (2024-11-29). Extras: name."""
        return await self._post(
            self._operation_of_2024("create_organization", "/organizations"), _fields(optional_args)
        )

    # -- payment methods (2024-11-29) ------------------------------------------------------

    async def create_payment_method(self, **optional_args: Any) -> dict[str, Any]:
        """Creates a payment method, calls the POST /paymentMethods endpoint (2024-11-29).
        Extras: name, description."""
        path = self._operation_of_2024("create_payment_method", "/paymentMethods")
        return await self._post(path, _fields(optional_args))

    @items_key("paymentMethods")
    async def list_payment_methods(
        self, *, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        """List payment methods, calls the GET /paymentMethods endpoint (2024-11-29)."""
        path = self._operation_of_2024("list_payment_methods", "/paymentMethods")
        return await self._get(path, given(maxResults=max_results, nextToken=next_token))

    async def get_payment_method(self, payment_method_id: str) -> dict[str, Any]:
        """Get a payment method, calls the GET /paymentMethods/{paymentMethodId} endpoint (2024-11-29)."""
        path = _path("/paymentMethods/{payment_method_id}", payment_method_id=payment_method_id)
        return await self._get(self._operation_of_2024("get_payment_method", path))

    async def update_payment_method(
        self, payment_method_id: str, *, stripe_setup_intent_secret: str | None = None, **optional_args: Any
    ) -> dict[str, Any]:
        """Updates a payment method, calls the PATCH /paymentMethods/{paymentMethodId} endpoint
        (2024-11-29). Extras: name, description.

        Args:
            stripe_setup_intent_secret: the secret create_payment_method's answer gave.
        """
        path = _path("/paymentMethods/{payment_method_id}", payment_method_id=payment_method_id)
        body = _fields(optional_args, stripeSetupIntentSecret=stripe_setup_intent_secret)
        return await self._patch(self._operation_of_2024("update_payment_method", path), body)

    async def delete_payment_method(self, payment_method_id: str) -> dict[str, Any]:
        """Delete a payment method, calls the DELETE /paymentMethods/{paymentMethodId} endpoint (2024-11-29)."""
        path = _path("/paymentMethods/{payment_method_id}", payment_method_id=payment_method_id)
        return await self._delete(self._operation_of_2024("delete_payment_method", path))

    # -- plans, deployment environments and roles (2024-11-29) -----------------------------

    async def get_plan(self, plan_id: str) -> dict[str, Any]:
        """Get a plan, calls the GET /plans/{planId} endpoint (2024-11-29). ``plan_id`` may carry
        an organisation prefix (``las:organization:cradl/las:plan:free``): one path segment."""
        return await self._get(
            self._operation_of_2024("get_plan", _path("/plans/{plan_id}", plan_id=plan_id))
        )

    @items_key("plans")
    async def list_plans(
        self,
        *,
        owner: Queryparam | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        """List plans, calls the GET /plans endpoint (2024-11-29).

        Args:
            owner: organizations whose plans to list.
        """
        params = given(owner=owner, maxResults=max_results, nextToken=next_token)
        return await self._get(self._operation_of_2024("list_plans", "/plans"), params)

    async def get_deployment_environment(self, deployment_environment_id: str) -> dict[str, Any]:
        """Get a deployment environment, calls the GET
        /deploymentEnvironments/{deploymentEnvironmentId} endpoint (2024-11-29)."""
        path = _path(
            "/deploymentEnvironments/{deployment_environment_id}",
            deployment_environment_id=deployment_environment_id,
        )
        return await self._get(self._operation_of_2024("get_deployment_environment", path))

    @items_key("deploymentEnvironments")
    async def list_deployment_environments(
        self,
        *,
        owner: Queryparam | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        """List deployment environments, calls the GET /deploymentEnvironments endpoint (2024-11-29).

        Args:
            owner: organizations whose deployment environments to list.
        """
        params = given(owner=owner, maxResults=max_results, nextToken=next_token)
        path = self._operation_of_2024("list_deployment_environments", "/deploymentEnvironments")
        return await self._get(path, params)

    @items_key("roles")
    async def list_roles(
        self, *, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        """List roles, calls the GET /roles endpoint (2024-11-29)."""
        path = self._operation_of_2024("list_roles", "/roles")
        return await self._get(path, given(maxResults=max_results, nextToken=next_token))

    async def get_role(self, role_id: str) -> dict[str, Any]:
        """Get a role, calls the GET /roles/{roleId} endpoint (2024-11-29)."""
        return await self._get(
            self._operation_of_2024("get_role", _path("/roles/{role_id}", role_id=role_id))
        )

    # -- predictions -----------------------------------------------------------------------

    async def create_prediction(
        self,
        document_id: str,
        model_id: str,
        *,
        max_pages: int | None = None,
        auto_rotate: bool | None = None,
        image_quality: str | None = None,
        training_id: str | None = None,
        preprocess_config: dict[str, Any] | None = None,
        postprocess_config: dict[str, Any] | None = None,
        run_async: bool | None = None,
    ) -> dict[str, Any]:
        """Create a prediction on a document using a model, calls the POST /predictions endpoint.

        Args:
            max_pages: pages to run predictions on (1 to 3; 100 on 2024-11-29).
            auto_rotate: let the API try rotations of the document.
            image_quality: ``"LOW"`` or ``"HIGH"``.
            training_id: the model's training to predict with (2024-11-29).
            preprocess_config: lucidtech-las 11.x's form of the options above, e.g.
                ``{"maxPages": 1, "autoRotate": True, "imageQuality": "HIGH"}``; 2024-11-29 also
                takes ``pages``, ``startPage`` and ``rotation``. On 2021-09-23 the three keys
                that contract knows are sent as its ``maxPages``, ``autoRotate`` and
                ``imageQuality`` fields.
            postprocess_config: e.g. ``{"strategy": "BEST_FIRST"}`` (2024-11-29).
            run_async: answer at once and predict in the background (2024-11-29).

        Raises:
            ContractError: an option the session's contract cannot carry, naming it.
            ValueError: an option given both as an argument and in ``preprocess_config``.
        """
        body = _fields(
            documentId=document_id,
            modelId=model_id,
            maxPages=max_pages,
            autoRotate=auto_rotate,
            imageQuality=image_quality,
            trainingId=training_id,
            preprocessConfig=preprocess_config,
            postprocessConfig=postprocess_config,
        )
        if run_async is not None:
            body["async"] = run_async
        if preprocess_config is not None and self.contract == contracts.V2021:
            body.update(contracts.preprocess_as_2021_fields(body.pop("preprocessConfig"), body))
        return await self._post("/predictions", body)

    @items_key("predictions")
    async def list_predictions(
        self,
        *,
        max_results: int | None = None,
        next_token: str | None = None,
        order: str | None = None,
        sort_by: str | None = None,
        model_id: str | None = None,
    ) -> dict[str, Any]:
        """List predictions available, calls the GET /predictions endpoint.

        Args:
            order: ``"ascending"`` or ``"descending"`` (2024-11-29).
            sort_by: ``"createdTime"`` (2024-11-29).
            model_id: only this model's predictions (2024-11-29).
        """
        params = given(
            maxResults=max_results, nextToken=next_token, order=order, sortBy=sort_by, modelId=model_id
        )
        return await self._get("/predictions", params)

    async def get_prediction(self, prediction_id: str) -> dict[str, Any]:
        """Get a prediction, calls the GET /predictions/{predictionId} endpoint (2024-11-29)."""
        path = _path("/predictions/{prediction_id}", prediction_id=prediction_id)
        return await self._get(self._operation_of_2024("get_prediction", path))

    # -- secrets ---------------------------------------------------------------------------

    async def create_secret(self, data: dict[str, Any], **optional_args: Any) -> dict[str, Any]:
        """Creates a secret, calls the POST /secrets endpoint. Extras: name, description."""
        return await self._post("/secrets", _fields(optional_args, data=data))

    @items_key("secrets")
    async def list_secrets(
        self, *, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        """List secrets available, calls the GET /secrets endpoint."""
        return await self._get("/secrets", given(maxResults=max_results, nextToken=next_token))

    async def update_secret(
        self, secret_id: str, *, data: dict[str, Any] | None = None, **optional_args: Any
    ) -> dict[str, Any]:
        """Updates a secret, calls the PATCH /secrets/{secretId} endpoint. Extras: name, description."""
        return await self._patch(
            _path("/secrets/{secret_id}", secret_id=secret_id), _fields(optional_args, data=data)
        )

    async def delete_secret(self, secret_id: str) -> dict[str, Any]:
        """Delete the secret, calls the DELETE /secrets/{secretId} endpoint."""
        return await self._delete(_path("/secrets/{secret_id}", secret_id=secret_id))

    # -- transitions -----------------------------------------------------------------------

    async def create_transition(
        self,
        transition_type: str,
        *,
        in_schema: dict[str, Any] | None = None,
        out_schema: dict[str, Any] | None = None,
        parameters: dict[str, Any] | None = None,
        **optional_args: Any,
    ) -> dict[str, Any]:
        """Creates a transition, calls the POST /transitions endpoint.

        Args:
            transition_type: ``"docker"`` or ``"manual"`` (also ``"lambda"`` on 2024-11-29).
            in_schema, out_schema: JSON schemas of the transition's input and output
                (2021-09-23).
            parameters: e.g. ``{"imageUrl": ...}`` for docker, ``{"assets": {...}}`` for manual.
        """
        body = _fields(
            optional_args,
            transitionType=transition_type,
            inputJsonSchema=in_schema,
            outputJsonSchema=out_schema,
            parameters=parameters,
        )
        return await self._post("/transitions", body)

    @items_key("transitions")
    async def list_transitions(
        self,
        *,
        transition_type: Queryparam | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        """List transitions, calls the GET /transitions endpoint."""
        params = given(transitionType=transition_type, maxResults=max_results, nextToken=next_token)
        return await self._get("/transitions", params)

    async def get_transition(self, transition_id: str) -> dict[str, Any]:
        """Get the transition, calls the GET /transitions/{transitionId} endpoint."""
        return await self._get(_path("/transitions/{transition_id}", transition_id=transition_id))

    async def update_transition(
        self,
        transition_id: str,
        *,
        in_schema: dict[str, Any] | None = None,
        out_schema: dict[str, Any] | None = None,
        assets: dict[str, Any] | None = None,
        environment: dict[str, Any] | None = None,
        environment_secrets: list[str] | None = None,
        cpu: int | None = None,
        memory: int | None = None,
        image_url: str | None = None,
        **optional_args: Any,
    ) -> dict[str, Any]:
        """Updates a transition, calls the PATCH /transitions/{transitionId} endpoint. Extras: name,
        description; secret_id (2024-11-29: the secret for a private image).

        The two contracts place the fields differently, and the body follows the session's: on
        2021-09-23 ``assets``, ``environment`` and ``environment_secrets`` are fields of the body
        beside ``in_schema`` and ``out_schema``; on 2024-11-29 they go inside its ``parameters``,
        with lucidtech-las 11.x's ``cpu``, ``memory``, ``image_url`` and ``secret_id``, and the
        schemas are not part of it.

        Args:
            in_schema, out_schema: JSON schemas of the transition's input and output (2021-09-23).
            assets: ``{name: asset id}`` for a manual transition.
            environment, environment_secrets: environment variables, and ids of secrets holding
                more, for a docker transition.
            cpu, memory, image_url: a docker transition's CPU units, memory in MiB and image
                (2024-11-29).

        Raises:
            ContractError: an argument the session's contract cannot carry, naming it.
        """
        secret_id = optional_args.pop("secret_id", None)
        shared = _fields(assets=assets, environment=environment, environmentSecrets=environment_secrets)
        if self.contract == contracts.V2021:
            docker = given(cpu=cpu, memory=memory, image_url=image_url, secret_id=secret_id)
            if docker:
                self._requires(f"update_transition({', '.join(f'{name}=' for name in docker)}...)")
            body = _fields(optional_args, inputJsonSchema=in_schema, outputJsonSchema=out_schema, **shared)
        else:
            body = _fields(optional_args, inputJsonSchema=in_schema, outputJsonSchema=out_schema)
            parameters = _fields(shared, cpu=cpu, memory=memory, imageUrl=image_url, secretId=secret_id)
            if parameters:
                body["parameters"] = {**(body.get("parameters") or {}), **parameters}
        return await self._patch(_path("/transitions/{transition_id}", transition_id=transition_id), body)

    async def delete_transition(self, transition_id: str) -> dict[str, Any]:
        """Delete the transition, calls DELETE /transitions/{transitionId}. Fails while a workflow uses it."""
        return await self._delete(_path("/transitions/{transition_id}", transition_id=transition_id))

    async def execute_transition(self, transition_id: str) -> dict[str, Any]:
        """Start executing a manual transition, calls POST /transitions/{transitionId}/executions."""
        return await self._post(
            _path("/transitions/{transition_id}/executions", transition_id=transition_id), {}
        )

    @items_key("executions")
    async def list_transition_executions(
        self,
        transition_id: str,
        *,
        status: Queryparam | None = None,
        execution_id: Queryparam | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
        sort_by: str | None = None,
        order: str | None = None,
    ) -> dict[str, Any]:
        """List executions of a transition, calls GET /transitions/{transitionId}/executions.

        Args:
            sort_by: ``"startTime"`` or ``"endTime"``.
            order: ``"ascending"`` or ``"descending"``.
        """
        params = given(
            status=status,
            executionId=execution_id,
            maxResults=max_results,
            nextToken=next_token,
            sortBy=sort_by,
            order=order,
        )
        return await self._get(
            _path("/transitions/{transition_id}/executions", transition_id=transition_id), params
        )

    async def get_transition_execution(self, transition_id: str, execution_id: str) -> dict[str, Any]:
        """Get an execution of a transition, calls GET /transitions/{transitionId}/executions/{executionId}."""
        path = _path(
            "/transitions/{transition_id}/executions/{execution_id}",
            transition_id=transition_id,
            execution_id=execution_id,
        )
        return await self._get(path)

    async def update_transition_execution(
        self,
        transition_id: str,
        execution_id: str,
        status: str,
        *,
        output: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
        start_time: str | datetime.datetime | None = None,
    ) -> dict[str, Any]:
        """Ends the processing of a transition execution, calls
        PATCH /transitions/{transitionId}/executions/{executionId}.

        Args:
            status: ``"succeeded"`` (with ``output``), ``"failed"`` (with ``error={"message": ...}``),
                ``"rejected"`` or ``"retry"``.
            start_time: replaces the execution's start time.
        """
        body = _fields(status=status, output=output, error=error, startTime=_timestamp(start_time))
        path = _path(
            "/transitions/{transition_id}/executions/{execution_id}",
            transition_id=transition_id,
            execution_id=execution_id,
        )
        return await self._patch(path, body)

    async def send_heartbeat(self, transition_id: str, execution_id: str) -> None:
        """Signal that a manual execution is still being worked on (at least every 60 seconds),
        calls POST /transitions/{transitionId}/executions/{executionId}/heartbeats."""
        path = _path(
            "/transitions/{transition_id}/executions/{execution_id}/heartbeats",
            transition_id=transition_id,
            execution_id=execution_id,
        )
        # Heartbeats answer 204 without a body, and repeating one cannot duplicate work.
        answer = await self._request(make_call("POST", path, json={}, idempotent=True, expect=EXPECT_ANY))
        return cast(None, self._result(answer))  # with_raw_response: the RawResponse

    # -- users -----------------------------------------------------------------------------

    async def create_user(self, email: str, *, app_client_id: str, **optional_args: Any) -> dict[str, Any]:
        """Creates a new user, calls the POST /users endpoint. Extras: name, avatar (2021-09-23);
        role_ids, metadata (2024-11-29)."""
        body = _fields(empty_lists(optional_args, "role_ids"), email=email, appClientId=app_client_id)
        return await self._post("/users", body)

    @items_key("users")
    async def list_users(
        self, *, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        """List users, calls the GET /users endpoint."""
        return await self._get("/users", given(maxResults=max_results, nextToken=next_token))

    async def get_user(self, user_id: str) -> dict[str, Any]:
        """Get information about a specific user, calls the GET /users/{userId} endpoint."""
        return await self._get(_path("/users/{user_id}", user_id=user_id))

    async def update_user(self, user_id: str, **optional_args: Any) -> dict[str, Any]:
        """Updates a user, calls the PATCH /users/{userId} endpoint. Extras: name, avatar (2021-09-23);
        role_ids, metadata (2024-11-29)."""
        return await self._patch(
            _path("/users/{user_id}", user_id=user_id), _fields(empty_lists(optional_args, "role_ids"))
        )

    async def delete_user(self, user_id: str) -> dict[str, Any]:
        """Delete the user, calls the DELETE /users/{userId} endpoint."""
        return await self._delete(_path("/users/{user_id}", user_id=user_id))

    # -- workflows -------------------------------------------------------------------------

    async def create_workflow(
        self,
        specification: dict[str, Any],
        *,
        error_config: dict[str, Any] | None = None,
        completed_config: dict[str, Any] | None = None,
        email_config: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        **optional_args: Any,
    ) -> dict[str, Any]:
        """Creates a new workflow, calls the POST /workflows endpoint. Extras: name, description;
        status (2024-11-29: ``"development"`` or ``"production"``).

        Args:
            specification: ``{"language": "ASL", "version": "1.0.0", "definition": {...}}``.
            error_config: e.g. ``{"email": ..., "manualRetry": True}``.
            completed_config: a job to run whenever an execution ends, ``{"imageUrl": ...}``.
            email_config: start executions from emails (2024-11-29).
            metadata: a dictionary to store additional information in (2024-11-29).
        """
        body = _fields(
            optional_args,
            specification=specification,
            errorConfig=error_config,
            completedConfig=completed_config,
            emailConfig=email_config,
            metadata=metadata,
        )
        return await self._post("/workflows", body)

    @items_key("workflows")
    async def list_workflows(
        self, *, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        """List workflows, calls the GET /workflows endpoint."""
        return await self._get("/workflows", given(maxResults=max_results, nextToken=next_token))

    async def get_workflow(self, workflow_id: str) -> dict[str, Any]:
        """Get the workflow, calls the GET /workflows/{workflowId} endpoint."""
        return await self._get(_path("/workflows/{workflow_id}", workflow_id=workflow_id))

    async def update_workflow(
        self,
        workflow_id: str,
        *,
        error_config: dict[str, Any] | None = None,
        completed_config: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        status: str | None = None,
        **optional_args: Any,
    ) -> dict[str, Any]:
        """Updates a workflow, calls the PATCH /workflows/{workflowId} endpoint. Extras: name,
        description; email_config (2024-11-29).

        Args:
            metadata: a dictionary to store additional information in (2024-11-29).
            status: ``"development"`` or ``"production"`` (2024-11-29).
        """
        body = _fields(
            optional_args,
            errorConfig=error_config,
            completedConfig=completed_config,
            metadata=metadata,
            status=status,
        )
        return await self._patch(_path("/workflows/{workflow_id}", workflow_id=workflow_id), body)

    async def delete_workflow(self, workflow_id: str) -> dict[str, Any]:
        """Delete the workflow, calls the DELETE /workflows/{workflowId} endpoint."""
        return await self._delete(_path("/workflows/{workflow_id}", workflow_id=workflow_id))

    async def execute_workflow(self, workflow_id: str, content: dict[str, Any]) -> dict[str, Any]:
        """Start a workflow execution, calls POST /workflows/{workflowId}/executions.

        Args:
            content: the input to the first step of the workflow.
        """
        return await self._post(
            _path("/workflows/{workflow_id}/executions", workflow_id=workflow_id), {"input": content}
        )

    @items_key("executions")
    async def list_workflow_executions(
        self,
        workflow_id: str,
        *,
        status: Queryparam | None = None,
        sort_by: str | None = None,
        order: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
        from_start_time: str | datetime.datetime | None = None,
        to_start_time: str | datetime.datetime | None = None,
    ) -> dict[str, Any]:
        """List executions of a workflow, calls GET /workflows/{workflowId}/executions.

        Args:
            sort_by: ``"startTime"`` or ``"endTime"``.
            order: ``"ascending"`` or ``"descending"``.
            from_start_time, to_start_time: only executions started in this range (a naive
                datetime is taken as UTC; 2024-11-29).
        """
        params = given(
            status=status,
            sortBy=sort_by,
            order=order,
            maxResults=max_results,
            nextToken=next_token,
            fromStartTime=_timestamp(from_start_time),
            toStartTime=_timestamp(to_start_time),
        )
        return await self._get(_path("/workflows/{workflow_id}/executions", workflow_id=workflow_id), params)

    async def get_workflow_execution(self, workflow_id: str, execution_id: str) -> dict[str, Any]:
        """Get a workflow execution, calls GET /workflows/{workflowId}/executions/{executionId}."""
        return await self._get(
            _path(
                "/workflows/{workflow_id}/executions/{execution_id}",
                workflow_id=workflow_id,
                execution_id=execution_id,
            )
        )

    async def update_workflow_execution(
        self,
        workflow_id: str,
        execution_id: str,
        next_transition_id: str | None = None,
        *,
        status: str | None = None,
    ) -> dict[str, Any]:
        """Retry or end a workflow execution, calls PATCH /workflows/{workflowId}/executions/{executionId}.

        Args:
            next_transition_id: the transition to continue from; ``las:transition:commons-failed``
                ends the execution. Required by the 2021-09-23 contract.
            status: ``"succeeded"`` or ``"completed"``: moves a finished execution between the
                two (2024-11-29).

        Raises:
            ContractError: no next_transition_id on 2021-09-23, or status on 2021-09-23.
        """
        path = _path(
            "/workflows/{workflow_id}/executions/{execution_id}",
            workflow_id=workflow_id,
            execution_id=execution_id,
        )
        if next_transition_id is None and self.contract == contracts.V2021:
            raise ContractError(
                f"update_workflow_execution: the API contract {contracts.V2021} this session speaks "
                "requires next_transition_id (e.g. 'las:transition:commons-failed' to end the execution); "
                f"only {contracts.V2024} takes status alone. Nothing was sent."
            )
        return await self._patch(path, _fields(nextTransitionId=next_transition_id, status=status))

    async def delete_workflow_execution(self, workflow_id: str, execution_id: str) -> dict[str, Any]:
        """Delete a workflow execution, calls DELETE /workflows/{workflowId}/executions/{executionId}."""
        return await self._delete(
            _path(
                "/workflows/{workflow_id}/executions/{execution_id}",
                workflow_id=workflow_id,
                execution_id=execution_id,
            )
        )

    # -- issue 20 point 3 (branch n20-entities): operations of 2024-11-29 that lucidtech-las 11.4.1
    # -- lacks, for the resource classes. Kept apart from the methods above for the merge. ---------

    async def get_profile(self, profile_id: str) -> dict[str, Any]:
        """Get a user's profile (email, names, locale), calls the GET /profiles/{profileId}
        endpoint (2024-11-29; a user's ``profileId`` names it)."""
        path = _path("/profiles/{profile_id}", profile_id=profile_id)
        return await self._get(self._operation_of_2024("get_profile", path))
