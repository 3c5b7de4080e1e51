"""The command and group classes every ``las`` command uses, and options that take several values.

A repeatable option declared with :func:`several` takes its values either way: repeated, as
click takes them (``--dataset-id A --dataset-id B``), or listed after one flag, as the official
CLI (lucidtech-las-cli, argparse's ``nargs='+'``) takes them (``--dataset-id A B``). A listed
value is taken only while it is a valid value of the option (an id of the option's kind, a
``KEY=VALUE``, a choice): the first word that is not, or that starts with ``-``, ends the list,
so ``--status running las:workflow:...`` leaves the workflow id to the command's argument.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ._errors import EXIT_USAGE

F = TypeVar("F", bound=Callable[..., Any])


class Several(click.Option):
    """A repeatable option whose values may also be listed after one flag (``--x A B``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["multiple"] = True
        super().__init__(*args, **kwargs)

    def takes(self, ctx: click.Context, word: str) -> bool:
        """Whether ``word``, met after this option's first value, is one more of its values."""
        if word.startswith("-"):
            return False
        try:
            self.type.convert(word, self, ctx)
        except click.UsageError:  # BadParameter: not a value of this option
            return False
        return True


def several(*declarations: str, **settings: Any) -> Callable[[F], F]:
    """``click.option(*declarations, multiple=True)`` that also takes ``--flag A B`` (see the module)."""
    return click.option(*declarations, cls=Several, **settings)


def spread_lists(command: click.Command, ctx: click.Context, args: list[str]) -> list[str]:
    """``args`` with ``--flag A B`` of every :class:`Several` option written ``--flag A --flag B``."""
    by_spelling = {
        spelling: param for param in command.params if isinstance(param, Several) for spelling in param.opts
    }
    if not by_spelling:
        return args
    spread: list[str] = []
    position = 0
    while position < len(args):
        word = args[position]
        spread.append(word)
        position += 1
        if word == "--":  # the end of the options: the rest are arguments
            spread.extend(args[position:])
            break
        option = by_spelling.get(word)
        if option is None or position >= len(args):
            continue
        spread.append(args[position])  # the first value, whatever it is, as click takes it
        position += 1
        while position < len(args) and option.takes(ctx, args[position]):
            spread.extend((word, args[position]))
            position += 1
    return spread


class Command(click.Command):
    """A command whose :func:`several` options also take ``--flag A B``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, spread_lists(self, ctx, args))


class Group(click.Group):
    """A group that, called without a command, shows its help and exits 2 (a usage error).

    click 8.2 does the same through ``NoArgsIsHelpError``; click 8.1 (our floor) exits 0, which
    would tell a script that ``las documents`` did something. Its commands are :class:`Command`.
    """

    command_class = Command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:
            click.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(EXIT_USAGE)
        return super().parse_args(ctx, args)
