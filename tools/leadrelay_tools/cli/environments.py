"""``--org local|config`` for the commands that read the org and the activity store (``rules explain
--record``, ``export``): the ``LEADRELAY_*`` settings, or moto and a local org in this process, seeded and
replayed through the real functions first (their own output silenced)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from leadrelay.settings import Settings

from leadrelay_tools.replay.environ import quiet_functions


class SeedError(ValueError):
    """The local run's seed file cannot be read (the message names it)."""


@contextmanager
def function_settings(
    org: str,
    *,
    rules_path: Path,
    seed: Path | None = None,
    replay: Path | None = None,
    secrets: Path | None = None,
) -> Iterator[Settings]:
    """The functions' settings for ``org`` (``config`` or ``local``); an unreadable seed file raises
    :class:`SeedError` naming it."""
    if org == "config":
        yield Settings.from_env()
        return
    # local mode only: moto and the local org stay out of `--org config` runs
    from leadrelay_tools.replay.lines import read_lines
    from leadrelay_tools.replay.local import local_environment, read_seed
    from leadrelay_tools.replay.runner import Replayer

    try:
        records = read_seed(seed) if seed else None
    except ValueError as error:
        raise SeedError(str(error)) from None
    with (
        quiet_functions(verbose=False),
        local_environment(rules_path=rules_path, secrets_file=secrets, seed=records) as env,
    ):
        if replay:
            Replayer(env.settings).replay(read_lines(replay))
        yield env.settings
