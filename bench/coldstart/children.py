"""The children of ``python -m bench.coldstart``: the runtime packages, the functions compiled as the build
compiles them, and one fresh interpreter per measurement (read-only code: ``-B``)."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from leadrelay.adapters.reading_dictionary import SHARDS_FORMAT

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "functions" / "requirements.txt"
AWS_SERVICES = ROOT / "functions" / "leadrelay" / "adapters" / "aws_services.py"
"""The services whose botocore models the build keeps: the runtime directory is rebuilt when they change
(a deleted model cannot be put back)."""
SLIM_BOTOCORE = ROOT / "functions" / "slim_botocore.py"
"""The build step that slims botocore: the runtime directory is rebuilt when it changes too."""
TARGET_MS, TARGET_MB = 400.0, 128.0
CHILD = """
import json, sys, time
started = time.perf_counter()

def rss_mb():
    # VmHWM: this process's peak resident set since its exec (ru_maxrss would count the parent's fork)
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0

sys.path[:0] = {paths!r}
import importlib
record = {record!r}
if record:  # every pattern re compiles from here to the answer (python -m bench.coldstart --record-patterns)
    import marshal, re._compiler
    compile_anew, recorded = re._compiler.compile, set()
    def recording(pattern, flags=0):
        if type(pattern) in (str, bytes):
            recorded.add((pattern, int(flags)))
        return compile_anew(pattern, flags)
    re._compiler.compile = recording
profile = {profile!r}
if profile:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
module = importlib.import_module({module!r})
imported = time.perf_counter()

class Context:
    function_name = "leadrelay-bench"
    function_version = "1"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:leadrelay-bench"
    aws_request_id = "bench-1"
    def get_remaining_time_in_millis(self):
        return 60000

event = json.loads(open({event!r}, encoding="utf-8").read())
answer = module.handler(event, Context())
served = time.perf_counter()
if profile:
    profiler.disable()
    profiler.dump_stats(profile)
if record:
    with open(record, "wb") as file:
        marshal.dump(sorted(recorded, key=repr), file)
sys.stdout.write("\\nBENCH " + json.dumps({{"import_ms": (imported - started) * 1000,
    "first_event_ms": (served - imported) * 1000, "answer": str(answer)[:200],
    "readings": "pykakasi" in sys.modules, "cpu_ms": time.process_time() * 1000,
    "dependencies": [name for name, loaded in list(sys.modules.items())
                     if name.partition(".")[0] not in sys.stdlib_module_names | {{"leadrelay", "__main__"}}
                     and getattr(loaded, "__spec__", None) is not None],
    "stand_ins": [name for name, loaded in list(sys.modules.items())  # registered, not loaded
                  if "stands_in_for" in vars(loaded)],  # (leadrelay.deferred_modules)
    "rss_mb": rss_mb(), "served_at": time.time()}}) + "\\n")
"""


def runtime_packages() -> Path:
    """The functions' runtime dependencies in their own directory (installed once per requirements file,
    list of kept AWS services, botocore slimming step and Python version: the wheels of compiled
    packages are per version)."""
    key = b"".join(path.read_bytes() for path in (REQUIREMENTS, AWS_SERVICES, SLIM_BOTOCORE))
    key += sys.implementation.cache_tag.encode()
    digest = hashlib.sha256(key).hexdigest()[:12]
    target = ROOT / ".tools" / f"coldstart-{digest}"
    if not (target / ".complete").exists():
        print(f"installing functions/requirements.txt into {target} (once)…", file=sys.stderr)
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--target",
            str(target),
            "-r",
            str(REQUIREMENTS),
        ]
        subprocess.run(command, check=True)  # noqa: S603 - our own interpreter and requirements
        (target / ".complete").touch()
    shards = target / "pykakasi" / "data" / "kanwadict4.shards"
    if not shards.exists() or _first_bytes(shards, len(SHARDS_FORMAT)) != SHARDS_FORMAT:  # as the build
        builder = ROOT / "functions" / "leadrelay" / "adapters" / "reading_dictionary.py"
        command = [sys.executable, "-P", str(builder), str(target / "pykakasi" / "data")]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own script
    if not (target / ".slim-botocore").exists():  # as functions/Makefile does
        command = [sys.executable, "-P", str(SLIM_BOTOCORE), str(target)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own script
        (target / ".slim-botocore").touch()
    if not (target / ".compiled-unchecked-hash").exists():
        compile_unchecked(target)
        (target / ".compiled-unchecked-hash").touch()
    return target


def _first_bytes(path: Path, count: int) -> bytes:
    with path.open("rb") as file:
        return file.read(count)


def compile_unchecked(directory: Path) -> None:
    """Compile ``directory``'s modules as the build does: unchecked-hash ``.pyc`` (PEP 552)."""
    command = [sys.executable, "-m", "compileall", "-q", "-f", "-j", "0"]
    command += ["--invalidation-mode", "unchecked-hash", str(directory)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own interpreter


def built_functions(source: Path, scratch: Path, packages: Path, regex_snapshot: bool = True) -> Path:
    """A copy of ``functions/`` without its development bytecode, compiled as the build compiles it, with
    the build's bytecode archive of it and the runtime ``packages`` beside ``leadrelay/`` (a checkout without
    ``leadrelay/bytecode_archive.py`` gets none, as its build wrote none), and the build's snapshot of the
    regular expressions in its ``regex_patterns.json`` unless ``regex_snapshot`` is false (or the checkout
    has none)."""
    target = scratch / "functions"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "Makefile"))
    compile_unchecked(target)
    writer = target / "leadrelay" / "bytecode_archive.py"
    if writer.is_file():  # roots in the children's sys.path order: the runtime packages, then the functions
        command = [sys.executable, "-P", str(writer), str(target), str(packages), str(target)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own script
    snapshot = target / "leadrelay" / "regex_snapshot.py"
    if regex_snapshot and snapshot.is_file() and (target / "regex_patterns.json").is_file():
        command = [sys.executable, "-P", str(snapshot), str(target), str(target / "regex_patterns.json")]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own script
    return target


def sources_copy(source: Path, scratch: Path) -> Path:
    """A copy of ``functions/`` with no bytecode at all (no ``.pyc``, no archive), as SAM's default
    builder would ship it."""
    target = scratch / "sources" / "functions"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "Makefile"))
    return target


def free_port() -> int:
    """A free TCP port on the loopback interface (for moto's server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_child(
    paths: Sequence[str],
    module: str,
    event: Path,
    env: Mapping[str, str],
    no_bytecode: Path | None = None,
    profile: Path | None = None,
    record: Path | None = None,
) -> dict[str, Any]:
    """One fresh process on read-only code (``-B``): its whole wall time, peak RSS, and its own import and
    first-event times; with ``no_bytecode`` (an empty directory), it finds no ``.pyc`` at all; with
    ``profile``, it writes cProfile statistics of its import and first event there; with ``record``, the
    regular expressions it compiled (marshalled ``(pattern, flags)`` pairs)."""
    code = CHILD.format(
        paths=list(paths),
        module=module,
        event=str(event),
        profile=profile and str(profile),
        record=record and str(record),
    )
    spawned = time.time()
    command = [sys.executable, "-I", "-S", "-B", "-c", code]
    if no_bytecode is not None:  # -I ignores PYTHON* variables; -X pycache_prefix is its flag form
        command[1:1] = ["-X", f"pycache_prefix={no_bytecode}"]
    done = subprocess.run(command, env=dict(env), capture_output=True, text=True, check=False)  # noqa: S603
    report = next((line for line in done.stdout.splitlines() if line.startswith("BENCH ")), None)
    if done.returncode != 0 or report is None:
        raise SystemExit(f"{module} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(report[len("BENCH ") :])
    figures["wall_ms"] = (figures.pop("served_at") - spawned) * 1000  # to the answer, not the exit
    if "batchItemFailures': [{" in str(figures["answer"]):
        raise SystemExit(f"{module} did not apply its first event: {figures['answer']}")
    return figures


def importing(modules: Sequence[str], stand_ins: Sequence[str] = (), functions: Path | None = None) -> str:
    """Code importing ``modules`` in order (a module that only imports as part of its parent is skipped),
    after registering an empty stand-in for each of ``stand_ins`` (modules the function registered and
    never loaded, such as simple-salesforce's Metadata API client: the floor does not load them either;
    ``leadrelay.deferred_modules``), with the garbage collector paused as a function's
    cold start pauses it (``leadrelay.handlers.cold_start``), and with the build's bytecode archive in
    ``functions`` installed as the function installs it (``leadrelay.bytecode_archive``)."""
    archive = ""
    if functions is not None and (functions / "leadrelay" / "bytecode_archive.py").is_file():
        archive = f"sys.path.append({str(functions)!r})\nimport leadrelay  # installs the archive beside it\n"
    return (
        "import gc, importlib, sys, types\n"
        f"{archive}"
        "gc.disable()\n"
        "class StandIn(types.ModuleType):\n"
        "    def __getattr__(self, name):\n"
        "        if name.startswith('__'):\n            raise AttributeError(name)\n"
        "        return type(name, (), {})\n"
        f"for name in {list(stand_ins)!r}:\n    sys.modules[name] = StandIn(name)\n"
        f"for name in {list(modules)!r}:\n"
        "    try:\n        importlib.import_module(name)\n"
        "    except Exception:\n        pass"
    )


def bare(env: Mapping[str, str], code: str) -> float:
    """Milliseconds from spawning a fresh interpreter on the runtime packages alone to the end of ``code``
    (not to its exit: tearing down the imported modules takes tens of milliseconds that a function's
    cold start, measured to its answer, does not include)."""
    command = [
        sys.executable,
        "-I",
        "-S",
        "-B",
        "-c",
        f"import sys; sys.path[:0] = {[str(runtime_packages())]!r}\n{code}\n"
        "import time\nsys.stdout.write('\\nDONE %r\\n' % time.time())",
    ]
    spawned = time.time()
    done = subprocess.run(command, env=dict(env), check=True, capture_output=True, text=True)  # noqa: S603
    finished = float(done.stdout.rsplit("DONE ", 1)[1])
    return (finished - spawned) * 1000


def best_of(repeats: int, measure: Callable[[], float]) -> float:
    """The least of ``repeats`` measurements."""
    return min(measure() for _ in range(repeats))
