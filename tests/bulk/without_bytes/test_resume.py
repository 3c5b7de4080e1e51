"""2024-11-29: a document created whose bytes did not arrive is finished by the journal, never
created twice, never lost (las.bulk.ingest and reconcile against the 2024 emulator)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

import las
import las.bulk
from las.testing import Emulator
from las.testing._files import FILE_URL_SECONDS, FILES_PATH
from tests.bulk.conftest import documents_in, pdf, post_documents

from .conftest import (
    assert_each_item_once_with_its_bytes,
    credentials_for,
    last_line,
    md5_of,
    puts,
    requests_to,
    states,
)


def test_a_put_answered_503_is_retried_by_the_session_and_the_item_created(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    emulator.fail_next(1, status=503, method="PUT", path=FILES_PATH)
    report = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session)
    assert [item.status for item in report] == ["created"]
    assert puts(emulator) == 2 and post_documents(emulator) == 1
    assert states(journal) == ["sending", "created-awaiting-content", "created"]
    assert_each_item_once_with_its_bytes(client, dataset, [pdf(1)])


def test_a_put_failing_past_the_retries_is_incomplete_and_a_rerun_puts_the_bytes_again(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    items = [pdf(number) for number in range(3)]
    emulator.fail_next(2, status=503, method="PUT", path=FILES_PATH)  # the first item's PUT and its retry
    first = las.bulk.ingest(items, dataset=dataset, journal=journal, session=session, max_workers=1)
    assert [item.status for item in first] == ["incomplete", "created", "created"]
    unfinished = first.results[0]
    assert unfinished.document_id is not None and "uploads them again" in str(unfinished.error)
    assert "incomplete" in first.summary() and not first.ok
    with las.bulk.Journal(journal) as book:
        entry = book.get(unfinished.key)
    assert entry is not None and entry.state == "created-awaiting-content"
    assert entry.document_id == unfinished.document_id and entry.file_url is not None
    assert entry.md5 == md5_of(items[0])
    assert oct(journal.stat().st_mode & 0o777) == "0o600"  # it holds a credential

    again = las.bulk.ingest(items, dataset=dataset, journal=journal, session=session)
    assert [item.status for item in again] == ["created", "skipped", "skipped"]
    assert again.results[0].document_id == unfinished.document_id
    assert post_documents(emulator) == 3 and puts(emulator) == 2 + 1 + 1 + 1
    assert_each_item_once_with_its_bytes(client, dataset, items)


def test_a_page_answered_to_the_put_leaves_the_item_incomplete_and_a_rerun_puts_it_again(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    """A 200 with a body is not object storage's answer to a PUT (a proxy's page, which stored
    nothing): the bytes may not be there, and the same URL may take them on the next run."""
    page = b"<html><body>Welcome to the hotel network</body></html>"
    emulator.fail_next(1, status=200, body=page, content_type="text/html", method="PUT", path=FILES_PATH)
    [first] = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session).results
    assert first.status == "incomplete" and states(journal)[-1] == "created-awaiting-content"
    [again] = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session).results
    assert again.status == "created" and again.document_id == first.document_id
    assert puts(emulator) == 2 and post_documents(emulator) == 1  # the same URL, no new document
    assert_each_item_once_with_its_bytes(client, dataset, [pdf(1)])


def test_a_put_answered_403_is_incomplete_not_tried_again_and_replaced_only_when_asked(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    emulator.fail_next(1, status=403, method="PUT", path=FILES_PATH)
    first = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session)
    [result] = first.results
    assert result.status == "incomplete" and puts(emulator) == 1  # a 403 is not retried
    assert "recreate_incomplete=True" in str(result.error)
    assert states(journal)[-1] == "incomplete" and "fileUrl" not in last_line(journal)

    again = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session)
    assert [item.status for item in again] == ["incomplete"] and puts(emulator) == 1
    assert requests_to(emulator, "DELETE", "/documents") == 0 and post_documents(emulator) == 1

    replaced = las.bulk.ingest(
        [pdf(1)], dataset=dataset, journal=journal, session=session, recreate_incomplete=True
    )
    [done] = replaced.results
    assert done.status == "created" and done.document_id != result.document_id
    assert requests_to(emulator, "DELETE", "/documents/") == 1 and post_documents(emulator) == 2
    assert states(journal)[-5:] == [
        "incomplete",
        "replacing",
        "sending",
        "created-awaiting-content",
        "created",
    ]
    assert_each_item_once_with_its_bytes(client, dataset, [pdf(1)])
    with pytest.raises(las.NotFoundError):
        client.get_document(str(result.document_id))


def test_a_duplicate_of_an_item_being_replaced_does_not_name_the_document_deleted(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    """Found by the campaign: the copy named its owner's byte-less document, which the same run
    deleted to create the owner again."""
    emulator.fail_next(1, status=403, method="PUT", path=FILES_PATH)
    [first] = las.bulk.ingest(
        [las.bulk.IngestItem(pdf(1), key="a")], dataset=dataset, journal=journal, session=session
    )
    assert first.status == "incomplete"

    items = [las.bulk.IngestItem(pdf(1), key="a"), las.bulk.IngestItem(pdf(1), key="copy")]
    replaced = las.bulk.ingest(
        items, dataset=dataset, journal=journal, session=session, recreate_incomplete=True
    )
    owner, copy = replaced.results
    assert owner.status == "created" and owner.document_id != first.document_id
    assert copy.status == "duplicate"
    assert copy.document_id in (None, owner.document_id)  # not first.document_id, deleted
    assert_each_item_once_with_its_bytes(client, dataset, [pdf(1)])


def test_the_upload_url_expiring_between_runs(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    emulator.fail_next(2, status=503, method="PUT", path=FILES_PATH)
    first = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session)
    assert [item.status for item in first] == ["incomplete"]
    emulator.clock.advance(FILE_URL_SECONDS + 1)

    expired = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session)
    [result] = expired.results
    assert result.status == "incomplete" and isinstance(result.exception, las.APIError)
    assert result.exception.status_code == 403 and puts(emulator) == 3  # tried once, refused
    assert states(journal)[-1] == "incomplete"
    assert client.get_document(str(result.document_id), download_content=False)["contentMD5"] is None

    replaced = las.bulk.ingest(
        [pdf(1)], dataset=dataset, journal=journal, session=session, recreate_incomplete=True
    )
    assert [item.status for item in replaced] == ["created"] and puts(emulator) == 4
    assert_each_item_once_with_its_bytes(client, dataset, [pdf(1)])


def test_an_upload_url_that_says_it_expired_is_not_tried(
    session: las.Session, emulator: Emulator, dataset: str, journal: Path
) -> None:
    emulator.fail_next(2, status=503, method="PUT", path=FILES_PATH)
    las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session)
    line = last_line(journal)
    # As a presigned S3 URL would say it: signed at X-Amz-Date, valid X-Amz-Expires seconds.
    line["fileUrl"] += "?X-Amz-Date=20241129T100000Z&X-Amz-Expires=3600"
    line["fileUrlExpires"] = "2024-11-29T11:00:00+00:00"
    with journal.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    emulator.clear_requests()
    again = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session)
    assert [item.status for item in again] == ["incomplete"]
    assert puts(emulator) == 0 and requests_to(emulator, "GET", "/documents/") == 1


def test_recreate_incomplete_never_deletes_a_document_that_holds_the_bytes(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    emulator.fail_next(2, status=503, method="PUT", path=FILES_PATH)
    [first] = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session).results
    with las.bulk.Journal(journal) as book:
        entry = book.get(first.key)
        assert entry is not None and entry.file_url is not None
        client.put_file(entry.file_url, pdf(1))  # the bytes arrive after all (by hand, say)
        book.record(first.key, "incomplete", documentId=first.document_id, error="as if the URL was refused")
    [again] = las.bulk.ingest(
        [pdf(1)], dataset=dataset, journal=journal, session=session, recreate_incomplete=True
    ).results
    assert again.status == "created" and again.document_id == first.document_id
    assert requests_to(emulator, "DELETE", "/documents") == 0 and post_documents(emulator) == 1
    assert_each_item_once_with_its_bytes(client, dataset, [pdf(1)])


def test_an_item_whose_document_was_deleted_meanwhile_is_created_again(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    emulator.fail_next(2, status=503, method="PUT", path=FILES_PATH)
    [first] = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session).results
    client.delete_document(str(first.document_id))
    [again] = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session).results
    assert again.status == "created" and again.document_id != first.document_id
    assert last_line(journal)["state"] == "created"
    assert [json.loads(line).get("replaces") for line in journal.read_text().splitlines()][
        -3
    ] == first.document_id
    assert_each_item_once_with_its_bytes(client, dataset, [pdf(1)])


def test_a_journal_others_may_read_is_not_given_the_upload_url(
    session: las.Session, emulator: Emulator, dataset: str, journal: Path
) -> None:
    las.bulk.ingest([pdf(0)], dataset=dataset, journal=journal, session=session)
    journal.chmod(0o644)  # as a user may share it
    emulator.fail_next(2, status=503, method="PUT", path=FILES_PATH)
    [result] = las.bulk.ingest([pdf(0), pdf(1)], dataset=dataset, journal=journal, session=session).results[
        1:
    ]
    assert result.status == "incomplete"
    line = last_line(journal)
    assert (
        line["state"] == "created-awaiting-content" and "fileUrl" not in line and "chmod 600" in line["hint"]
    )
    about_it = [line for line in journal.read_text().splitlines() if result.key in line]
    assert len(about_it) == 3 and not any(FILES_PATH in line for line in about_it)
    # Without the URL a re-run cannot finish it: it says so, and creates nothing.
    [again] = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session).results
    assert again.status == "incomplete" and post_documents(emulator) == 2


def test_a_changed_file_is_not_put_into_the_document_awaiting_the_old_bytes(
    session: las.Session, emulator: Emulator, dataset: str, journal: Path, tmp_path: Path
) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf(1))
    emulator.fail_next(2, status=503, method="PUT", path=FILES_PATH)
    las.bulk.ingest([path], dataset=dataset, journal=journal, session=session)
    path.write_bytes(pdf(2))
    [result] = las.bulk.ingest([path], dataset=dataset, journal=journal, session=session).results
    assert result.status == "changed" and "awaiting the bytes it had then" in str(result.error)
    assert puts(emulator) == 2 and post_documents(emulator) == 1


def test_without_a_journal_a_failed_put_is_failed_and_names_the_document(
    session: las.Session, emulator: Emulator, dataset: str
) -> None:
    emulator.fail_next(1, status=403, method="PUT", path=FILES_PATH)
    [result] = las.Dataset.ref(dataset, session=session).upload([pdf(1)]).results
    assert result.status == "failed" and isinstance(result.exception, las.DocumentUploadError)
    assert result.exception.document_id is not None and post_documents(emulator) == 1


@pytest.mark.asyncio
async def test_upload_async_journals_and_finishes_the_same_way(
    emulator: Emulator, client: las.Client, dataset: str, journal: Path, tmp_path: Path
) -> None:
    credentials = credentials_for(emulator, tmp_path / "async-token.json")
    async with las.AsyncSession(credentials, max_retries=1) as asession:
        target = las.Dataset.ref(dataset, session=asession)
        emulator.fail_next(2, status=503, method="PUT", path=FILES_PATH)
        first = await target.upload_async([pdf(1)], journal=journal)
        assert [item.status for item in first] == ["incomplete"]
        assert states(journal) == ["sending", "created-awaiting-content", "created-awaiting-content"]
        again = await target.upload_async([pdf(1)], journal=journal)
    assert [item.status for item in again] == ["created"] and post_documents(emulator) == 1
    assert_each_item_once_with_its_bytes(client, dataset, [pdf(1)])


# ---- reconcile ---------------------------------------------------------------------------


def test_reconcile_matches_by_content_md5_without_downloading(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    emulator.seed_documents(20, dataset_id=dataset, content=b"%PDF-1.4 someone else's")
    emulator.drop_next(1, method="POST", path="/documents")  # closed unanswered: may have been created
    [lost] = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session).results
    assert lost.status == "ambiguous"
    [made] = emulator.seed_documents(1, dataset_id=dataset, content=pdf(1))  # as if that POST had worked
    emulator.clear_requests()
    report = las.bulk.reconcile(journal, session=session, settle=0)
    assert report.found == {lost.key: made}
    assert requests_to(emulator, "GET", "/documents/") == 0 and requests_to(emulator, "GET", FILES_PATH) == 0


def test_reconcile_takes_a_byteless_document_for_the_lost_post_that_made_it(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    items = [pdf(number) for number in range(4)]
    emulator.lose_answer_next(2, method="POST", path="/documents")  # created, the fileUrl never heard
    first = las.bulk.ingest(items, dataset=dataset, journal=journal, session=session, max_workers=1)
    assert [item.status for item in first] == ["ambiguous", "ambiguous", "created", "created"]
    assert len(documents_in(client, dataset)) == 4  # two of them without bytes

    early = las.bulk.reconcile(journal, session=session)  # sent moments ago: not judged yet
    assert sorted(early.pending) == sorted(first.results[index].key for index in (0, 1))
    report = las.bulk.reconcile(journal, session=session, settle=0)
    assert report.not_found == [] and sorted(report.incomplete) == sorted(early.pending)
    assert requests_to(emulator, "DELETE", "/documents") == 0  # reconcile deletes nothing
    assert set(report.incomplete.values()) <= {doc["documentId"] for doc in documents_in(client, dataset)}

    stuck = las.bulk.ingest(items, dataset=dataset, journal=journal, session=session)
    assert stuck.counts["incomplete"] == 2 and post_documents(emulator) == 4
    final = las.bulk.ingest(
        items, dataset=dataset, journal=journal, session=session, recreate_incomplete=True
    )
    assert final.ok and final.counts["created"] == 2
    assert post_documents(emulator) == 6 and requests_to(emulator, "DELETE", "/documents/") == 2
    assert_each_item_once_with_its_bytes(client, dataset, items)


def test_reconcile_looks_at_documents_created_without_their_bytes(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    items = [pdf(number) for number in range(3)]
    emulator.fail_next(6, status=503, method="PUT", path=FILES_PATH)  # every PUT, and its retry
    first = las.bulk.ingest(items, dataset=dataset, journal=journal, session=session, max_workers=1)
    assert first.counts["incomplete"] == 3
    [kept, finished, deleted] = first.results
    client.put_file(str(last_entry(journal, finished.key).file_url), items[1])  # as by hand
    client.delete_document(str(deleted.document_id))

    report = las.bulk.reconcile(journal, session=session, settle=0)
    assert report.found == {finished.key: finished.document_id}
    assert report.not_found == [deleted.key]
    assert report.incomplete == {kept.key: kept.document_id}
    assert requests_to(emulator, "GET", FILES_PATH) == 0  # contentMD5 told, nothing downloaded

    final = las.bulk.ingest(items, dataset=dataset, journal=journal, session=session)
    assert [item.status for item in final] == ["created", "skipped", "created"]
    assert_each_item_once_with_its_bytes(client, dataset, items)


def last_entry(journal: Path, key: str) -> las.bulk._journal.Entry:
    with las.bulk.Journal(journal) as book:
        entry = book.get(key)
    assert entry is not None
    return entry


def test_an_older_journals_ambiguous_line_with_a_document_is_read_as_incomplete(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    emulator.fail_next(1, status=403, method="PUT", path=FILES_PATH)
    [result] = las.bulk.ingest([pdf(1)], dataset=dataset, journal=journal, session=session).results
    # What the previous version wrote for it.
    older = {
        "key": result.key,
        "state": "ambiguous",
        "sha256": result.sha256,
        "documentId": result.document_id,
    }
    with journal.open("a") as handle:
        handle.write(json.dumps(older) + "\n")
    assert las.bulk.reconcile(journal, session=session).incomplete == {result.key: result.document_id}
    assert states(journal)[-1] == "incomplete"
    final = las.bulk.ingest(
        [pdf(1)], dataset=dataset, journal=journal, session=session, recreate_incomplete=True
    )
    assert final.ok
    assert_each_item_once_with_its_bytes(client, dataset, [pdf(1)])


def test_url_expiry_is_read_from_the_presigned_urls_of_object_stores() -> None:
    from las.bulk._unfinished import url_expiry

    aws = "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4&X-Amz-Date=20241129T120000Z&X-Amz-Expires=900&X-Amz-Signature=s"
    assert str(url_expiry(aws)) == "2024-11-29 12:15:00+00:00"
    assert str(
        url_expiry("https://storage.googleapis.com/b/k?X-Goog-Date=20241129T120000Z&X-Goog-Expires=60")
    ) == ("2024-11-29 12:01:00+00:00")
    assert (
        str(url_expiry("https://d.cloudfront.net/k?Expires=1732881600&Signature=s"))
        == "2024-11-29 12:00:00+00:00"
    )
    assert str(url_expiry("https://a.blob.core.windows.net/c/k?se=2024-11-29T12:00:00Z&sig=s")) == (
        "2024-11-29 12:00:00+00:00"
    )
    for unknown in (
        "http://localhost:1/_files/token",
        "https://x/k?X-Amz-Date=garbage&X-Amz-Expires=1",
        "https://x/k?Expires=soon",
    ):
        assert url_expiry(unknown) is None


def test_content_md5_is_recognised_in_base64_hex_and_etag_forms() -> None:
    from las.bulk._unfinished import normal_md5

    digest = hashlib.md5(b"x").digest()
    base = base64.b64encode(digest).decode()
    assert normal_md5(base) == normal_md5(digest.hex()) == normal_md5(f'"{digest.hex().upper()}"') == base
    assert normal_md5("d41d8cd98f00b204e9800998ecf8427e-2") is None  # a multipart ETag: the bytes decide
    assert normal_md5("not md5") is None


def test_only_a_url_that_cannot_take_the_bytes_counts_as_refused(
    client: las.Client, emulator: Emulator
) -> None:
    """What ``ingest`` keeps trying (the same URL, next run) and what it leaves to
    ``recreate_incomplete``, read from the errors a real create raises."""
    from las.bulk._unfinished import upload_refused

    def failed_create() -> las.DocumentUploadError:
        with pytest.raises(las.DocumentUploadError) as raised:
            client.create_document(pdf(1), "application/pdf")
        return raised.value

    answer = {"documentId": "las:document:" + "a" * 32, "contentType": "application/pdf"}
    not_a_url = json.dumps({**answer, "fileUrl": "ftp://files.example/x"}).encode()
    emulator.fail_next(1, status=200, body=not_a_url, method="POST", path="/documents")
    assert upload_refused(failed_create())  # no request can carry the bytes there
    emulator.fail_next(1, status=403, method="PUT", path=FILES_PATH)
    assert upload_refused(failed_create())  # the file server said no (an expired URL)
    page = b"<html>Sign in to the hotel network</html>"
    emulator.fail_next(1, status=200, body=page, content_type="text/html", method="PUT", path=FILES_PATH)
    assert not upload_refused(failed_create())  # someone else's answer: the URL may take them
    emulator.fail_next(2, status=503, method="PUT", path=FILES_PATH)
    assert not upload_refused(failed_create())  # a fault past the retries: try again later


def test_the_same_key_twice_whose_first_is_incomplete_is_incomplete_too_and_then_names_the_new_document(
    session: las.Session, client: las.Client, emulator: Emulator, dataset: str, journal: Path
) -> None:
    """Found by a review: the key's second item was reported in the dataset naming the first's
    byte-less document, and after a run that replaced it, the document that run deleted."""
    items = [las.bulk.IngestItem(pdf(1), key="k"), las.bulk.IngestItem(pdf(1), key="k")]
    emulator.fail_next(1, status=403, method="PUT", path=FILES_PATH)
    first = las.bulk.ingest(items, dataset=dataset, journal=journal, session=session, max_workers=1)
    assert [item.status for item in first] == ["incomplete", "incomplete"] and not first.ok
    assert first.results[1].document_id is None and "without its bytes" in str(first.results[1].error)

    emulator.delay_next(1, 0.5, method="GET", path="/documents/{documentId}")  # the copy is claimed meanwhile
    replaced = las.bulk.ingest(
        items, dataset=dataset, journal=journal, session=session, max_workers=2, recreate_incomplete=True
    )
    owner, copy = sorted(replaced.results, key=lambda item: item.status != "created")  # either may be first
    assert (owner.status, copy.status) == ("created", "duplicate") and replaced.ok
    assert copy.document_id == owner.document_id != first.results[0].document_id
    assert_each_item_once_with_its_bytes(client, dataset, [pdf(1)])
