"""Sessions: a lazy, replaceable, thread-safe default; objects keep the session they came from."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import las
import las.resources
from las.resources import Dataset, Document, Model, _session
from las.testing import Emulator
from tests.support.contracts import model_size

from .conftest import PDF, Requests


@pytest.fixture
def second_emulator() -> Iterator[Emulator]:
    with Emulator(client_id="another-client") as emulator:
        yield emulator


@pytest.fixture
def second_session(second_emulator: Emulator, tmp_path: Path) -> las.Session:
    return second_emulator.session(cache_path=tmp_path / "second-token-cache.json")


def test_two_sessions_side_by_side(
    session: las.Session, second_session: las.Session, las_emulator: Emulator, second_emulator: Emulator
) -> None:
    first = Dataset.create(name="first", session=session)
    second = Dataset.create(name="second", session=second_session)
    document = Document.create(PDF, dataset=second, session=second_session)

    assert [d.name for d in Dataset.all(session=session)] == ["first"]
    assert [d.name for d in Dataset.all(session=second_session)] == ["second"]
    assert document.session is second_session and first.session is session

    las_emulator.clear_requests()
    second_emulator.clear_requests()
    assert document.dataset == second  # through the document's own session
    assert [r.path for r in second_emulator.requests if r.path != "/token"] == [f"/datasets/{second.id}"]
    assert [r.path for r in las_emulator.requests] == []


def test_verbs_use_the_objects_session(
    session: las.Session, second_session: las.Session, second_emulator: Emulator
) -> None:
    model = Model.create(
        {"total": {"type": "amount", "maxLength": 10}},
        **model_size(second_session.contract),
        session=second_session,
    )
    document = Document.create(PDF, session=second_session)
    prediction = document.predict(model)
    assert prediction.session is second_session
    assert prediction.model == model


def test_a_client_is_accepted_as_session(las_client: las.Client) -> None:
    dataset = Dataset.create(name="via client", session=las_client)
    assert dataset.session is las_client.session


def test_objects_of_one_session_share_one_client(session: las.Session) -> None:
    assert _session.client_for(session) is _session.client_for(session)


def test_calls_without_session_use_the_default(default_session: las.Session) -> None:
    dataset = Dataset.create(name="default")
    assert dataset.session is default_session
    assert las.resources.get_default_session() is default_session


def test_set_default_session_replaces_it(second_session: las.Session) -> None:
    las.resources.set_default_session(second_session)
    assert Dataset.create(name="x").session is second_session
    assert [d.name for d in Dataset.all()] == ["x"]


def test_set_default_session_refuses_other_things() -> None:
    with pytest.raises(TypeError, match=r"las\.Session or las\.Client"):
        las.resources.set_default_session("token")  # type: ignore[arg-type]


def test_the_default_session_is_created_on_first_use_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, las_emulator: Emulator, tmp_path: Path
) -> None:
    monkeypatch.setenv("LAS_CLIENT_ID", las_emulator.client_id)
    monkeypatch.setenv("LAS_CLIENT_SECRET", las_emulator.client_secret)
    monkeypatch.setenv("LAS_AUTH_ENDPOINT", las_emulator.auth_endpoint)
    monkeypatch.setenv("LAS_API_ENDPOINT", las_emulator.api_endpoint)
    monkeypatch.setenv("HOME", str(tmp_path))
    las.resources.set_default_session(None)
    assert _session._default is None  # nothing built until used

    created: list[las.Session] = []
    barrier = threading.Barrier(8)

    def use() -> None:
        barrier.wait()
        created.append(las.resources.get_default_session())

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(s) for s in created}) == 1  # one session, however many threads asked
    assert Dataset.create(name="env").session is created[0]


def test_importing_builds_no_session_and_reads_no_credentials(tmp_path: Path) -> None:
    code = (
        "import las.resources, las.resources._session as s, las.resources._base as b; "
        "assert s._default is None and not s._clients; print('ok')"
    )
    environment = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_a_session_no_longer_used_is_released() -> None:
    import gc
    import weakref

    from las.resources._session import client_for

    credentials = las.Credentials("id", "secret", "http://127.0.0.1:9", "http://127.0.0.1:9")
    session = las.Session(credentials)
    client_for(session)
    released = weakref.ref(session)
    del session
    gc.collect()
    assert released() is None  # the per-session Client cache does not keep it (and its sockets) alive


def test_using_session_restores_the_one_before_even_when_the_block_raises(
    session: las.Session, second_session: las.Session
) -> None:
    with pytest.raises(RuntimeError), las.using_session(second_session):
        assert Dataset.create(name="inside").session is second_session
        raise RuntimeError("boom")
    assert las.get_default_session() is session
    with las.using_session(second_session), las.using_session(session):
        assert las.get_default_session() is session
    assert las.get_default_session() is session


def test_using_session_restores_none_yet(second_session: las.Session) -> None:
    las.set_default_session(None)
    with las.using_session(second_session):
        assert las.get_default_session() is second_session
    assert _session._default is None  # the next use builds one from the environment, as before


def test_the_plugin_makes_las_session_the_default(las_session: las.Session) -> None:
    assert las.get_default_session() is las_session


def test_an_object_of_an_async_client_names_the_awaitable_instead_of_loading(
    session: las.Session, api: Requests
) -> None:
    reference = Document.ref("las:document:" + "0" * 32, session=las.AsyncSession(session.credentials))
    with pytest.raises(
        las.NotLoadedError, match=r"Document\.content_type is not loaded: await obj\.load_async\(\)"
    ):
        reference.content_type  # noqa: B018 - reading is what raises
    # content may need a download too (2024-11-29): its own awaitable does both
    with pytest.raises(
        las.NotLoadedError,
        match=r"Document\.content is not loaded: await document\.load_content_async\(\)",
    ):
        reference.content  # noqa: B018
    assert len(api) == 0
