"""``python -m bench.rules``: the shipped rule set against hand-written Python on 20,000 synthetic leads.

1. Generates the leads deterministically (``bench.rules.synth``).
2. Checks that the engine (trace off and trace on) and the hand-written reference
   (``bench.rules.reference``) agree on fit, engagement and stage for every lead; prints the
   mismatches and exits 1 if any.
3. Times each (the least CPU time of this process over N rounds, garbage collector off, so other
   work on a shared machine weighs little) and prints leads/s and the ratios, plus the median time
   to load and compile the shipped rules (CPU time, its wall time beside it), each beside its target
   (PASS/FAIL). A third engine line adds what the processor does with a trace (the top-5 reasons
   text), for an honest figure of the production path: trace details are formatted only when read.
   Targets are reported, never asserted: the exit code only says whether the results agree.

This agreement check is the only place the reference is compared with the engine: an admin who
edits ``rules/`` breaks no test, only this benchmark's comparison (update the reference too).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from leadrelay import RuleSet, load_rules
from leadrelay.domain.writeplan import score_reasons_text

from bench.rules import reference
from bench.rules.synth import synthetic_leads

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=timezone(timedelta(hours=9)))
TARGET_TRACE_OFF = 0.8
TARGET_TRACE_ON = 0.5
TARGET_LOAD_MS = 5.0

Contexts = list[dict[str, Any]]


def best_of(repeats: int, contenders: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The least CPU time of ``repeats`` runs of each contender, in seconds, garbage collector off.

    Rounds interleave the contenders (A, B, C, A, B, C, …) so that a change in the machine's load
    during the run (the machine is shared) weighs on all of them alike.
    """
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(repeats):
        for name, run in contenders.items():
            gc.collect()
            gc.disable()
            try:
                started = time.process_time()
                run()
                best[name] = min(best[name], time.process_time() - started)
            finally:
                gc.enable()
    return best


def load_ms(repeats: int) -> tuple[float, float]:
    """Median CPU time and median wall time of ``load_rules`` on the shipped rules (read, parse,
    validate, compile), in ms. The CPU time is the figure: on a shared machine the wall time also
    counts the other processes' turns."""
    cpu, wall = [], []
    for _ in range(repeats):
        started, clock = time.perf_counter(), time.process_time()
        load_rules(RULES_DIR)
        cpu.append((time.process_time() - clock) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def mismatches(rules: RuleSet, contexts: Contexts, stages: Counter[str]) -> list[str]:
    """Every lead on which the engine (trace off or on) and the reference disagree; counts final stages."""
    now_ts = NOW.timestamp()
    problems = []
    for number, context in enumerate(contexts):
        expected = reference.evaluate(context, now_ts)
        stages[expected[2]] += 1
        for trace in (False, True):
            decision = rules.evaluate(context, now=NOW, trace=trace)
            actual = (decision.scores["fit"], decision.scores["engagement"], decision.stage)
            if actual != expected:
                lead = context["lead"]
                problems.append(
                    f"lead #{number} {lead.get('Id')} (trace {'on' if trace else 'off'}): "
                    f"engine fit/engagement/stage {actual} != hand-written {expected}; "
                    f"Title={lead.get('Title')!r} State={lead.get('State')!r} "
                    f"stage was {lead.get('LR_Lifecycle_Stage__c')!r}"
                )
    return problems


def verdict(ok: bool) -> str:
    """PASS / FAIL."""
    return "PASS" if ok else "FAIL"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit 1 only when engine and reference disagree."""
    parser = argparse.ArgumentParser(prog="python -m bench.rules", description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=20_000, help="synthetic leads (default 20000)")
    parser.add_argument("--seed", type=int, default=20261120, help="random seed (default 20261120)")
    parser.add_argument(
        "--repeats", type=int, default=5, help="timing rounds, fastest of each kept (default 5)"
    )
    args = parser.parse_args(argv)

    rules = load_rules(RULES_DIR)
    contexts = synthetic_leads(args.leads, seed=args.seed, now=NOW)
    activities = sum(len(context["activities"]) for context in contexts)
    print(
        f"bench.rules: {len(contexts):,} synthetic leads (seed {args.seed}), {activities:,} activities, "
        f"now {NOW.isoformat()}, rule set {rules.version}"
    )

    stages: Counter[str] = Counter()
    problems = mismatches(rules, contexts, stages)
    if problems:
        for problem in problems[:20]:
            print(f"MISMATCH {problem}")
        print(f"{len(problems)} mismatches (first 20 shown): engine and hand-written reference disagree")
        return 1
    print(f"agreement: all {len(contexts):,} leads identical (fit, engagement, stage), trace off and on")
    print(
        "stages after evaluation: " + ", ".join(f"{name} {count:,}" for name, count in stages.most_common())
    )
    print()

    now_ts = NOW.timestamp()
    evaluate = rules.evaluate
    timings = best_of(
        args.repeats,
        {
            "hand": lambda: [reference.evaluate(context, now_ts) for context in contexts],
            "off": lambda: [evaluate(context, now=NOW) for context in contexts],
            "on": lambda: [evaluate(context, now=NOW, trace=True) for context in contexts],
            "reasons": lambda: [
                score_reasons_text(evaluate(context, now=NOW, trace=True).trace or ()) for context in contexts
            ],
        },
    )
    hand, off, on, reasons = timings["hand"], timings["off"], timings["on"], timings["reasons"]
    load, load_wall = load_ms(51)

    def rate(seconds: float) -> float:
        return len(contexts) / seconds

    print(f"{'hand-written Python':<22}{rate(hand):>10,.0f} leads/s  (best of {args.repeats}: {hand:.3f} s)")
    for label, seconds, target in (
        ("engine, trace off", off, TARGET_TRACE_OFF),
        ("engine, trace on", on, TARGET_TRACE_ON),
    ):
        ratio = hand / seconds
        print(
            f"{label:<22}{rate(seconds):>10,.0f} leads/s  {ratio:5.2f}× hand-written  "
            f"target ≥ {target}×  {verdict(ratio >= target)}"
        )
    print(
        f"{'  + reasons text':<22}{rate(reasons):>10,.0f} leads/s  {hand / reasons:5.2f}× hand-written  "
        "(trace on, then the top-5 reasons the processor writes; details are formatted when read)"
    )
    print(
        f"{'load + compile rules':<22}{load:>10.2f} ms CPU   (median of 51)       "
        f"target ≤ {TARGET_LOAD_MS:g} ms  {verdict(load <= TARGET_LOAD_MS)}  (wall {load_wall:.2f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
