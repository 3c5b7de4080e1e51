"""Checks of a state machine at ``POST /workflows`` (spec: "Structure of a State Machine",
"States", "Choice Rules", "Parallel State", "Map State", "Retrying after error").

:func:`problems` lists every rule a definition breaks, each as ``"<where>: <rule>"``, where
``<where>`` names the state (``States.route.Choices[0].Next``). Rules checked, for the top
machine and every ``Parallel`` branch and ``Map`` processor:

* ``StartAt`` names a state; ``States`` is a non-empty object; names are at most 80 characters;
  a machine has only the fields of the language (``Comment``, ``StartAt``, ``States``,
  ``TimeoutSeconds``, ``Version``, ``QueryLanguage``; ``ProcessorConfig`` in a Map's processor).
* ``Type`` is a state type of the language; a state has only the fields its type allows.
* ``Task``, ``Pass``, ``Wait``, ``Parallel`` and ``Map`` have exactly one of ``Next`` and
  ``"End": true``; ``Choice``, ``Succeed`` and ``Fail`` have neither. Every ``Next`` (and a
  Choice's ``Default``, a Catcher's ``Next``) names a state of the same machine.
* ``Choice`` has a non-empty ``Choices`` of valid rules (see :mod:`.choice`).
* ``Wait`` has exactly one of ``Seconds``, ``Timestamp``, ``SecondsPath``, ``TimestampPath``.
* ``Parallel`` has non-empty ``Branches``; ``Map`` has an ``ItemProcessor`` (or ``Iterator``).
* ``Retry``/``Catch`` (only on ``Task``, ``Parallel``, ``Map``): non-empty ``ErrorEquals`` of
  strings, ``States.ALL`` alone and last; ``MaxAttempts`` >= 0, ``IntervalSeconds`` >= 1,
  ``BackoffRate`` >= 1, ``MaxDelaySeconds`` >= 1.
* Paths are paths (reference paths where the language says so); ``.$`` values of templates
  are paths or intrinsic function calls.
* Every state is reachable from ``StartAt``, and from every state a terminal state (``End``,
  ``Succeed``, ``Fail``) is reachable.
* The emulator's limits (:mod:`.limits`), checked first and without recursion: nesting depth,
  finite numbers, the number of states; then Parallel/Map nesting, intrinsic nesting, and times
  in seconds up to 99,999,999.

Every check takes time linear in the size of the definition; messages quote values briefly.

A ``Task``'s ``Resource`` must be a transition of the emulator: the caller checks that.
"""

from __future__ import annotations

from typing import Any

from las.testing._asl import choice, intrinsics, paths
from las.testing._asl.limits import MAX_MACHINE_NESTING, MAX_SECONDS, MAX_STATES, brief, cut, walk_depth

COMMON = {"Type", "Comment", "QueryLanguage"}
IO = {"InputPath", "OutputPath"}
FIELDS: dict[str, set[str]] = {
    "Pass": COMMON | IO | {"Next", "End", "Parameters", "ResultPath", "Result", "Assign"},
    "Task": COMMON
    | IO
    | {
        "Next",
        "End",
        "Resource",
        "Parameters",
        "ResultSelector",
        "ResultPath",
        "Retry",
        "Catch",
        "TimeoutSeconds",
        "TimeoutSecondsPath",
        "HeartbeatSeconds",
        "HeartbeatSecondsPath",
        "Credentials",
        "Arguments",
        "Output",
        "Assign",
    },
    "Choice": COMMON | IO | {"Choices", "Default", "Assign", "Output"},
    "Wait": COMMON | IO | {"Next", "End", "Seconds", "Timestamp", "SecondsPath", "TimestampPath", "Assign"},
    "Succeed": COMMON | IO | {"Output"},
    "Fail": COMMON | {"Error", "Cause", "ErrorPath", "CausePath"},
    "Parallel": COMMON
    | IO
    | {
        "Next",
        "End",
        "Branches",
        "Parameters",
        "ResultSelector",
        "ResultPath",
        "Retry",
        "Catch",
        "Arguments",
        "Output",
        "Assign",
    },
    "Map": COMMON
    | IO
    | {
        "Next",
        "End",
        "Iterator",
        "ItemProcessor",
        "ItemsPath",
        "Items",
        "ItemSelector",
        "Parameters",
        "MaxConcurrency",
        "MaxConcurrencyPath",
        "ItemReader",
        "ItemBatcher",
        "ResultWriter",
        "ResultSelector",
        "ResultPath",
        "Retry",
        "Catch",
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCount",
        "ToleratedFailureCountPath",
        "Label",
        "Arguments",
        "Output",
        "Assign",
    },
}
WITH_NEXT = ("Task", "Pass", "Wait", "Parallel", "Map")
SHOWN_NAMES = 10  # state names a message lists
TERMINAL_TYPES = ("Succeed", "Fail")
WAIT_FIELDS = ("Seconds", "Timestamp", "SecondsPath", "TimestampPath")
MAX_NAME = 80
MACHINE_FIELDS = ("Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage")


def problems(definition: Any) -> list[str]:
    """Every rule the state machine ``definition`` breaks (empty: valid), in time linear in
    its size. The emulator's limits (:mod:`.limits`) are checked first, without recursion, so
    that the checks after them never meet a definition too deep to walk."""
    found = walk_depth(definition)
    if found is not None:
        where, rule = found
        return [f"{where or 'definition'}: {rule}"]
    count = _count_states(definition)
    if count > MAX_STATES:
        return [f"States: the definition has {count:,} states in all; the emulator's limit is {MAX_STATES:,}"]
    return _machine_problems(definition, "", 0)


def _count_states(machine: Any) -> int:
    states = machine.get("States") if isinstance(machine, dict) else None
    if not isinstance(states, dict):
        return 0
    count = len(states)
    for state in states.values():
        if not isinstance(state, dict):
            continue
        branches = state.get("Branches")
        for inner in [
            *(branches if isinstance(branches, list) else []),
            state.get("ItemProcessor"),
            state.get("Iterator"),
        ]:
            count += _count_states(inner)
    return count


def _names(states: dict[str, Any]) -> str:
    """Some names of ``states``, for a message."""
    shown = ", ".join(list(states)[:SHOWN_NAMES])
    return shown + (f", ... ({len(states)} in all)" if len(states) > SHOWN_NAMES else "")


def _machine_problems(definition: Any, where: str, depth: int) -> list[str]:
    prefix = f"{where}." if where else ""
    if depth > MAX_MACHINE_NESTING:
        return [
            f"{where}: Parallel and Map states nest more than {MAX_MACHINE_NESTING} deep (the emulator's limit)"
        ]
    if not isinstance(definition, dict):
        return [f"{where or 'definition'}: a state machine must be an object"]
    states = definition.get("States")
    if not isinstance(states, dict) or not states:
        return [f"{prefix}States: a state machine must have a non-empty States object"]
    found = [
        f"{prefix}{cut(field, 80)}: a state machine has no field {brief(field)}"
        for field in definition
        if field not in MACHINE_FIELDS
        and not (where.endswith(".ItemProcessor") and field == "ProcessorConfig")
    ]
    if "TimeoutSeconds" in definition:
        found += _seconds(definition["TimeoutSeconds"], f"{prefix}TimeoutSeconds", minimum=1)
    start = definition.get("StartAt")
    if "StartAt" not in definition:
        found.append(f"{prefix}StartAt: a state machine must have a StartAt naming its first state")
    elif not isinstance(start, str) or start not in states:
        found.append(f"{prefix}StartAt: must name one of the States ({_names(states)}), got {brief(start)}")
    for name, state in states.items():
        here = f"{prefix}States.{cut(name, MAX_NAME)}"
        if len(name) > MAX_NAME:
            found.append(f"{here}: a state name has at most {MAX_NAME} characters")
        found += _state_problems(name, state, states, here, depth)
    if not found:
        found += _graph_problems(str(start), states, prefix)
    return found


def _state_problems(name: str, state: Any, states: dict[str, Any], here: str, depth: int) -> list[str]:
    if not isinstance(state, dict):
        return [f"{here}: a state must be an object"]
    kind = state.get("Type")
    if not isinstance(kind, str) or kind not in FIELDS:
        return [f"{here}.Type: unknown state type {brief(kind)}; the language has {', '.join(FIELDS)}"]
    found = [
        f"{here}.{cut(field, 80)}: a {kind} state has no field {brief(field)}"
        for field in state
        if field not in FIELDS[kind]
    ]
    if kind in WITH_NEXT:
        has_next, has_end = "Next" in state, state.get("End") is True
        if has_next == has_end:
            found.append(f'{here}: a {kind} state must have exactly one of Next and "End": true')
        if "End" in state and state["End"] is not True:
            found.append(f"{here}.End: must be true when present")
    if has_next_field(state):
        found += _target(state["Next"], states, f"{here}.Next")
    found += _path_problems(state, here)
    found += _template_problems(state, here)
    if kind == "Parallel":
        found += _parallel_problems(state, here, depth)
    elif kind == "Map":
        found += _map_problems(state, here, depth)
    else:
        found += _CHECKS[kind](state, states, here)
    if kind in ("Task", "Parallel", "Map"):
        found += _error_handling_problems(state, states, here)
    return found


def has_next_field(state: dict[str, Any]) -> bool:
    return "Next" in state and state.get("Type") in WITH_NEXT


def _target(target: Any, states: dict[str, Any], where: str) -> list[str]:
    if not isinstance(target, str) or target not in states:
        return [f"{where}: must name a state of the same machine ({_names(states)}), got {brief(target)}"]
    return []


def _seconds(value: Any, where: str, minimum: int) -> list[str]:
    """Problems of a time in seconds: an integer from ``minimum`` to :data:`MAX_SECONDS`."""
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= MAX_SECONDS:
        return [
            f"{where}: must be an integer from {minimum} to {MAX_SECONDS} (as in Step Functions), got {brief(value)}"
        ]
    return []


def _path_problems(state: dict[str, Any], here: str) -> list[str]:
    found = []
    for field in (
        "InputPath",
        "OutputPath",
        "ResultPath",
        "ItemsPath",
        "SecondsPath",
        "TimestampPath",
        "ErrorPath",
        "CausePath",
    ):
        if field not in state or (
            state[field] is None and field in ("InputPath", "OutputPath", "ResultPath")
        ):
            continue
        try:
            paths.check(state[field], reference=field in ("ResultPath", "ItemsPath"))
        except paths.PathSyntaxError as error:
            found.append(f"{here}.{field}: {error}")
    return found


def _template_problems(state: dict[str, Any], here: str) -> list[str]:
    found: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith(".$"):
                    if not isinstance(value, str):
                        found.append(f"{where}.{key}: a '.$' field takes a path or an intrinsic function")
                    elif intrinsics.is_intrinsic(value):
                        try:
                            intrinsics.check(value)
                        except intrinsics.IntrinsicSyntaxError as error:
                            found.append(f"{where}.{key}: {error}")
                    else:
                        try:
                            paths.check(value)
                        except paths.PathSyntaxError as error:
                            found.append(f"{where}.{key}: {error}")
                else:
                    walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{where}[{index}]")

    for field in ("Parameters", "ResultSelector", "ItemSelector"):
        if field in state:
            walk(state[field], f"{here}.{field}")
    return found


def _task_problems(state: dict[str, Any], states: dict[str, Any], here: str) -> list[str]:
    found = []
    if "Resource" not in state:
        found.append(f"{here}.Resource: a Task state must name its Resource (a transition id)")
    for field in ("TimeoutSeconds", "HeartbeatSeconds"):
        if field in state:
            found += _seconds(state[field], f"{here}.{field}", minimum=1)
    timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
    if isinstance(timeout, int) and isinstance(heartbeat, int) and heartbeat >= timeout:
        found.append(f"{here}.HeartbeatSeconds: must be smaller than TimeoutSeconds")
    return found


def _pass_problems(state: dict[str, Any], states: dict[str, Any], here: str) -> list[str]:
    return []


def _succeed_problems(state: dict[str, Any], states: dict[str, Any], here: str) -> list[str]:
    return []


def _fail_problems(state: dict[str, Any], states: dict[str, Any], here: str) -> list[str]:
    found = []
    for field in ("Error", "Cause"):
        if field in state and f"{field}Path" in state:
            found.append(f"{here}: a Fail state has at most one of {field} and {field}Path")
        if field in state and not isinstance(state[field], str):
            found.append(f"{here}.{field}: must be a string")
    return found


def _choice_problems(state: dict[str, Any], states: dict[str, Any], here: str) -> list[str]:
    rules = state.get("Choices")
    if not isinstance(rules, list) or not rules:
        return [f"{here}.Choices: a Choice state must have a non-empty array of Choices"]
    found = []
    for index, rule in enumerate(rules):
        where = f"{here}.Choices[{index}]"
        found += choice.check_rule(rule, where, top=True)
        if isinstance(rule, dict) and isinstance(rule.get("Next"), str):
            found += _target(rule["Next"], states, f"{where}.Next")
    if "Default" in state:
        found += _target(state["Default"], states, f"{here}.Default")
    return found


def _wait_problems(state: dict[str, Any], states: dict[str, Any], here: str) -> list[str]:
    used = [field for field in WAIT_FIELDS if field in state]
    if len(used) != 1:
        return [
            f"{here}: a Wait state has exactly one of {', '.join(WAIT_FIELDS)}; found {', '.join(used) or 'none'}"
        ]
    field = used[0]
    value = state[field]
    if field == "Seconds":
        return _seconds(value, f"{here}.Seconds", minimum=0)
    if field == "Timestamp" and choice.parse_timestamp(value) is None:
        return [
            f"{here}.Timestamp: must be an RFC 3339 timestamp like '2026-01-31T12:00:00Z', got {brief(value)}"
        ]
    return []


def _parallel_problems(state: dict[str, Any], here: str, depth: int) -> list[str]:
    branches = state.get("Branches")
    if not isinstance(branches, list) or not branches:
        return [f"{here}.Branches: a Parallel state must have a non-empty array of Branches"]
    found: list[str] = []
    for index, branch in enumerate(branches):
        found += _machine_problems(branch, f"{here}.Branches[{index}]", depth + 1)
    return found


def _map_problems(state: dict[str, Any], here: str, depth: int) -> list[str]:
    found: list[str] = []
    processors = [field for field in ("ItemProcessor", "Iterator") if field in state]
    if len(processors) != 1:
        found.append(f"{here}: a Map state must have exactly one of ItemProcessor and Iterator")
    else:
        found += _machine_problems(state[processors[0]], f"{here}.{processors[0]}", depth + 1)
        config = (
            state[processors[0]].get("ProcessorConfig", {}) if isinstance(state[processors[0]], dict) else {}
        )
        if not isinstance(config, dict) or not isinstance(config.get("Mode", "INLINE"), str):
            found.append(f"{here}.{processors[0]}.ProcessorConfig: must be an object whose Mode is a string")
    if "ItemSelector" in state and "Parameters" in state:
        found.append(f"{here}: a Map state has at most one of ItemSelector and Parameters")
    value = state.get("MaxConcurrency", 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        found.append(f"{here}.MaxConcurrency: must be a non-negative integer, got {brief(value)}")
    return found


def _error_handling_problems(state: dict[str, Any], states: dict[str, Any], here: str) -> list[str]:
    found: list[str] = []
    for field in ("Retry", "Catch"):
        if field not in state:
            continue
        entries = state[field]
        if not isinstance(entries, list):
            found.append(f"{here}.{field}: must be an array")
            continue
        for index, entry in enumerate(entries):
            where = f"{here}.{field}[{index}]"
            if not isinstance(entry, dict):
                found.append(f"{where}: must be an object")
                continue
            errors = entry.get("ErrorEquals")
            if not isinstance(errors, list) or not errors or not all(isinstance(e, str) for e in errors):
                found.append(f"{where}.ErrorEquals: must be a non-empty array of error names")
            elif "States.ALL" in errors and (len(errors) > 1 or index != len(entries) - 1):
                last = "Catcher" if field == "Catch" else "Retrier"
                found.append(f"{where}.ErrorEquals: States.ALL must appear alone, in the last {last}")
            if field == "Catch":
                found += _target(entry.get("Next"), states, f"{where}.Next")
                if "ResultPath" in entry and entry["ResultPath"] is not None:
                    try:
                        paths.check(entry["ResultPath"], reference=True)
                    except paths.PathSyntaxError as error:
                        found.append(f"{where}.ResultPath: {error}")
            else:
                found += _retrier_problems(entry, where)
    return found


def _retrier_problems(entry: dict[str, Any], where: str) -> list[str]:
    found = []
    for field, minimum in (("MaxAttempts", 0), ("IntervalSeconds", 1), ("MaxDelaySeconds", 1)):
        if field in entry:
            found += _seconds(entry[field], f"{where}.{field}", minimum)
    value = entry.get("BackoffRate", 1.0)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 1.0:
        found.append(f"{where}.BackoffRate: must be a number >= 1.0, got {brief(value)}")
    return found


_CHECKS = {
    "Task": _task_problems,
    "Pass": _pass_problems,
    "Choice": _choice_problems,
    "Wait": _wait_problems,
    "Succeed": _succeed_problems,
    "Fail": _fail_problems,
}


def successors(state: dict[str, Any]) -> list[str]:
    """Names of the states ``state`` may go to next."""
    found: list[str] = []
    if has_next_field(state):
        found.append(state["Next"])
    if state.get("Type") == "Choice":
        found += [
            rule["Next"] for rule in state.get("Choices", []) if isinstance(rule, dict) and "Next" in rule
        ]
        if "Default" in state:
            found.append(state["Default"])
    found += [catcher["Next"] for catcher in state.get("Catch", []) if isinstance(catcher, dict)]
    return found


def is_terminal(state: dict[str, Any]) -> bool:
    return state.get("Type") in TERMINAL_TYPES or state.get("End") is True


def _graph_problems(start: str, states: dict[str, Any], prefix: str) -> list[str]:
    """Unreachable states, and states no terminal state can be reached from: one search from
    ``StartAt`` along the transitions and one from the terminal states against them."""
    reached = _search([start], {name: successors(state) for name, state in states.items()})
    found = [
        f"{prefix}States.{name}: unreachable; no path from StartAt {brief(start)} leads to it"
        for name in states
        if name not in reached
    ]
    predecessors: dict[str, list[str]] = {name: [] for name in states}
    for name, state in states.items():
        for target in successors(state):
            predecessors[target].append(name)
    ending = _search([name for name, state in states.items() if is_terminal(state)], predecessors)
    found += [
        f"{prefix}States.{name}: no path from this state reaches a terminal state (End, Succeed or Fail)"
        for name in states
        if name not in ending and name in reached
    ]
    return found


def _search(starts: list[str], edges: dict[str, list[str]]) -> set[str]:
    """Every name reachable from ``starts`` along ``edges``."""
    reached = set(starts)
    queue = list(starts)
    while queue:
        for name in edges[queue.pop()]:
            if name not in reached:
                reached.add(name)
                queue.append(name)
    return reached
