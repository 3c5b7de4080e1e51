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
* An execution enters at most :data:`MAX_STATES_ENTERED` states (retries and every branch and
  item included), then fails with ``States.Runtime``: an endless loop of instant states would
  otherwise hold the emulator's lock forever.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from las.testing._asl import choice, payload
from las.testing._asl import paths as jsonpath
from las.testing._asl.errors import (
    NO_CHOICE_MATCHED,
    RUNTIME,
    TIMEOUT,
    StatesError,
    Unsupported,
    matches,
)
from las.testing._clock import RESOLUTION, Clock, Timer

MAX_STATES_ENTERED = 25_000  # per execution, like Step Functions' 25,000 history events
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
    children: list[Frame] = field(default_factory=list)
    results: list[Any] = field(default_factory=list)
    pending: deque[tuple[int, Any]] = field(default_factory=deque)  # children not started
    limit: int = 0  # children running at once (0: no limit)
    active: int = 0  # children running
    remaining: int = 0  # children not ended
    pumping: int | None = None  # the visit whose pump loop is on the stack
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
    """The execution of one workflow execution: its root frame and how it ends."""

    def __init__(self, host: Host, definition: dict[str, Any]) -> None:
        self.host = host
        self.root = Frame(self, definition)
        self.over = False
        self.timer: Timer | None = None  # the machine's TimeoutSeconds
        self.entered = 0  # states entered (retries included), across all frames

    def start(self, data: Any, at: str | None = None) -> None:
        """Enter ``StartAt`` (or the state ``at``) with ``data``; arm the machine's
        ``TimeoutSeconds`` (counted from now) if it has one."""
        machine = self.root.machine
        if machine.get("QueryLanguage", "JSONPath") != "JSONPath":
            self.over = True
            cause = Unsupported(f"QueryLanguage {machine['QueryLanguage']!r}").cause
            self.host.finish("failed", {}, f"workflow execution failed: {RUNTIME}: {cause}")
            return
        if "TimeoutSeconds" in machine:
            seconds = machine["TimeoutSeconds"]
            self.timer = self.host.call_at(self.host.clock.now() + seconds, lambda: self._time_out(seconds))
        drive(self.root, ("goto", at or machine["StartAt"], data))

    def close(self) -> None:
        """The execution has ended: nothing more runs."""
        self.over = True
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


# ---------------------------------------------------------------------------------------------
# Driving a frame


def drive(frame: Frame, first: Step | None) -> None:
    """Follow ``first`` and the states after it until the frame waits or ends."""
    step = first
    while step is not None and not frame.done and not frame.run.over:
        kind = step[0]
        if kind == "end":
            _end(frame, step[1])
            return
        if kind == "fail":
            _fail(frame, step[1])
            return
        run = frame.run
        run.entered += 1
        if run.entered > MAX_STATES_ENTERED:
            run.cancel("aborted: the workflow execution entered too many states")
            run.host.finish(
                "failed",
                {},
                f"workflow execution failed: {RUNTIME}: it entered {MAX_STATES_ENTERED} states "
                "(Step Functions stops an execution at 25,000 history events; is there a loop?)",
            )
            return
        if kind == "goto":
            _begin(frame, step[1], step[2])
        else:  # "again": a retry of the current state
            frame.visit += 1
            frame.retry_count += 1
            frame.entered = frame.run.host.clock.iso()
            frame.run.host.log(f"retrying state {frame.name!r} (attempt {frame.retry_count + 1})")
        try:
            step = _start(frame)
        except StatesError as error:
            step = _on_error(frame, error)


def resume(frame: Frame, visit: int, result: Any) -> None:
    """The current state's work produced ``result`` (a Task's output, a Wait's end, ...)."""
    if frame.done or frame.run.over or frame.visit != visit:
        return
    step: Step | None
    try:
        step = _next(frame, _finish(frame, result))
    except StatesError as error:
        step = _on_error(frame, error)
    drive(frame, step)


def raise_in(frame: Frame, visit: int, error: StatesError) -> None:
    """The current state's work failed with ``error``."""
    if frame.done or frame.run.over or frame.visit != visit:
        return
    frame.task = None
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
        effective = payload.parameters(state, _input(frame), frame.context())
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
    frame.effective = payload.parameters(state, _input(frame), frame.context())
    if kind == "Task":
        if not isinstance(frame.effective, dict):
            raise StatesError(
                RUNTIME,
                f"the input of Task {frame.name!r} must be a JSON object (a transition "
                f"execution's input is an object), got {type(frame.effective).__name__}",
            )
        frame.task = frame.run.host.start_task(frame, state, frame.effective)
        return None
    branches = state["Branches"]
    _spawn(frame, [(index, frame.effective) for index in range(len(branches))], 0)
    return None


def _refuse_unsupported(state: dict[str, Any]) -> None:
    for name in ("Arguments", "Output", "Assign", "Credentials", "Items"):
        if name in state:
            raise Unsupported(f"the {state['Type']} field {name!r} (JSONata and variables)")
    if state.get("QueryLanguage", "JSONPath") != "JSONPath":
        raise Unsupported(f"QueryLanguage {state['QueryLanguage']!r}")
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
            raise Unsupported(f"Map ProcessorConfig.Mode {config.get('Mode')!r} (only INLINE runs)")


def _fail_error(frame: Frame) -> StatesError:
    state = frame.state
    values = {}
    for name in ("Error", "Cause"):
        if f"{name}Path" in state:
            values[name] = jsonpath.read(state[f"{name}Path"], frame.raw, frame.context())
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
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
            raise StatesError(RUNTIME, f"SecondsPath of {frame.name!r} must select a non-negative number")
        return now + float(seconds)
    text = (
        state["Timestamp"]
        if "Timestamp" in state
        else jsonpath.read(state["TimestampPath"], frame.effective, frame.context())
    )
    moment: datetime | None = choice.parse_timestamp(text)
    if moment is None:
        raise StatesError(RUNTIME, f"{frame.name!r} waits until {text!r}, which is not an RFC 3339 timestamp")
    return moment.timestamp()


def _output(frame: Frame, data: Any) -> Any:
    return payload.output_path(frame.state, data, frame.context())


def _finish(frame: Frame, result: Any) -> Any:
    """The state's output once its work produced ``result``."""
    frame.timer = None
    frame.task = None
    state = frame.state
    if state["Type"] == "Wait":
        return _output(frame, frame.effective)
    selected = payload.result_selector(state, result, frame.context())
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
            delay = retrier.get("IntervalSeconds", 1) * retrier.get("BackoffRate", 2.0) ** attempts
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
    parent.results[frame.slot] = output
    parent.remaining -= 1
    parent.active -= 1
    _pump(parent)


def _fail(frame: Frame, error: StatesError) -> None:
    frame.done = True
    parent = frame.parent
    run = frame.run
    if parent is None:
        if frame.state["Type"] == "Task" and run.host.manual_retry() and error.name != RUNTIME:
            run.host.pause(frame, f"{error.name}: {error.cause}")
            return
        run.close()
        run.host.finish("failed", {}, f"workflow execution failed: {error.name}: {error.cause}")
        return
    if parent.done or parent.visit != frame.parent_visit:
        return
    for sibling in parent.children:
        if sibling is not frame:
            cancel(sibling, f"aborted: {_describe(frame)} failed with {error.name}")
    parent.pending.clear()
    raise_in(parent, parent.visit, error)


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
    for child in frame.children:
        cancel(child, reason)


# ---------------------------------------------------------------------------------------------
# Parallel and Map


def _spawn(frame: Frame, items: list[tuple[int, Any]], limit: int) -> None:
    frame.children = []
    frame.results = [None] * len(items)
    frame.remaining = len(items)
    frame.active = 0
    frame.limit = limit
    frame.pending = deque(items)
    _pump(frame)


def _pump(frame: Frame) -> None:
    """Start children while the limit allows; resume the state once every child has ended.

    Children that end at once come back here: the loop already on the stack carries on, so a
    long Map of instant items is a loop, not a recursion.
    """
    visit = frame.visit
    if frame.pumping == visit:
        return
    frame.pumping = visit
    try:
        while frame.pending and (frame.limit == 0 or frame.active < frame.limit):
            if frame.done or frame.visit != visit:
                return
            slot, data = frame.pending.popleft()
            frame.active += 1
            _launch(frame, slot, data)
    finally:
        if frame.pumping == visit:
            frame.pumping = None
    if not frame.done and frame.visit == visit and frame.remaining == 0:
        resume(frame, visit, frame.results)


def _launch(frame: Frame, slot: int, data: Any) -> None:
    state = frame.state
    if state["Type"] == "Parallel":
        machine = state["Branches"][slot]
    else:
        machine = state.get("ItemProcessor") or state["Iterator"]
    child = Frame(frame.run, machine, parent=frame, slot=slot, parent_visit=frame.visit)
    frame.children.append(child)
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
    template = "ItemSelector" if "ItemSelector" in state else "Parameters"
    prepared = []
    for index, value in enumerate(items):
        if template in state:
            context = frame.context({"Index": index, "Value": value})
            value = payload.fill(state[template], effective, context)
        prepared.append((index, value))
    _spawn(frame, prepared, int(state.get("MaxConcurrency", 0)))
