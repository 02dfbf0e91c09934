"""Benchmark arcticroute's solver against scipy, networkx and cspy on the same arcs.

Run from the project root::

    .venv/bin/python benchmarks/run.py                # 62.5k, 250k and 1M-node lattices
    .venv/bin/python benchmarks/run.py --quick        # small sizes only (smoke test, ~20 s)
    .venv/bin/python benchmarks/run.py --sizes 250000 --repeat 3

Every (instance, solver) pair runs in its own subprocess, so that its peak memory
(``ru_maxrss``) is its own and its first call pays the JIT cache load (or compile) afresh.
Prints an aligned table and writes ``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = Path(os.environ.get("ARCTICROUTE_BENCH_SRC", ROOT / "src"))
"""The source tree of arcticroute that gets measured (``--src``; default the project's)."""
for _p in (HERE, SRC):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import numpy as np  # noqa: E402

_t0 = time.perf_counter()
import arcticroute.solver  # noqa: E402, F401  (loads or compiles the numba kernels)

IMPORT_SECONDS = time.perf_counter() - _t0
"""Seconds to import the solver in this process: numba's cache load, or its JIT compile."""

import instances  # noqa: E402

FULL_SIZES = (62_500, 250_000, 1_000_000)
QUICK_SIZES = (10_000, 40_000)
NETWORKX_MAX_NODES = 250_000
CSPY_SIDES = (20, 30, 40)
QUICK_CSPY_SIDES = (20,)
REFUEL_H = 1.0 / 3.0  # a 20-minute refuelling stop
MAX_LABELS = 20_000_000  # about 2.6 GB of labels: a guard, not a tuning knob
WORKER_TIMEOUT_S = 1800.0
SLOW_CALL_S = 5.0  # a first call slower than this gets a single warm run
VERY_SLOW_CALL_S = 120.0  # ... and slower than this, none (its time is the first call's)
MIN_TIMED_S = 1.0  # fast calls get more warm runs, until this many seconds of them ...
MAX_FAST_RUNS = 50  # ... but no more than this

# family -> keyword arguments of solve() (besides graph, origin, target)
FAMILIES: dict[str, dict[str, Any]] = {
    "static": {"capacity_l": instances.HUGE_TANK_L},
    "weather": {"capacity_l": instances.HUGE_TANK_L, "weather": True},
    "weather-inf": {"capacity_l": math.inf, "weather": True},
    "range60": {"capacity_l": 60.0, "refuel_h": REFUEL_H},
    "range30": {"capacity_l": 30.0, "refuel_h": REFUEL_H},
    "weather60": {"capacity_l": 60.0, "refuel_h": REFUEL_H, "weather": True},
}

# Families measured without a target in the solver's issue: where the solver is still slow
# (README, "Where it is still slow"; docs/architecture.md, "A tank under changing
# weather"), kept in the table so that it shows.
OPEN_FAMILIES = ("weather60",)

# Targets on the 2-core reference machine (largest lattice), as ratios to scipy.
TARGET_RATIO = {"static": 1.5, "weather": 1.5, "range60": 4.0, "range30": 12.0}
TARGET_NX_SPEEDUP = 30.0
TARGET_PEAK_MB = 1024.0


# --------------------------------------------------------------------------------------------
# Measurement helpers (run inside the worker processes)
# --------------------------------------------------------------------------------------------


def _rss_mb() -> float:
    """Peak resident set size of this process so far, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """First-call seconds, median of the warm calls, and the last value.

    ``repeat`` warm calls, more for fast ones (until `MIN_TIMED_S` of them, at most
    `MAX_FAST_RUNS`). A first call slower than `SLOW_CALL_S` gets one warm run only, and
    one slower than `VERY_SLOW_CALL_S` none (the JIT cache load is then noise).
    """
    t0 = time.perf_counter()
    value = fn()
    first = time.perf_counter() - t0
    warm: list[float] = []
    runs = repeat if first < SLOW_CALL_S else min(repeat, 1) if first < VERY_SLOW_CALL_S else 0
    # fast calls run on until MIN_TIMED_S of them: a median of three 20 ms calls moves
    # with the machine's noise by a third, which is the whole of a growth factor's margin
    while len(warm) < runs or (runs > 0 and len(warm) < MAX_FAST_RUNS and sum(warm) < MIN_TIMED_S):
        t0 = time.perf_counter()
        value = fn()
        warm.append(time.perf_counter() - t0)
    return first, statistics.median(warm) if warm else first, value


def _name(n_nodes: int) -> str:
    side = instances.side_for(n_nodes)
    n = side * side
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"lattice-{n // 1_000_000}M"
    return f"lattice-{n / 1000:g}k"


# --------------------------------------------------------------------------------------------
# Instance solvers (public: the smoke test in tests/test_terrain.py calls them)
# --------------------------------------------------------------------------------------------


def solve_family(lat: instances.Lattice, family: str) -> tuple[Callable[[], Any], dict[str, Any]]:
    """A zero-argument callable running our solver on one family, and its parameters."""
    from arcticroute.solver import solve

    kwargs = dict(FAMILIES[family])
    if kwargs.pop("weather", False):
        kwargs["weather"] = instances.weather_table(lat.graph, lat.origin, lat.target)

    def call() -> Any:
        return solve(lat.graph, lat.origin, lat.target, max_labels=MAX_LABELS, **kwargs)

    return call, kwargs


def _answer(result: Any) -> float:
    return float(result.plans[0].arrive_h) if result.feasible else math.inf


def worker_ours(size: int, family: str, repeat: int) -> dict[str, Any]:
    base = _rss_mb()
    t0 = time.perf_counter()
    lat = instances.build_lattice(size)
    call, kwargs = solve_family(lat, family)
    build = time.perf_counter() - t0
    # The second call on a graph and tank may build the depot catchments (see
    # `arcticroute.solver._catchments`): timed on its own, before the warm calls.
    first, warm, result = _time(call, 0)
    second, warm, result = _time(call, repeat)
    plan = result.plans[0] if result.feasible else None
    return {
        "solver": "arcticroute",
        "nodes": lat.graph.n_nodes,
        "arcs": lat.graph.n_arcs,
        "seconds": warm,
        "first_call_seconds": first,
        "second_call_seconds": second,
        "build_seconds": build,
        "import_seconds": IMPORT_SECONDS,
        "labels_settled": int(result.labels_settled),
        "answer_h": _answer(result),
        "reason": result.reason,
        "refuelled_l": None if plan is None else float(plan.refuelled_l),
        "waits": None if plan is None else sum(s.kind == "wait" for s in plan.steps),
        "peak_mb": _rss_mb(),
        "base_mb": base,
        "capacity_l": kwargs["capacity_l"],
    }


def worker_scipy(size: int, repeat: int) -> dict[str, Any]:
    import baselines

    base = _rss_mb()
    t0 = time.perf_counter()
    lat = instances.build_lattice(size)
    matrix = baselines.scipy_graph(lat.graph)
    build = time.perf_counter() - t0
    first, warm, dist = _time(lambda: baselines.scipy_query(matrix, lat.origin), repeat)
    return {
        "solver": "scipy",
        "nodes": lat.graph.n_nodes,
        "arcs": lat.graph.n_arcs,
        "seconds": warm,
        "first_call_seconds": first,
        "build_seconds": build,
        "labels_settled": int(np.isfinite(dist).sum()),
        "answer_h": float(dist[lat.target]),
        "peak_mb": _rss_mb(),
        "base_mb": base,
    }


def worker_networkx(size: int, repeat: int) -> dict[str, Any]:
    import baselines

    base = _rss_mb()
    t0 = time.perf_counter()
    lat = instances.build_lattice(size)
    g = baselines.networkx_graph(lat.graph)
    build = time.perf_counter() - t0
    first, warm, hours = _time(
        lambda: baselines.networkx_query(g, lat.origin, lat.target), max(1, min(repeat, 3))
    )
    return {
        "solver": "networkx",
        "nodes": lat.graph.n_nodes,
        "arcs": lat.graph.n_arcs,
        "seconds": warm,
        "first_call_seconds": first,
        "build_seconds": build,
        "labels_settled": None,
        "answer_h": hours,
        "peak_mb": _rss_mb(),
        "base_mb": base,
    }


def cspy_pair(side: int) -> tuple[Callable[[], Any], Callable[[], Any], dict[str, Any]]:
    """Our solver and cspy on one fuel-limited grid without depots (same capacity)."""
    import baselines
    from arcticroute.solver import solve

    graph, origin, target, capacity = instances.fuel_limited_grid(side)
    g = baselines.cspy_graph(graph, origin, target)

    def ours() -> Any:
        return solve(graph, origin, target, capacity_l=capacity)

    def theirs() -> tuple[float, list[Any]]:
        return baselines.cspy_query(g, capacity)

    info = {"nodes": graph.n_nodes, "arcs": graph.n_arcs, "capacity_l": capacity}
    return ours, theirs, info


def worker_cspy(side: int, repeat: int) -> list[dict[str, Any]]:
    ours, theirs, info = cspy_pair(side)
    rows = []
    o_first, o_warm, o_res = _time(ours, repeat)
    c_first, c_warm, (c_cost, _) = _time(theirs, max(1, min(repeat, 3)))
    for solver, first, warm, answer, settled in (
        ("arcticroute", o_first, o_warm, _answer(o_res), o_res.labels_settled),
        ("cspy", c_first, c_warm, c_cost, None),
    ):
        rows.append(
            {
                "solver": solver,
                **info,
                "seconds": warm,
                "first_call_seconds": first,
                "labels_settled": settled,
                "answer_h": answer,
                "peak_mb": _rss_mb(),
            }
        )
    return rows


PAIR_FAMILIES = ("static", "range60", "range30")
"""Families of the many-queries measurement (``--pairs``)."""


def worker_pairs(size: int, family: str, count: int) -> dict[str, Any]:
    """One warm call per seeded random pair (`instances.random_pairs`): the spread.

    The main query is one pair; users ask about many. Each range answer is checked
    against the static answer of the same pair (a finite tank can only arrive later).
    """
    from arcticroute.solver import solve

    lat = instances.build_lattice(size)
    kwargs = dict(FAMILIES[family])
    pairs = instances.random_pairs(lat, count)
    # Warm-up, timed apart from the pairs: the first call; then what a batch study on one
    # graph pays once, the builds that a graph's second query makes (the depot catchments
    # at this tank when the main query needs stops; the landmarks at a second query that
    # the earliest-arrival search answers).
    main = (lat.origin, lat.target)
    t0 = time.perf_counter()
    solve(lat.graph, *main, max_labels=MAX_LABELS, **kwargs)
    first = time.perf_counter() - t0 + IMPORT_SECONDS
    t0 = time.perf_counter()
    solve(lat.graph, *main, max_labels=MAX_LABELS, **kwargs)
    for _ in range(2):
        solve(lat.graph, *main, **FAMILIES["static"])
    second = time.perf_counter() - t0
    seconds, labels, answers, floors = [], [], [], []
    for origin, target in pairs:
        t0 = time.perf_counter()
        result = solve(lat.graph, origin, target, max_labels=MAX_LABELS, **kwargs)
        seconds.append(time.perf_counter() - t0)
        labels.append(int(result.labels_settled))
        answers.append(_answer(result))
        calm = (
            result if family == "static" else solve(lat.graph, origin, target, **FAMILIES["static"])
        )
        floors.append(_answer(calm))
    ordered = sorted(seconds)
    return {
        "solver": "arcticroute",
        "nodes": lat.graph.n_nodes,
        "arcs": lat.graph.n_arcs,
        "pairs": count,
        "seconds": statistics.median(seconds),
        "p90_seconds": ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)],
        "max_seconds": ordered[-1],
        "total_seconds": sum(seconds),
        "seconds_each": seconds,
        "labels_each": labels,
        "answers_h": answers,
        "floors_h": floors,
        "first_call_seconds": first,
        "second_call_seconds": second,
        "peak_mb": _rss_mb(),
    }


def worker_profile(size: int, family: str) -> dict[str, Any]:
    """Where one warm call of our solver spends its time, kernel by kernel.

    Wraps the public numba kernels (which `solve` calls through the module attribute)
    with timers, and reads the number of labels the multi-label search created (each one
    a heap push) from the kernel's return value, which `solve` does not pass on.
    """
    from arcticroute import _kernels

    lat = instances.build_lattice(size)
    call, _ = solve_family(lat, family)
    call()  # warm
    spent: dict[str, float] = {}
    created: list[int] = []
    originals = {
        name: fn
        for name, fn in vars(_kernels).items()
        if not name.startswith("_") and hasattr(fn, "py_func")  # the public numba kernels
    }
    for name, fn in originals.items():

        def timed(*args: Any, _fn: Any = fn, _name: str = name) -> Any:
            t0 = time.perf_counter()
            out = _fn(*args)
            spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - t0
            if _name == "label_search":
                created.append(int(out[2]))
            return out

        setattr(_kernels, name, timed)
    try:
        t0 = time.perf_counter()
        result = call()
        total = time.perf_counter() - t0
    finally:
        for name, fn in originals.items():
            setattr(_kernels, name, fn)
    return {
        "total_seconds": total,
        "kernel_seconds": spent,
        "python_seconds": total - sum(spent.values()),
        "labels_settled": int(result.labels_settled),
        "labels_created": created[0] if created else None,
        "nodes": lat.graph.n_nodes,
    }


def _worker(spec: dict[str, Any]) -> Any:
    kind = spec["kind"]
    if kind == "ours":
        return worker_ours(spec["size"], spec["family"], spec["repeat"])
    if kind == "scipy":
        return worker_scipy(spec["size"], spec["repeat"])
    if kind == "networkx":
        return worker_networkx(spec["size"], spec["repeat"])
    if kind == "cspy":
        return worker_cspy(spec["side"], spec["repeat"])
    if kind == "profile":
        return worker_profile(spec["size"], spec["family"])
    if kind == "pairs":
        return worker_pairs(spec["size"], spec["family"], spec["count"])
    msg = f"unknown worker kind {kind!r}"
    raise ValueError(msg)


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------


def _spawn(spec: dict[str, Any], env: dict[str, str] | None = None) -> Any:
    """Run one worker in a fresh interpreter and return its JSON answer."""
    full_env = dict(os.environ if env is None else env)
    paths = [str(SRC), str(HERE), full_env.get("PYTHONPATH", "")]
    full_env["ARCTICROUTE_BENCH_SRC"] = str(SRC)
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    try:
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
            capture_output=True,
            text=True,
            env=full_env,
            check=False,
            timeout=WORKER_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as err:
        msg = f"worker {spec} ran longer than {WORKER_TIMEOUT_S:.0f} s"
        raise TimeoutError(msg) from err
    if proc.returncode != 0:
        msg = f"worker {spec} failed:\n{proc.stderr[-3000:]}"
        raise RuntimeError(msg)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _close(a: float, b: float, rel: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def _fmt(value: Any, spec: str) -> str:
    if value is None:
        return "-"
    return format(value, spec)


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    """Aligned table of all measured rows."""
    head = (
        f"{'instance':<26} {'solver':<11} {'nodes':>9} {'arcs':>10} {'seconds':>9} "
        f"{'first s':>8} {'2nd s':>8} {'x scipy':>8} {'lab/node':>8} {'peak MB':>8} "
        f"{'answer h':>10}  check"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['instance']:<26} {r['solver']:<11} {r['nodes']:>9,} {r['arcs']:>10,} "
            f"{r['seconds']:>9.4f} {r['first_call_seconds']:>8.3f} "
            f"{_fmt(r.get('second_call_seconds'), '8.3f'):>8} "
            f"{_fmt(r.get('ratio_vs_scipy'), '8.2f'):>8} "
            f"{_fmt(r.get('labels_per_node'), '8.4f'):>8} {_fmt(r.get('peak_mb'), '8.0f'):>8} "
            f"{r['answer_h']:>10.4f}  {r.get('check', '')}"
        )


def run(
    sizes: Sequence[int],
    cspy_sides: Sequence[int],
    repeat: int,
    *,
    networkx: bool = True,
    cold_jit: bool = True,
    profile: bool = False,
    pairs: int = 0,
    out: Path | None = None,
) -> dict[str, Any]:
    """Measure everything, print the table and summary, return (and write) the JSON."""
    rows: list[dict[str, Any]] = []
    # Populate numba's cache for this source tree, so no measured worker pays the compile.
    _spawn({"kind": "ours", "size": 2_500, "family": "range30", "repeat": 0})
    _spawn({"kind": "ours", "size": 2_500, "family": "weather", "repeat": 0})
    notes: list[str] = []
    for size in sizes:
        inst = _name(size)
        print(f"# {inst}: scipy ...", file=sys.stderr, flush=True)
        sc = _spawn({"kind": "scipy", "size": size, "repeat": repeat})
        sc.update(instance=f"{inst}/calm", ratio_vs_scipy=1.0, check="reference")
        sc["labels_per_node"] = sc["labels_settled"] / sc["nodes"]
        rows.append(sc)
        for family in FAMILIES:
            print(f"# {inst}: arcticroute {family} ...", file=sys.stderr, flush=True)
            try:
                r = _spawn({"kind": "ours", "size": size, "family": family, "repeat": repeat})
            except TimeoutError:
                rows.append(
                    {
                        "instance": f"{inst}/{family}",
                        "solver": "arcticroute",
                        "nodes": sc["nodes"],
                        "arcs": sc["arcs"],
                        "seconds": math.inf,
                        "first_call_seconds": math.inf,
                        "answer_h": math.nan,
                        "check": f"TIMEOUT (> {WORKER_TIMEOUT_S:.0f} s)",
                    }
                )
                continue
            r.update(instance=f"{inst}/{family}")
            r["first_call_seconds"] += r["import_seconds"]
            r["ratio_vs_scipy"] = r["seconds"] / sc["seconds"]
            r["labels_per_node"] = r["labels_settled"] / r["nodes"]
            if not math.isfinite(r["answer_h"]) and "max_labels" in r["reason"]:
                r["check"] = f"LABEL LIMIT ({MAX_LABELS:,} labels created), no answer"
            elif not math.isfinite(r["answer_h"]):
                r["check"] = f"INFEASIBLE: {r['reason'][:60]}"
            elif family == "static":
                ok = _close(r["answer_h"], sc["answer_h"])
                r["check"] = "= scipy" if ok else "MISMATCH vs scipy"
            else:
                ok = math.isfinite(r["answer_h"]) and r["answer_h"] >= sc["answer_h"] - 1e-9
                r["check"] = ">= scipy" if ok else "INVALID (< scipy or infeasible)"
                if "refuel_h" in FAMILIES[family]:
                    r["check"] += f", {r['refuelled_l']:.0f} L refuelled"
                if "weather" in FAMILIES[family]:
                    r["check"] += f", {r['waits']} waits"
            rows.append(r)
            if profile:
                p = _spawn({"kind": "profile", "size": size, "family": family})
                r["profile"] = p
                kernels = ", ".join(f"{k} {v:.3f} s" for k, v in p["kernel_seconds"].items())
                notes.append(
                    f"profile {inst}/{family}: {p['total_seconds']:.3f} s = {kernels}, "
                    f"python {p['python_seconds']:.3f} s; labels settled "
                    f"{p['labels_settled'] / p['nodes']:.3f}/node, created (heap pushes) "
                    f"{(p['labels_created'] or 0) / p['nodes']:.3f}/node"
                )
        for family in PAIR_FAMILIES if pairs > 0 else ():
            print(f"# {inst}: arcticroute {family}, {pairs} pairs ...", file=sys.stderr, flush=True)
            r = _spawn({"kind": "pairs", "size": size, "family": family, "count": pairs})
            r.update(instance=f"{inst}/{family}-pairs")
            r["ratio_vs_scipy"] = r["seconds"] / sc["seconds"]
            r["labels_per_node"] = statistics.median(r["labels_each"]) / r["nodes"]
            r["answer_h"] = statistics.median(r["answers_h"])
            worse = [a for a, f in zip(r["answers_h"], r["floors_h"], strict=True) if a < f - 1e-9]
            unanswered = sum(not math.isfinite(a) for a in r["answers_h"])
            r["check"] = (
                f"{pairs} pairs: p90 {r['p90_seconds']:.2f} s, max {r['max_seconds']:.2f} s"
                + (f", {unanswered} infeasible" if unanswered else "")
                + (f", INVALID: {len(worse)} earlier than static" if worse else "")
            )
            rows.append(r)
        if networkx and size <= NETWORKX_MAX_NODES:
            print(f"# {inst}: networkx ...", file=sys.stderr, flush=True)
            nx_row = _spawn({"kind": "networkx", "size": size, "repeat": repeat})
            nx_row.update(instance=f"{inst}/calm")
            nx_row["ratio_vs_scipy"] = nx_row["seconds"] / sc["seconds"]
            ok = _close(nx_row["answer_h"], sc["answer_h"])
            nx_row["check"] = "= scipy" if ok else "MISMATCH vs scipy"
            rows.append(nx_row)
    for side in cspy_sides:
        print(f"# cspy grid {side}x{side} ...", file=sys.stderr, flush=True)
        ours_row, cspy_row = _spawn({"kind": "cspy", "side": side, "repeat": repeat})
        ok = _close(ours_row["answer_h"], cspy_row["answer_h"], rel=1e-7)
        for r in (ours_row, cspy_row):
            r["instance"] = f"fuel-limited-{side}x{side}"
            r["check"] = f"tank {r['capacity_l']:.1f} L, " + ("equal" if ok else "MISMATCH")
            if r["labels_settled"] is not None:
                r["labels_per_node"] = r["labels_settled"] / r["nodes"]
        ours_row["ratio_vs_cspy"] = ours_row["seconds"] / cspy_row["seconds"]
        rows += [ours_row, cspy_row]

    jit = None
    if cold_jit and sizes:
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            print("# cold JIT compile ...", file=sys.stderr, flush=True)
            spec = {"kind": "ours", "size": min(sizes), "family": "static", "repeat": 1}
            cold = _spawn(spec, env)
            jit = cold["import_seconds"] + cold["first_call_seconds"] - cold["seconds"]

    print_table(rows)
    summary = _summary(rows, sizes, jit)
    print()
    for line in summary:
        print(line)
    for note in notes:
        print()
        print(note)
    payload = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "source": {
            "path": str(SRC),
            **{
                f"{name}_sha256": hashlib.sha256(
                    (SRC / "arcticroute" / f"{name}.py").read_bytes()
                ).hexdigest()[:16]
                for name in ("solver", "_kernels", "terrain")
            },
        },
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "repeat": repeat,
        "jit_compile_seconds": jit,
        "rows": rows,
        "summary": summary,
    }
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(payload, indent=2, default=float) + "\n")
        print(f"\nwrote {out}")
    return payload


def _summary(rows: Sequence[dict[str, Any]], sizes: Sequence[int], jit: float | None) -> list[str]:
    lines = []
    by = {(r["instance"], r["solver"]): r for r in rows}
    if sizes:
        big = _name(max(sizes))
        for family, limit in TARGET_RATIO.items():
            r = by.get((f"{big}/{family}", "arcticroute"))
            if r is not None:
                ratio = r.get("ratio_vs_scipy", math.inf)
                verdict = "ok" if ratio <= limit else "MISSED"
                lines.append(
                    f"{big} {family:<8} {ratio:6.2f}x scipy (target <= {limit:g}x): {verdict}"
                )
        # the benchmark's queries, and apart from them the random pairs (each worker's
        # peak is its worst pair's)
        for what, pairs_rows in (("compile + query", False), ("random pairs", True)):
            peaks = {
                r["instance"]: r["peak_mb"]
                for r in rows
                if r["solver"] == "arcticroute"
                and r.get("peak_mb")
                and "lattice" in r["instance"]
                and ("pairs" in r) == pairs_rows
                and r["instance"].rsplit("/", 1)[-1] not in OPEN_FAMILIES
            }
            if peaks:
                worst = max(peaks, key=lambda k: peaks[k])
                verdict = "ok" if peaks[worst] <= TARGET_PEAK_MB else "MISSED"
                lines.append(
                    f"peak memory, {what}: {peaks[worst]:.0f} MB on {worst} "
                    f"(target <= {TARGET_PEAK_MB:.0f} MB): {verdict}"
                )
        for family in OPEN_FAMILIES:
            r = by.get((f"{big}/{family}", "arcticroute"))
            if r is not None:
                lines.append(
                    f"{big} {family} (no target in the issue): {r['seconds']:.2f} s, "
                    f"{r.get('ratio_vs_scipy', math.inf):.1f}x scipy, "
                    f"{r['labels_settled']:,} labels, peak {r.get('peak_mb', 0.0):.0f} MB"
                )
    for size in sizes:
        inst = _name(size)
        nx_row = by.get((f"{inst}/calm", "networkx"))
        ours = by.get((f"{inst}/static", "arcticroute"))
        if nx_row and ours:
            speedup = nx_row["seconds"] / ours["seconds"]
            verdict = "ok" if speedup >= TARGET_NX_SPEEDUP else "MISSED"
            lines.append(
                f"speedup vs networkx on {inst}: {speedup:.1f}x (target >= 30x): {verdict}"
            )
    if len(sizes) > 1:
        lo, hi = min(sizes), max(sizes)
        n_lo = by[(f"{_name(lo)}/calm", "scipy")]["nodes"]
        n_hi = by[(f"{_name(hi)}/calm", "scipy")]["nodes"]
        nlogn = (n_hi * math.log(n_hi)) / (n_lo * math.log(n_lo))
        parts = []
        for solver, fam in [("scipy", "calm"), *(("arcticroute", f) for f in FAMILIES)]:
            a = by.get((f"{_name(lo)}/{fam}", solver))
            b = by.get((f"{_name(hi)}/{fam}", solver))
            if a and b:
                label = solver if solver == "scipy" else fam
                parts.append(f"{label} {b['seconds'] / a['seconds']:.1f}x")
        lines.append(
            f"growth {_name(lo)} -> {_name(hi)} (n log n predicts {nlogn:.1f}x): "
            + ", ".join(parts)
        )
    for r in rows:
        if r.get("second_call_seconds", 0.0) > 2.0 * r["seconds"] + 1.0:
            lines.append(
                f"{r['instance']}: the second call took {r['second_call_seconds']:.1f} s "
                "(it builds the graph's landmarks or its depot catchments for the tank, "
                "which later calls reuse)"
            )
    for r in rows:
        if "pairs" in r:
            lines.append(
                f"{r['instance']}: {r['pairs']} random pairs, median {r['seconds']:.3f} s "
                f"({r['ratio_vs_scipy']:.2f}x scipy), p90 {r['p90_seconds']:.3f} s, "
                f"max {r['max_seconds']:.3f} s, {r['total_seconds']:.1f} s in all"
            )
    for r in rows:
        if "ratio_vs_cspy" in r:
            lines.append(
                f"{r['instance']}: arcticroute {1 / r['ratio_vs_cspy']:.0f}x faster than cspy, "
                f"{r['check']}"
            )
    if jit is not None:
        lines.append(
            f"JIT compile from an empty numba cache: {jit:.1f} s (import + first call, once)"
        )
    words = ("MISMATCH", "INVALID", "INFEAS")
    bad = [r for r in rows if any(w in r.get("check", "") for w in words)]
    cut = [r for r in rows if any(w in r.get("check", "") for w in ("TIMEOUT", "LABEL LIMIT"))]
    if cut:
        lines.append(f"unfinished: {', '.join(r['instance'] for r in cut)} (no answer to check)")
    lines.append("answers: all agree" if not bad else f"answers: {len(bad)} DISAGREE")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (smoke test)")
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(float(x)) for x in s.split(",")],
        help="comma-separated lattice sizes in nodes (default 62500,250000,1000000)",
    )
    parser.add_argument("--repeat", type=int, default=None, help="warm runs per timing (median)")
    parser.add_argument("--no-networkx", action="store_true", help="skip networkx")
    parser.add_argument("--no-cspy", action="store_true", help="skip the cspy family")
    parser.add_argument("--no-cold-jit", action="store_true", help="skip the cold JIT timing")
    parser.add_argument(
        "--profile", action="store_true", help="time the kernels of one call per family"
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=0,
        help="also time this many seeded random pairs per lattice (static, 60 L, 30 L)",
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "results" / "latest.json", help="JSON output file"
    )
    parser.add_argument(
        "--src",
        type=Path,
        help="arcticroute source tree to measure (e.g. a frozen copy of src/); default src/",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(json.loads(args.worker)), default=float))
        return 0
    if args.src is not None:
        global SRC
        SRC = args.src.resolve()
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    repeat = args.repeat if args.repeat is not None else (3 if args.quick else 5)
    sides = () if args.no_cspy else (QUICK_CSPY_SIDES if args.quick else CSPY_SIDES)
    payload = run(
        sizes,
        sides,
        repeat,
        networkx=not args.no_networkx,
        cold_jit=not args.no_cold_jit,
        profile=args.profile,
        pairs=args.pairs,
        out=args.out,
    )
    return 0 if payload["summary"][-1] == "answers: all agree" else 1


if __name__ == "__main__":
    raise SystemExit(main())
