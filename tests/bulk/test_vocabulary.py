"""las.bulk speaks the SDK's vocabulary: entities by name (dataset=, model), workers as max_workers."""

from __future__ import annotations

import inspect

import las.bulk

FUNCTIONS = [
    getattr(las.bulk, name) for name in las.bulk.__all__ if inspect.isfunction(getattr(las.bulk, name))
]


def test_no_public_function_takes_an_id_named_argument_or_another_word_for_workers() -> None:
    assert len(FUNCTIONS) >= 7
    for function in FUNCTIONS:
        for parameter in inspect.signature(function).parameters:
            assert not parameter.endswith("_id"), f"{function.__name__}({parameter}=)"
            assert parameter not in ("max_concurrency", "concurrency", "workers"), (
                f"{function.__name__}({parameter}=)"
            )


def test_ingest_and_predict_take_a_session_and_max_workers_as_keywords() -> None:
    for function in (las.bulk.ingest, las.bulk.predict):
        parameters = inspect.signature(function).parameters
        for name in ("session", "max_workers", "on_progress"):
            assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, (function.__name__, name)
