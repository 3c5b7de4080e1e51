"""The ``las`` entry point: version, help, usage errors, completion, and life without the extra."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import las
from tests.cli.conftest import LAS, SECRET, clean_env, run, run_script

GROUPS = (
    "app-clients assets datasets demo doctor documents executions logs models organizations predict "
    "predictions secrets serve transitions users workflows"
).split()

# Make click and rich unimportable in a child interpreter, as if the cli extra were not installed.
WITHOUT_CLI_EXTRA = "import sys; sys.modules['click'] = None; sys.modules['rich'] = None; "


def run_without_cli_extra(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    code = WITHOUT_CLI_EXTRA + f"from las.__main__ import main; sys.exit(main({args!r}))"
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=clean_env(home),
        timeout=60,
        check=False,
    )


def test_version_prints_the_package_version(home: Path) -> None:
    result = run("--version", home=home)
    assert (result.code, result.stdout) == (0, f"las (lucidtech-las-sdk) {las.__version__}\n")


def test_help_lists_every_command_group_and_the_exit_codes(home: Path) -> None:
    result = run("--help", home=home)
    assert result.code == 0
    listed = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == GROUPS
    assert "0 ok, 1 the API refused or failed, 2" in " ".join(result.stdout.split())


def test_no_command_shows_help_and_exits_2(home: Path) -> None:
    result = run(home=home)
    assert result.code == 2 and "Commands:" in result.stdout


def test_a_group_without_a_verb_shows_its_verbs_and_exits_2(home: Path) -> None:
    result = run("datasets", home=home)
    assert result.code == 2 and "create-documents" in result.stdout and "download" in result.stdout


def test_unknown_verb_is_a_usage_error(home: Path) -> None:
    result = run("documents", "frobnicate", home=home)
    assert result.code == 2 and "No such command 'frobnicate'" in result.stderr


def test_emulator_and_endpoint_together_is_a_usage_error(home: Path) -> None:
    result = run("--emulator", "--endpoint", "http://127.0.0.1:1", "documents", "list", home=home)
    assert result.code == 2 and "either --emulator or --endpoint" in result.stderr


def test_shell_completion_script_comes_from_click(home: Path) -> None:
    result = run(home=home, env=clean_env(home, _LAS_COMPLETE="bash_source"))
    assert result.code == 0 and "_las_completion" in result.stdout


def test_completion_offers_the_verbs_of_a_group(home: Path) -> None:
    env = clean_env(home, _LAS_COMPLETE="bash_complete", COMP_WORDS="las datasets ", COMP_CWORD="2")
    result = run(home=home, env=env)
    offered = {line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line}
    assert {"create-documents", "download", "list"} <= offered


def test_demo_runs_without_the_cli_extra(home: Path) -> None:
    result = run_without_cli_extra(["demo"], home)
    assert result.returncode == 0, result.stderr
    assert "Demo finished" in result.stdout


def test_a_group_without_the_cli_extra_says_how_to_install_it(home: Path) -> None:
    result = run_without_cli_extra(["documents", "list"], home)
    assert result.returncode == 2
    assert "pip install 'lucidtech-las-sdk[cli]'" in result.stderr and "Traceback" not in result.stderr


def test_version_and_help_work_without_the_cli_extra(home: Path) -> None:
    assert run_without_cli_extra(["--version"], home).stdout == f"las (lucidtech-las-sdk) {las.__version__}\n"
    shown = run_without_cli_extra(["--help"], home)
    assert shown.returncode == 0 and "demo" in shown.stdout and "lucidtech-las-sdk[cli]" in shown.stdout


def test_the_block_really_hides_click(home: Path) -> None:
    """Guards the two tests above: the import hook makes `import click` fail."""
    code = WITHOUT_CLI_EXTRA + "import click"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "import of click halted" in result.stderr


def test_python_m_las_is_the_same_command(home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "las", "--version"],
        capture_output=True,
        text=True,
        env=clean_env(home),
        check=False,
    )
    assert result.stdout == f"las (lucidtech-las-sdk) {las.__version__}\n" and LAS.exists()


def test_a_usage_error_is_one_line_naming_the_help_to_read(home: Path) -> None:
    result = run("models", "create", "5", "900", "{}", home=home)
    assert result.code == 2 and result.stdout == ""
    assert result.stderr == (
        "error: Invalid value for 'WIDTH': 5 is not in the range 97<=x<=1921; see `las models create --help`\n"
    )


# -- the installed console script, in a real process -----------------------------------------


def test_the_console_script_is_installed_and_prints_the_version(home: Path) -> None:
    result = run_script("--version", home=home)
    assert (result.code, result.stdout, result.stderr) == (
        0,
        f"las (lucidtech-las-sdk) {las.__version__}\n",
        "",
    )


def test_las_serve_from_the_console_script_serves_the_console_script_and_stops_on_sigterm(
    home: Path,
) -> None:
    process = subprocess.Popen(
        [str(LAS), "serve", "--client-secret", SECRET], stdout=subprocess.PIPE, text=True, env=clean_env(home)
    )
    assert process.stdout is not None
    try:
        printed = dict(
            line.strip().partition(": ")[::2]
            for line in iter(process.stdout.readline, "Press Ctrl-C to stop.\n")
        )
        url = printed["api endpoint"].strip()
        listed = run_script(
            "--endpoint",
            url,
            "--json",
            "datasets",
            "list",
            home=home,
            env=clean_env(home, LAS_CLIENT_SECRET=SECRET),
        )
        assert (listed.code, listed.json()) == (0, {"datasets": [], "nextToken": None}), listed.stderr
    finally:
        process.terminate()
        code = process.wait(10)
        process.stdout.close()
    assert code == 0  # SIGTERM stops it cleanly


# -- what an in-process run leaves behind: nothing ---------------------------------------------


def test_an_in_process_run_leaves_no_state_behind(home: Path, tmp_path: Path) -> None:
    """Guards the in-process runner (tests/cli/conftest.py) and the command's own cleanup."""
    environment, directory, streams = dict(os.environ), Path.cwd(), (sys.stdin, sys.stdout, sys.stderr)
    handlers = {name: list(logging.getLogger(name).handlers) for name in ("", "las", "las.session")}
    threads = set(threading.enumerate())

    created = run(
        "--emulator",
        "--json",
        "datasets",
        "create",
        home=home,
        cwd=tmp_path,
        env=clean_env(home, LAS_PROFILE="x"),
    )
    failed = run(
        "--endpoint",
        "http://127.0.0.1:9",
        "documents",
        "list",
        home=home,
        env=clean_env(home, LAS_CLIENT_SECRET="s"),
    )

    assert created.code == 0 and failed.code == 1
    assert dict(os.environ) == environment and Path.cwd() == directory
    assert (sys.stdin, sys.stdout, sys.stderr) == streams
    assert {name: list(logging.getLogger(name).handlers) for name in handlers} == handlers
    # the --emulator it started is stopped; the process's deadline watchdog ends on its own once
    # idle (tests/client/test_deadline_watchdog.py)
    left = {thread for thread in threading.enumerate() if thread.name != "las-deadline-watchdog"}
    assert left <= threads
