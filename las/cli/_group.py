"""The command group class every ``las`` group uses."""

from __future__ import annotations

import click

from ._errors import EXIT_USAGE


class Group(click.Group):
    """A group that, called without a command, shows its help and exits 2 (a usage error).

    click 8.2 does the same through ``NoArgsIsHelpError``; click 8.1 (our floor) exits 0, which
    would tell a script that ``las documents`` did something.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:
            click.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(EXIT_USAGE)
        return super().parse_args(ctx, args)
