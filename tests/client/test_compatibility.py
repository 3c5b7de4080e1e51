"""Code written for lucidtech-las runs unchanged on this SDK: a script written for each release of
tests/client/compatibility.py (6.0.0 on the 2021-09-23 contract, 11.4.1 on 2024-11-29) runs
against the emulator of its contract, on a session that speaks it because ``LAS_CONTRACT`` says
so (as a user pointing at the service needs nothing), and every request it sends to the API is
that contract's (validated with jsonschema; transfers to file URLs are not API requests).
.ci/real-clients runs the same scripts with those releases themselves."""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from pathlib import Path

import pytest

import las
from las.testing import Emulator
from las.testing._files import FILES_PATH
from tests.client.compatibility import RELEASES, Release
from tests.contract import load_contract

RELEASE_IDS = [f"lucidtech-las-{release.version}" for release in RELEASES]


def _environment(monkeypatch: pytest.MonkeyPatch, emulator: Emulator, home: Path) -> None:
    for name, value in {
        "LAS_CLIENT_ID": emulator.client_id,
        "LAS_CLIENT_SECRET": emulator.client_secret,
        "LAS_AUTH_ENDPOINT": emulator.auth_endpoint,
        "LAS_API_ENDPOINT": emulator.api_endpoint,
        "LAS_CONTRACT": emulator.contract,
        "HOME": str(home),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LAS_PROFILE", raising=False)


@pytest.fixture
def served(release: Release) -> Iterator[Emulator]:
    with Emulator(contract=release.contract) as emulator:
        yield emulator


@pytest.mark.parametrize("release", RELEASES, ids=RELEASE_IDS)
def test_a_script_written_for_a_release_runs_unchanged_against_the_emulator_of_its_contract(
    release: Release, served: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _environment(monkeypatch, served, tmp_path)

    runpy.run_path(str(release.script), run_name="__main__")

    api = [sent for sent in served.requests if sent.path != "/token" and not sent.path.startswith(FILES_PATH)]
    assert len(api) >= 15
    refused = [
        (sent.method, sent.path, sent.status) for sent in served.requests if not 200 <= sent.status < 300
    ]
    assert refused == [("GET", api[-1].path, 404)] and api[-1].path.startswith("/documents/")
    files = [sent.method for sent in served.requests if sent.path.startswith(FILES_PATH)]
    assert files == ([] if release.contract == "2021-09-23" else ["PUT", "GET"])
    contract = load_contract(release.contract)
    if contract is None:
        pytest.skip(f"the {release.contract} contract is not in ../shared/api (set LAS_SHARED_DIR)")
    problems = []
    for sent in api:
        try:
            contract.validate_request(sent.method, sent.path, sent.query, sent.json)
        except AssertionError as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)


def test_the_11_4_script_on_a_session_left_at_the_loopback_default_is_refused_before_sending(
    emulator_2024: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without LAS_CONTRACT a loopback endpoint is taken to speak 2021-09-23: the first argument
    that contract cannot carry says so, and nothing of it is sent."""
    _environment(monkeypatch, emulator_2024, tmp_path)
    monkeypatch.delenv("LAS_CONTRACT")
    [release] = [release for release in RELEASES if release.version == "11.4.1"]
    with pytest.raises(las.ContractError, match=r"POST /datasets with metadata .* LAS_CONTRACT=2024-11-29"):
        runpy.run_path(str(release.script), run_name="__main__")
    assert emulator_2024.requests == []


def test_ci_runs_every_release_itself_against_las_serve() -> None:
    """.ci/real-clients installs each release of RELEASES from PyPI and runs its script (the table
    is imported, not copied); .ci/run calls it."""
    ci = Path(__file__).resolve().parents[2] / ".ci"
    # a background job of .ci/run: tests/packaging/test_ci_jobs.py
    assert "    bash .ci/real-clients" in (ci / "run").read_text().splitlines()
    assert "from tests.client.compatibility import RELEASES" in (ci / "real_clients.py").read_text()
    assert ".ci/real_clients.py" in (ci / "real-clients").read_text()


def test_the_readme_states_the_releases_and_contracts_tested() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Compatibility with lucidtech-las") :]
    section = section[: section.index("\n## ")]
    for release in RELEASES:
        assert f"lucidtech-las {release.version}**" in section and release.contract in section
    assert ".ci/real-clients" in section and "docs/migrating.md" in section
