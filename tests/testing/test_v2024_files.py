"""File URLs of the 2024-11-29 emulator, through raw HTTP: documents' bytes go up by PUT and come
down by GET, without the API token, for one method each, until they expire on the clock."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
import tracemalloc
from urllib.parse import urlsplit

import pytest
import requests

from las.testing import Emulator
from las.testing._files import FILE_URL_SECONDS, MAX_FILE_BYTES, origin_of
from tests.contract import Contract
from tests.testing._api import Api

TEN_MB = os.urandom(10 * 1024 * 1024)  # over the 4.69 MB that inline base64 content allows


def _create(api: Api, **fields: object) -> dict[str, object]:
    return dict(api.post("/documents", {"contentType": "application/pdf", **fields}))


def test_a_10_mb_document_goes_up_and_comes_back_through_its_file_urls(
    emulator_2024: Emulator, contract_2024: Contract
) -> None:
    api = Api(emulator_2024, contract_2024)
    created = _create(api)
    assert "content" not in created and created["contentMD5"] is None
    assert re.match(r"^http://localhost:\d+/_files/", str(created["fileUrl"]))  # the contract's pattern

    put = requests.put(str(created["fileUrl"]), data=TEN_MB, timeout=60)

    assert put.status_code == 200 and put.headers["ETag"] == f'"{hashlib.md5(TEN_MB).hexdigest()}"'
    got = api.get(f"/documents/{created['documentId']}")
    assert got["contentMD5"] == base64.b64encode(hashlib.md5(TEN_MB).digest()).decode()
    assert "content" not in got and got["fileUrl"] != created["fileUrl"]
    download = requests.get(got["fileUrl"], timeout=60)
    assert download.status_code == 200 and download.content == TEN_MB
    assert download.headers["Content-Type"] == "application/pdf"


def test_the_bytes_are_stored_as_they_arrive_without_a_base64_copy(emulator_2024: Emulator) -> None:
    api = Api(emulator_2024, check=False)
    url = str(_create(api)["fileUrl"])
    session = requests.Session()
    tracemalloc.start()
    try:
        assert session.put(url, data=TEN_MB, timeout=60).status_code == 200
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # one copy of the bytes (read from the socket into the store); base64 would add 13.3 MB more
    assert peak < 1.5 * len(TEN_MB), f"peak {peak / 1e6:.1f} MB for {len(TEN_MB) / 1e6:.1f} MB uploaded"
    [document] = emulator_2024._service.state.documents
    assert type(document["_bytes"]) is bytes and len(document["_bytes"]) == len(TEN_MB)


def test_head_on_a_download_url_answers_the_headers_only(emulator_2024: Emulator) -> None:
    api = Api(emulator_2024, check=False)
    document = api.post("/documents", {"content": base64.b64encode(b"%PDF head").decode()})
    head = requests.head(str(document["fileUrl"]), timeout=10)
    assert head.status_code == 200 and head.headers["Content-Length"] == "9" and head.content == b""


def test_over_tls_file_urls_are_https_and_work() -> None:
    pytest.importorskip("trustme", reason="Emulator(tls=True) needs the tls extra")
    with Emulator(tls=True, contract="2024-11-29") as emulator:
        ca = emulator.ca_path  # per request: REQUESTS_CA_BUNDLE would override a session's verify
        token = requests.post(
            f"{emulator.url}/token?grant_type=client_credentials",
            auth=(emulator.client_id, emulator.client_secret),
            verify=ca,
            timeout=10,
        ).json()["access_token"]
        created = requests.post(
            f"{emulator.url}/documents",
            json={},
            headers={"Authorization": f"Bearer {token}"},
            verify=ca,
            timeout=10,
        ).json()
        assert created["fileUrl"].startswith(f"https://127.0.0.1:{emulator.port}/_files/")
        assert requests.put(created["fileUrl"], data=b"%PDF tls", verify=ca, timeout=10).status_code == 200


def test_a_file_url_expires_on_the_emulator_clock(emulator_2024: Emulator) -> None:
    emulator_2024.clock.freeze()
    api = Api(emulator_2024, check=False)
    upload_url = str(_create(api)["fileUrl"])
    emulator_2024.clock.advance(FILE_URL_SECONDS - 1)
    assert requests.put(upload_url, data=b"%PDF early enough", timeout=10).status_code == 200
    download_url = api.get(f"/documents/{api.get('/documents')['documents'][0]['documentId']}")["fileUrl"]

    emulator_2024.clock.advance(1)

    late = requests.put(upload_url, data=b"%PDF too late", timeout=10)
    assert late.status_code == 403 and "expired" in late.json()["message"]
    assert requests.get(download_url, timeout=10).status_code == 200  # its own hour has not passed
    emulator_2024.clock.advance(FILE_URL_SECONDS)
    assert requests.get(download_url, timeout=10).status_code == 403


def test_before_its_bytes_arrive_a_document_has_no_file_to_download_and_cannot_be_predicted(
    emulator_2024: Emulator, contract_2024: Contract
) -> None:
    api = Api(emulator_2024, contract_2024)
    created = _create(api)
    got = api.get(f"/documents/{created['documentId']}")
    assert got["fileUrl"] is None and got["contentMD5"] is None and "content" not in got
    model = api.post("/models", {"fieldConfig": {"total": {"type": "amount"}}})
    refused = api.post(
        "/predictions", {"documentId": created["documentId"], "modelId": model["modelId"]}, expect=400
    )
    assert refused["message"].startswith(f"{created['documentId']} has no content yet")


def test_inline_content_still_works_and_is_downloaded_from_the_file_url(emulator_2024: Emulator) -> None:
    api = Api(emulator_2024)
    created = api.post("/documents", {"content": base64.b64encode(b"%PDF inline").decode()})
    assert created["contentType"] is None
    assert requests.get(str(created["fileUrl"]), timeout=10).content == b"%PDF inline"


def test_a_put_again_replaces_the_bytes_and_takes_the_content_type_when_none_was_given(
    emulator_2024: Emulator,
) -> None:
    api = Api(emulator_2024, check=False)
    created = api.post("/documents", {})
    url = str(created["fileUrl"])
    assert requests.put(url, data=b"first", headers={"Content-Type": "image/png"}, timeout=10).ok
    assert requests.put(url, data=b"second", timeout=10).ok  # an interrupted upload is simply repeated
    got = api.get(f"/documents/{created['documentId']}")
    assert got["contentType"] == "image/png"
    assert requests.get(got["fileUrl"], timeout=10).content == b"second"


def test_a_file_url_takes_the_bytes_whatever_authorization_header_comes_with_them(
    emulator_2024: Emulator,
) -> None:
    """lucidtech-las 11.4.1 sends its access token with each request to a file URL; the contract
    says nothing of how a file URL authenticates, so the emulator ignores the header (it once
    refused it with 400, and 11.4.1 could not create a document)."""
    api = Api(emulator_2024, check=False)
    created = _create(api)
    for authorization in (api.http.headers["Authorization"], "Bearer not-a-token"):
        put = requests.put(
            str(created["fileUrl"]),
            data=b"%PDF sent as 11.4.1 does",
            headers={"Authorization": authorization},
            timeout=10,
        )
        assert put.status_code == 200, put.text
    download = api.get(f"/documents/{created['documentId']}")["fileUrl"]
    got = requests.get(
        str(download), headers={"Authorization": api.http.headers["Authorization"]}, timeout=10
    )
    assert got.status_code == 200 and got.content == b"%PDF sent as 11.4.1 does"


def test_a_file_url_refuses_other_methods_and_unknown_tokens(emulator_2024: Emulator) -> None:
    api = Api(emulator_2024, check=False)
    url = str(_create(api)["fileUrl"])
    assert requests.get(url, timeout=10).status_code == 403  # an upload URL does not download
    origin = url.rsplit("/", 1)[0]
    assert requests.put(f"{origin}/not-a-token", data=b"x", timeout=10).status_code == 403
    assert requests.put(url, data=b"", timeout=10).status_code == 400
    [document] = api.get("/documents")["documents"]
    assert document["contentMD5"] is None  # nothing refused was stored


def test_a_deleted_document_has_no_file(emulator_2024: Emulator) -> None:
    api = Api(emulator_2024, check=False)
    created = _create(api)
    api.delete(f"/documents/{created['documentId']}")
    gone = requests.put(str(created["fileUrl"]), data=b"late", timeout=10)
    assert gone.status_code == 404 and created["documentId"] in gone.json()["message"]


def _raw_put(emulator: Emulator, url: str, headers: str) -> bytes:
    """Send only the request line and headers of a PUT (no body) and read the answer."""
    target = urlsplit(url).path
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=10) as connection:
        connection.sendall(f"PUT {target} HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_an_upload_too_large_is_refused_from_its_length_before_any_of_it_is_read(
    emulator_2024: Emulator,
) -> None:
    url = str(_create(Api(emulator_2024, check=False))["fileUrl"])
    answer = _raw_put(emulator_2024, url, f"Content-Length: {MAX_FILE_BYTES + 1}\r\n")
    assert answer.startswith(b"HTTP/1.1 413 ") and b"at most 104857600" in answer  # no body was sent


@pytest.mark.parametrize(
    ("headers", "status"),
    [("", b"411"), ("Transfer-Encoding: chunked\r\n", b"501"), ("Content-Length: ten\r\n", b"400")],
)
def test_an_upload_needs_a_content_length(emulator_2024: Emulator, headers: str, status: bytes) -> None:
    url = str(_create(Api(emulator_2024, check=False))["fileUrl"])
    assert _raw_put(emulator_2024, url, headers).startswith(b"HTTP/1.1 " + status + b" ")


def test_faults_and_the_request_log_cover_file_urls(emulator_2024: Emulator) -> None:
    api = Api(emulator_2024, check=False)
    url = str(_create(api)["fileUrl"])
    emulator_2024.fail_next(1, status=503, method="PUT")
    assert requests.put(url, data=b"%PDF", timeout=10).status_code == 503
    assert requests.put(url, data=b"%PDF", timeout=10).status_code == 200
    puts = [sent for sent in emulator_2024.requests if sent.method == "PUT"]
    assert [sent.status for sent in puts] == [503, 200] and puts[1].body == b"%PDF" and puts[1].json is None


@pytest.mark.las_contract("2021-09-23")
def test_the_2021_emulator_has_no_file_urls(las_emulator: Emulator) -> None:
    assert requests.put(f"{las_emulator.url}/_files/anything", data=b"x", timeout=10).status_code == 404


@pytest.mark.parametrize(
    ("scheme", "host", "origin"),
    [
        ("http", "127.0.0.1:8000", "http://localhost:8000"),
        ("http", "[::1]:8000", "http://localhost:8000"),
        ("http", "localhost", "http://localhost"),
        ("http", "emulator:8000", "http://emulator:8000"),
        ("https", "127.0.0.1:8443", "https://127.0.0.1:8443"),
    ],
)
def test_file_urls_are_written_as_the_contract_allows(scheme: str, host: str, origin: str) -> None:
    assert origin_of(scheme, host) == origin
