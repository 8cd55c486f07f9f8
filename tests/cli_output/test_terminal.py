"""What a person at a terminal sees versus what a pipe gets: the progress bar only on a terminal."""

from __future__ import annotations

import io

from leadrelay_tools.cli.output import ProgressBar, print_table


class Terminal(io.StringIO):
    """A stream that says it is a terminal (what a person running the command has)."""

    def isatty(self) -> bool:
        return True


def run_bar(stream: io.StringIO, steps: int = 3) -> str:
    bar = ProgressBar("replaying", steps, stream)
    for done in range(1, steps + 1):
        bar.update(done)
    bar.close()
    return stream.getvalue()


def test_a_long_run_shows_a_progress_bar_on_a_terminal() -> None:
    shown = run_bar(Terminal())
    assert "replaying" in shown
    assert "3/3" in shown


def test_a_pipe_gets_no_progress_bar() -> None:
    assert run_bar(io.StringIO()) == ""


def test_a_table_on_a_pipe_is_plain_text_with_values_escaped() -> None:
    piped = io.StringIO()
    print_table(
        [{"lead": "山田 太郎", "note": "[bold]not markup[/bold]\x1b[31m"}], ["lead", "note"], stream=piped
    )
    text = piped.getvalue()
    assert "\x1b[" not in text  # no colour codes, and the value's own escape code is neutralised
    assert "[bold]not markup[/bold]" in text
    assert "山田 太郎" in text
