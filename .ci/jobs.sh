# Jobs that .ci/run runs in the background (sourced by it). `background NAME TITLE COMMAND...`
# starts one, `finish NAME` waits for it and prints its output under its title; a job that failed
# fails the run with its exit status. The run's exit (or a TERM or INT) stops the jobs still running.
# tests/packaging/test_ci_jobs.py checks all three.

jobs_dir=$(mktemp -d "${TMPDIR:-/tmp}/las-ci.XXXXXX")
declare -A job_pids=() job_titles=()

stop_jobs() {
    local pid
    for pid in "${job_pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true # its process group: the job and what it started
    done
    rm -rf "$jobs_dir"
}
trap stop_jobs EXIT
# A TERM or an INT (a run stopped from outside, or a job of another run's, as .ci/lowest-versions
# is of .ci/run's) ends the run through its EXIT trap too, so its own jobs stop with it.
trap 'exit 143' TERM
trap 'exit 130' INT

background() {
    local name=$1 title=$2
    shift 2
    echo "(in the background from here: $title)"
    set -m # the job gets a process group of its own, which stop_jobs ends whole
    "$@" >"$jobs_dir/$name.log" 2>&1 &
    job_pids[$name]=$!
    set +m
    job_titles[$name]=$title
}

finish() {
    local name=$1 status=0
    wait "${job_pids[$name]}" || status=$?
    unset "job_pids[$name]"
    echo "== ${job_titles[$name]} (ran in the background)"
    cat "$jobs_dir/$name.log"
    if [ "$status" -ne 0 ]; then
        echo "FAILED: ${job_titles[$name]} (exit status $status)"
        exit "$status"
    fi
}

# warm_caches PYTHON [PYTEST OPTION...]: one collection of the suite with PYTHON, before a run of
# it with workers. The workers start together and each would compile las and rewrite the tests'
# asserts while no cache is there yet (about 5 s of CPU each); the one collection leaves the
# caches (__pycache__, per Python and pytest version) for all of them. Its output and status are
# not the check: the run after it reports any collection error.
warm_caches() {
    local python=$1
    shift
    "$python" -m pytest -q -p no:cacheprovider -n 0 --collect-only "$@" >/dev/null 2>&1 || true
}
