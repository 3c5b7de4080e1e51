"""The runner of one execution: states, branches, iterations, retries and catchers.

An execution is a tree of :class:`Frame` s, each the run of one state machine: the workflow's
(the root), a ``Parallel`` branch's or a ``Map`` iteration's. A frame is in one state at a
time; synchronous states (``Pass``, ``Choice``, ``Succeed``, ``Fail``, due ``Wait`` s) run at
once, others wait for an event: a transition execution ending (``Task``), a timer (``Wait``, a
``Retry`` interval), or child frames ending (``Parallel``, ``Map``).

The runner knows the language, not the API: a :class:`Host` starts and aborts transition
executions, writes the log, ends the execution and sets timers (whose callbacks it runs under
the emulator's lock). Every method here runs under that lock.

Semantics, by the spec's sections:

* "Input and Output Processing": see :mod:`.payload`; a ``Pass`` state's ``Result`` (else its
  effective input) goes through ``ResultPath``; ``Task``/``Parallel``/``Map`` results through
  ``ResultSelector`` then ``ResultPath``.
* "Retrying after error": the first Retrier whose ``ErrorEquals`` matches decides; with
  attempts left (``MaxAttempts``, default 3) the state runs again, with the same input, after
  ``IntervalSeconds`` (default 1) * ``BackoffRate`` (default 2.0) ^ attempts, capped by
  ``MaxDelaySeconds``; once its attempts are spent the Catchers decide. Counters are kept per
  Retrier while the state is current.
* "Fallback states": the first Catcher whose ``ErrorEquals`` matches goes to its ``Next`` with
  the state's raw input where ``ResultPath`` (default ``$``) says, set to
  ``{"Error": name, "Cause": cause}``.
* "Parallel State": each branch gets the effective input; the result is the list of the
  branches' outputs, in branch order. A failing branch stops the others (their running
  transition executions are marked failed, "aborted") and the state fails with its error.
* "Map State": each item of ``ItemsPath`` (default ``$``) runs the ``ItemProcessor``
  (``Iterator``), at most ``MaxConcurrency`` at a time (0: all), with the item — or the
  ``ItemSelector`` (``Parameters``) template filled from the effective input and
  ``$$.Map.Item.Index``/``$$.Map.Item.Value``; the result is the list of outputs in item
  order. ``ItemReader``, ``ItemBatcher``, ``ResultWriter``, tolerated failures and distributed
  mode are not run: the execution fails naming them.
* "Wait State": ``Seconds``/``SecondsPath`` from entering the state, ``Timestamp``/
  ``TimestampPath`` as an instant; a moment already past continues at once.
* "Fail State": fails the frame with ``Error``/``Cause`` (or ``ErrorPath``/``CausePath``).

Limits (:mod:`.limits`): every state's input after ``Parameters``, result and output, every
intrinsic result and a Map's or Parallel's results as they come in are measured; over
:data:`MAX_PAYLOAD` (or :data:`~las.testing._asl.limits.MAX_DEPTH` deep) the state fails with
``States.DataLimitExceeded``. An execution enters at most :data:`MAX_STATES_ENTERED` states
(retries and every branch and item included; a Map with more items than that fails at once) and
produces at most :data:`MAX_DATA_PRODUCED` of new data; past either it fails with
``States.Runtime``.

Slices: the runner enters at most :data:`SLICE` units of work (a state, a KiB of new data) per
hold of the lock. Then it queues what is left (:meth:`Run.defer`) and tells the host
(:meth:`Host.defer`), which calls :meth:`Run.proceed` again after letting other requests take
the lock, before the request or timer that started the work is over. So an answer still shows
what the execution did, and no execution stalls the others. Work is queued and resumed in
order, so the outcome does not depend on where a slice ends.

No recursion grows with the number of states run: a Parallel or Map whose children all end at
once gives its result back to the loop driving it (:attr:`Frame.outcome`) instead of driving
the next state from inside that loop.
"""

from __future__ import annotations

import copy
import functools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from las.testing._asl import choice, payload
from las.testing._asl import paths as jsonpath
from las.testing._asl.errors import (
    DATA_LIMIT_EXCEEDED,
    NO_CHOICE_MATCHED,
    RUNTIME,
    TIMEOUT,
    UNCATCHABLE,
    StatesError,
    Unsupported,
    checked,
    matches,
)
from las.testing._asl.limits import (
    MAX_DATA_PRODUCED,
    MAX_PAYLOAD,
    MAX_SECONDS,
    MAX_STATES_ENTERED,
    SLICE,
    DataProblem,
    Meter,
    brief,
)
from las.testing._clock import RESOLUTION, Clock, Timer

LONGEST_RETRY_DELAY = 10.0**9  # seconds (31 years): where a huge backoff stops growing
Step = tuple[Any, ...]  # ("goto", name, raw) | ("again",) | ("end", output) | ("fail", error)


class Host(Protocol):
    """What the runner needs from the API side (see ``las.testing._workflows``)."""

    clock: Clock

    def log(self, message: str) -> None: ...

    def start_task(self, frame: Frame, state: dict[str, Any], data: dict[str, Any]) -> str:
        """Start a transition execution for the Task ``state``; answer its id."""
        ...

    def abort_task(self, task_id: str, reason: str) -> None: ...

    def finish(self, status: str, output: dict[str, Any], message: str) -> None: ...

    def pause(self, frame: Frame, message: str) -> None: ...

    def manual_retry(self) -> bool: ...

    def context(self) -> dict[str, Any]: ...

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer: ...

    def defer(self) -> None:
        """The run has queued work: call :meth:`Run.proceed` once the lock was released, before
        the request or timer now driving the run is over."""
        ...


@dataclass(eq=False)
class Frame:
    """One run of a state machine (the root, a Parallel branch or a Map iteration)."""

    run: Run
    machine: dict[str, Any]
    parent: Frame | None = None
    slot: int = 0  # position of this branch/item in the parent's result list
    parent_visit: int = 0  # the parent's visit this frame belongs to
    name: str = ""  # current state
    raw: Any = None  # its raw input
    effective: Any = None  # its effective input (after InputPath and Parameters)
    entered: str = ""
    visit: int = 0  # grows on every state entered: stale events compare it
    retries: dict[int, int] = field(default_factory=dict)
    retry_count: int = 0
    timer: Timer | None = None
    task: str | None = None  # running transition execution id
    children: dict[int, Frame] = field(default_factory=dict)  # running children, by slot
    results: list[Any] = field(default_factory=list)
    results_size: int = 0  # of the results so far, as JSON
    items: list[Any] = field(default_factory=list)  # a Map's items, prepared as they start
    started: int = 0  # children started
    limit: int = 0  # children running at once (0: no limit)
    remaining: int = 0  # children not ended
    pumping: int | None = None  # the visit whose pump loop is on the stack
    driving: bool = False  # drive() is starting the current state
    outcome: tuple[int, Any, StatesError | None] | None = None  # (visit, result, error) met meanwhile
    done: bool = False

    @property
    def state(self) -> dict[str, Any]:
        states: dict[str, dict[str, Any]] = self.machine["States"]
        return states[self.name]

    def context(self, item: dict[str, Any] | None = None) -> dict[str, Any]:
        context = self.run.host.context()
        context["State"] = {"Name": self.name, "EnteredTime": self.entered, "RetryCount": self.retry_count}
        if item is not None:
            context["Map"] = {"Item": item}
        return context


class Run:
    """The execution of one workflow execution: its root frame, how it ends, its work."""

    def __init__(self, host: Host, definition: dict[str, Any]) -> None:
        self.host = host
        self.root = Frame(self, definition)
        self.over = False
        self.timer: Timer | None = None  # the machine's TimeoutSeconds
        self.entered = 0  # states entered (retries included), across all frames
        self.meter = Meter()  # what the execution's data weighs, and how much it built
        self.backlog: deque[Callable[[], None]] = deque()  # work left for the next slice
        self.deferred = False  # the host was told about the backlog
        self._slice_states = 0
        self._slice_data = 0

    def start(self, data: Any, at: str | None = None) -> None:
        """Enter ``StartAt`` (or the state ``at``) with ``data``; arm the machine's
        ``TimeoutSeconds`` (counted from now) if it has one."""
        machine = self.root.machine
        if machine.get("QueryLanguage", "JSONPath") != "JSONPath":
            self.over = True
            cause = Unsupported(f"QueryLanguage {brief(machine['QueryLanguage'])}").cause
            self.host.finish("failed", {}, f"workflow execution failed: {RUNTIME}: {cause}")
            return
        if "TimeoutSeconds" in machine:
            seconds = machine["TimeoutSeconds"]
            self.timer = self.host.call_at(self.host.clock.now() + seconds, lambda: self._time_out(seconds))
        self._new_slice()
        drive(self.root, ("goto", at or machine["StartAt"], data))

    def close(self) -> None:
        """The execution has ended: nothing more runs."""
        self.over = True
        self.backlog.clear()
        self.meter.forget()
        if self.timer is not None:
            self.timer.cancel()

    def _time_out(self, seconds: float) -> None:
        if self.over:
            return
        self.cancel(f"aborted: the workflow execution timed out ({TIMEOUT})")
        self.host.finish(
            "failed",
            {},
            f"workflow execution failed: {TIMEOUT}: it ran longer than the definition's "
            f"TimeoutSeconds ({seconds:g})",
        )

    def cancel(self, reason: str) -> None:
        """Stop every frame (running transition executions are aborted with ``reason``)."""
        self.close()
        cancel(self.root, reason)

    def abort(self, cause: str) -> None:
        """End the execution ``failed`` with ``States.Runtime``: it passed a limit of the emulator."""
        self.cancel("aborted: the workflow execution passed a limit of the emulator")
        self.host.finish("failed", {}, f"workflow execution failed: {RUNTIME}: {cause}")

    # -- slices ----------------------------------------------------------------------------

    def _new_slice(self) -> None:
        self._slice_states = 0
        self._slice_data = self.meter.produced

    def exhausted(self) -> bool:
        """Whether this hold of the lock has done its :data:`SLICE` of work."""
        return self._slice_states + (self.meter.produced - self._slice_data) // 1024 >= SLICE

    def defer(self, work: Callable[[], None]) -> None:
        """Do ``work`` in a later slice (after the work queued before it)."""
        self.backlog.append(work)
        if not self.deferred:
            self.deferred = True
            self.host.defer()

    def proceed(self) -> None:
        """Do one slice of the queued work (called by the host, under the lock)."""
        self._new_slice()
        self.deferred = False
        while self.backlog and not self.over and not self.exhausted():
            self.backlog.popleft()()
        if self.backlog and not self.over and not self.deferred:
            self.deferred = True
            self.host.defer()

    def enter(self) -> bool:
        """Count a state about to be entered; False (and the execution failed) past a limit."""
        self.entered += 1
        self._slice_states += 1
        if self.entered > MAX_STATES_ENTERED:
            self.abort(
                f"it entered {MAX_STATES_ENTERED} states (Step Functions stops an execution at "
                "25,000 history events; is there a loop?)"
            )
            return False
        if self.meter.produced > MAX_DATA_PRODUCED:
            self.abort(
                f"it built more than {MAX_DATA_PRODUCED // 2**20} MiB of data in all (the emulator's "
                "limit per execution)"
            )
            return False
        return True


# ---------------------------------------------------------------------------------------------
# Driving a frame


def drive(frame: Frame, first: Step | None) -> None:
    """Follow ``first`` and the states after it until the frame waits or ends (or the slice
    of work is spent: then the rest is queued)."""
    step = first
    run = frame.run
    while step is not None and not frame.done and not run.over:
        kind = step[0]
        if kind == "end":
            _end(frame, step[1])
            return
        if kind == "fail":
            _fail(frame, step[1])
            return
        if run.exhausted():
            run.defer(functools.partial(drive, frame, step))
            return
        if not run.enter():
            return
        if kind == "goto":
            _begin(frame, step[1], step[2])
        else:  # "again": a retry of the current state
            frame.visit += 1
            frame.retry_count += 1
            frame.entered = frame.run.host.clock.iso()
            frame.run.host.log(f"retrying state {frame.name!r} (attempt {frame.retry_count + 1})")
        frame.driving = True
        try:
            step = _start(frame)
        except StatesError as error:
            step = _on_error(frame, error)
        finally:
            frame.driving = False
        if frame.outcome is not None:
            visit, result, problem = frame.outcome
            frame.outcome = None
            if step is None and visit == frame.visit and not frame.done:
                step = _on_error(frame, problem) if problem is not None else _resumed(frame, result)


def resume(frame: Frame, visit: int, result: Any) -> None:
    """The current state's work produced ``result`` (a Task's output, a Wait's end, ...)."""
    if frame.done or frame.run.over or frame.visit != visit:
        return
    if frame.driving:  # it ended while starting: the loop on the stack carries on
        frame.outcome = (visit, result, None)
        return
    drive(frame, _resumed(frame, result))


def _resumed(frame: Frame, result: Any) -> Step | None:
    try:
        checked(frame.run.meter, result, f"the result of {frame.name!r}")
        return _next(frame, _finish(frame, result))
    except StatesError as error:
        return _on_error(frame, error)


def raise_in(frame: Frame, visit: int, error: StatesError) -> None:
    """The current state's work failed with ``error``."""
    if frame.done or frame.run.over or frame.visit != visit:
        return
    frame.task = None
    if frame.driving:
        frame.outcome = (visit, None, error)
        return
    drive(frame, _on_error(frame, error))


def _begin(frame: Frame, name: str, raw: Any) -> None:
    frame.name, frame.raw, frame.effective = name, raw, None
    frame.visit += 1
    frame.retries, frame.retry_count = {}, 0
    frame.entered = frame.run.host.clock.iso()
    where = "" if frame.parent is None else f" (in {_describe(frame)})"
    frame.run.host.log(f"entered state {name!r} ({frame.state['Type']}){where}")


def _describe(frame: Frame) -> str:
    parent = frame.parent
    assert parent is not None
    kind = "branch" if parent.state["Type"] == "Parallel" else "item"
    return f"{parent.name!r} {kind} {frame.slot}"


def _next(frame: Frame, output: Any) -> Step:
    state = frame.state
    if state.get("End") is True or state["Type"] == "Succeed":
        return ("end", output)
    return ("goto", state["Next"], output)


def _input(frame: Frame) -> Any:
    return payload.input_path(frame.state, frame.raw, frame.context())


def _start(frame: Frame) -> Step | None:
    """Begin the current state's work: a step when it is done at once, None when waiting."""
    state, kind = frame.state, frame.state["Type"]
    _refuse_unsupported(state)
    if kind == "Pass":
        effective = payload.parameters(state, _input(frame), frame.context(), frame.run.meter, frame.name)
        result = copy.deepcopy(state["Result"]) if "Result" in state else effective
        return _next(frame, _output(frame, payload.result_path(state, frame.raw, result)))
    if kind == "Succeed":
        return ("end", _output(frame, _input(frame)))
    if kind == "Fail":
        return ("fail", _fail_error(frame))
    if kind == "Choice":
        effective = _input(frame)
        for rule in state["Choices"]:
            if choice.evaluate(rule, effective, frame.context()):
                return ("goto", rule["Next"], _output(frame, effective))
        if "Default" in state:
            return ("goto", state["Default"], _output(frame, effective))
        raise StatesError(
            NO_CHOICE_MATCHED, f"no Choice rule of {frame.name!r} matched and it has no Default"
        )
    if kind == "Wait":
        frame.effective = _input(frame)
        when = _wait_until(frame)
        if when <= frame.run.host.clock.now() + RESOLUTION:
            return _next(frame, _output(frame, frame.effective))
        visit = frame.visit
        frame.timer = frame.run.host.call_at(when, lambda: resume(frame, visit, None))
        return None
    if kind == "Map":
        _start_map(frame)
        return None
    frame.effective = payload.parameters(state, _input(frame), frame.context(), frame.run.meter, frame.name)
    if kind == "Task":
        if not isinstance(frame.effective, dict):
            raise StatesError(
                RUNTIME,
                f"the input of Task {frame.name!r} must be a JSON object (a transition "
                f"execution's input is an object), got {type(frame.effective).__name__}",
            )
        frame.task = frame.run.host.start_task(frame, state, frame.effective)
        return None
    _spawn(frame, [], len(state["Branches"]), 0)
    return None


def _refuse_unsupported(state: dict[str, Any]) -> None:
    for name in ("Arguments", "Output", "Assign", "Credentials", "Items"):
        if name in state:
            raise Unsupported(f"the {state['Type']} field {name!r} (JSONata and variables)")
    if state.get("QueryLanguage", "JSONPath") != "JSONPath":
        raise Unsupported(f"QueryLanguage {brief(state['QueryLanguage'])}")
    for name in ("TimeoutSecondsPath", "HeartbeatSecondsPath"):
        if name in state:
            raise Unsupported(f"the Task field {name!r}; use TimeoutSeconds/HeartbeatSeconds")
    if state["Type"] == "Map":
        for name in (
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrencyPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
        ):
            if name in state:
                raise Unsupported(f"the Map field {name!r} (distributed Map)")
        config = state.get("ItemProcessor", {}).get("ProcessorConfig", {})
        if config.get("Mode", "INLINE") != "INLINE":
            raise Unsupported(f"Map ProcessorConfig.Mode {brief(config.get('Mode'))} (only INLINE runs)")


def _fail_error(frame: Frame) -> StatesError:
    state = frame.state
    values = {}
    for name in ("Error", "Cause"):
        if f"{name}Path" in state:
            values[name] = jsonpath.read(state[f"{name}Path"], frame.raw, frame.context())
            if not isinstance(values[name], str):
                raise StatesError(
                    RUNTIME,
                    f"the {name}Path of Fail state {frame.name!r} must select a string, "
                    f"got {type(values[name]).__name__}",
                )
        else:
            values[name] = state.get(name)
    return StatesError(
        str(values["Error"] or "States.Fail"), str(values["Cause"] or f"reached Fail state {frame.name!r}")
    )


def _wait_until(frame: Frame) -> float:
    state, now = frame.state, frame.run.host.clock.now()
    if "Seconds" in state:
        return now + float(state["Seconds"])
    if "SecondsPath" in state:
        seconds = jsonpath.read(state["SecondsPath"], frame.effective, frame.context())
        if (
            not isinstance(seconds, (int, float))
            or isinstance(seconds, bool)
            or not 0 <= seconds <= MAX_SECONDS
        ):
            raise StatesError(
                RUNTIME,
                f"SecondsPath of {frame.name!r} must select a number from 0 to {MAX_SECONDS}, got {brief(seconds)}",
            )
        return now + float(seconds)
    text = (
        state["Timestamp"]
        if "Timestamp" in state
        else jsonpath.read(state["TimestampPath"], frame.effective, frame.context())
    )
    moment: datetime | None = choice.parse_timestamp(text)
    if moment is None:
        raise StatesError(
            RUNTIME, f"{frame.name!r} waits until {brief(text)}, which is not an RFC 3339 timestamp"
        )
    return moment.timestamp()


def _output(frame: Frame, data: Any) -> Any:
    output = payload.output_path(frame.state, data, frame.context())
    checked(frame.run.meter, output, f"the output of {frame.name!r}")
    return output


def _finish(frame: Frame, result: Any) -> Any:
    """The state's output once its work produced ``result``."""
    frame.timer = None
    frame.task = None
    state = frame.state
    if state["Type"] == "Wait":
        return _output(frame, frame.effective)
    selected = payload.result_selector(state, result, frame.context(), frame.run.meter, frame.name)
    return _output(frame, payload.result_path(state, frame.raw, selected))


# ---------------------------------------------------------------------------------------------
# Errors


def _on_error(frame: Frame, error: StatesError) -> Step | None:
    """Retry, catch, or fail the frame (spec: "Retrying after error", "Fallback states")."""
    state = frame.state
    frame.run.host.log(f"state {frame.name!r} failed: {error.name}: {error.cause}")
    if state["Type"] not in ("Task", "Parallel", "Map"):
        return ("fail", error)
    for index, retrier in enumerate(state.get("Retry", [])):
        if not matches(error.name, retrier["ErrorEquals"]):
            continue
        attempts = frame.retries.get(index, 0)
        if attempts >= retrier.get("MaxAttempts", 3):
            break
        frame.retries[index] = attempts + 1
        try:
            delay = retrier.get("IntervalSeconds", 1) * float(retrier.get("BackoffRate", 2.0)) ** attempts
        except OverflowError:
            delay = float("inf")
        delay = min(delay, retrier.get("MaxDelaySeconds", LONGEST_RETRY_DELAY))
        frame.run.host.log(f"retrying {frame.name!r} in {delay:g} s ({error.name})")
        frame.timer = frame.run.host.call_at(frame.run.host.clock.now() + delay, _retry_later(frame))
        return None
    for catcher in state.get("Catch", []):
        if matches(error.name, catcher["ErrorEquals"]):
            frame.run.host.log(f"caught {error.name} in {frame.name!r}; going to {catcher['Next']!r}")
            caught = {"Error": error.name, "Cause": error.cause}
            try:
                data = payload.result_path(catcher, frame.raw, caught)
            except StatesError as problem:
                return ("fail", problem)
            return ("goto", catcher["Next"], data)
    return ("fail", error)


def _retry_later(frame: Frame) -> Callable[[], None]:
    visit = frame.visit

    def retry() -> None:
        if not (frame.done or frame.run.over or frame.visit != visit):
            drive(frame, ("again",))

    return retry


# ---------------------------------------------------------------------------------------------
# Ending frames


def _end(frame: Frame, output: Any) -> None:
    frame.done = True
    parent = frame.parent
    if parent is None:
        run = frame.run
        run.close()
        if not isinstance(output, dict):
            run.host.finish(
                "failed",
                {},
                f"workflow execution failed: {RUNTIME}: the workflow's output must be a JSON object "
                f"(an execution's output is an object), got {type(output).__name__}",
            )
            return
        run.host.finish("succeeded", output, "workflow execution succeeded")
        return
    if parent.done or parent.visit != frame.parent_visit:
        return
    del parent.children[frame.slot]
    parent.results[frame.slot] = output
    parent.remaining -= 1
    try:
        parent.results_size += checked(frame.run.meter, output, f"the output of {_describe(frame)}")
    except StatesError as error:
        _stop_children(parent, error)
        return
    if parent.results_size > MAX_PAYLOAD:
        what = f"the results of {parent.name!r} so far"
        _stop_children(
            parent, StatesError(DATA_LIMIT_EXCEEDED, DataProblem.too_large(what, parent.results_size))
        )
        return
    _pump(parent)


def _fail(frame: Frame, error: StatesError) -> None:
    frame.done = True
    parent = frame.parent
    run = frame.run
    if parent is None:
        if frame.state["Type"] == "Task" and run.host.manual_retry() and error.name not in UNCATCHABLE:
            run.host.pause(frame, f"{error.name}: {error.cause}")
            return
        run.close()
        run.host.finish("failed", {}, f"workflow execution failed: {error.name}: {error.cause}")
        return
    if parent.done or parent.visit != frame.parent_visit:
        return
    del parent.children[frame.slot]
    _stop_children(parent, error, f"aborted: {_describe(frame)} failed with {error.name}")


def _stop_children(frame: Frame, error: StatesError, reason: str = "") -> None:
    """Fail the Parallel or Map ``frame`` with ``error``: its running children are cancelled
    (with ``reason``) and no more start."""
    for child in list(frame.children.values()):
        cancel(child, reason or f"aborted: {frame.name!r} failed with {error.name}")
    frame.children = {}
    frame.started = len(frame.results)
    raise_in(frame, frame.visit, error)


def cancel(frame: Frame, reason: str) -> None:
    """Stop ``frame`` and its children; abort a running transition execution."""
    if frame.done:
        return
    frame.done = True
    if frame.timer is not None:
        frame.timer.cancel()
        frame.timer = None
    if frame.task is not None:
        task, frame.task = frame.task, None
        frame.run.host.abort_task(task, reason)
    for child in frame.children.values():
        cancel(child, reason)


# ---------------------------------------------------------------------------------------------
# Parallel and Map


def _spawn(frame: Frame, items: list[Any], count: int, limit: int) -> None:
    """Run ``count`` children (the branches, or one per item), at most ``limit`` at once."""
    frame.children = {}
    frame.results = [None] * count
    frame.results_size = 0
    frame.items = items
    frame.started = 0
    frame.remaining = count
    frame.limit = limit
    _pump(frame)


def _pump(frame: Frame) -> None:
    """Start children while the limit (and the slice) allows; resume the state once every
    child has ended.

    Children that end at once come back here: the loop already on the stack carries on, so a
    long Map of instant items is a loop, not a recursion.
    """
    visit = frame.visit
    if frame.pumping == visit:
        return
    frame.pumping = visit
    run = frame.run
    try:
        while frame.started < len(frame.results) and (frame.limit == 0 or len(frame.children) < frame.limit):
            if frame.done or frame.visit != visit or frame.outcome is not None or run.over:
                return
            if run.exhausted():
                run.defer(functools.partial(_pump, frame))
                return
            slot = frame.started
            frame.started += 1
            try:
                data = _child_input(frame, slot)
            except StatesError as error:
                _stop_children(frame, error)
                return
            _launch(frame, slot, data)
    finally:
        if frame.pumping == visit:
            frame.pumping = None
    if not frame.done and frame.visit == visit and frame.remaining == 0:
        resume(frame, visit, frame.results)


def _child_input(frame: Frame, slot: int) -> Any:
    """The input of branch or item ``slot``: the effective input, or the item (through the
    ItemSelector/Parameters template), prepared as it starts."""
    state = frame.state
    if state["Type"] == "Parallel":
        return frame.effective
    value = frame.items[slot]
    template = "ItemSelector" if "ItemSelector" in state else "Parameters"
    if template not in state:
        return value
    context = frame.context({"Index": slot, "Value": value})
    what = f"the {template} of {frame.name!r} for item {slot}"
    return payload.fill(state[template], frame.effective, context, frame.run.meter, what)


def _launch(frame: Frame, slot: int, data: Any) -> None:
    state = frame.state
    if state["Type"] == "Parallel":
        machine = state["Branches"][slot]
    else:
        machine = state.get("ItemProcessor") or state["Iterator"]
    child = Frame(frame.run, machine, parent=frame, slot=slot, parent_visit=frame.visit)
    frame.children[slot] = child
    drive(child, ("goto", machine["StartAt"], data))


def _start_map(frame: Frame) -> None:
    state = frame.state
    effective = _input(frame)
    frame.effective = effective
    items = jsonpath.read(state.get("ItemsPath", "$"), effective, frame.context())
    if not isinstance(items, list):
        raise StatesError(
            RUNTIME, f"ItemsPath of Map {frame.name!r} must select an array, got {type(items).__name__}"
        )
    run = frame.run
    if len(items) > MAX_STATES_ENTERED - run.entered:
        run.abort(
            f"the Map {frame.name!r} has {len(items):,} items, and an execution enters at most "
            f"{MAX_STATES_ENTERED:,} states ({run.entered:,} so far)"
        )
        return
    _spawn(frame, items, len(items), int(state.get("MaxConcurrency", 0)))
