"""The Amazon States Language, as the emulator runs it: paths, intrinsic functions, Choice
rules, the static checks of a definition, and the runner of executions.

Modules: :mod:`.errors` (the language's error names), :mod:`.paths` (the JSONPath subset),
:mod:`.intrinsics` (``States.*`` functions), :mod:`.payload` (``Parameters``/``ResultSelector``
templates and the ``InputPath``/``ResultPath``/``OutputPath`` steps), :mod:`.choice` (Choice
rules), :mod:`.definition` (checks at ``POST /workflows``), :mod:`.runner` (executions) and
:mod:`.limits` (what bounds them all, and the measure of JSON values).
"""
