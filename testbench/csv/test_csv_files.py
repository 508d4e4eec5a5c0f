#!/usr/bin/env python3
"""Every CSV mmusim writes, read back with Python's csv module (and pandas where installed): field counts, quoting,
numbers, the provenance columns and the sweep's provenance file. scripts/experiment.sh's CSVs are checked by
testbench/experiments/test_experiments.sh with the same checker.

usage: test_csv_files.py MMUSIM
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_csv  # noqa: E402

failures = []


def fail(what):
    failures.append(what)
    print("FAIL:", what)


def mmusim(*args, cwd=None):
    r = subprocess.run([MMUSIM, *args], cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"mmusim {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def checked(path):
    for p in check_csv.check(path):
        fail(p)
    return rows_of(path)


def write_trace(path):
    """A text trace with two processes: loads, stores and fetches over a few dozen pages."""
    lines = []
    for i in range(3000):
        page = (i * 7919) % 40
        lines.append(f"{'RWX'[i % 3]} {0x400000 + page * 4096 + (i % 64) * 8:x} {1 + (i // 500) % 2}\n")
    text = "".join(lines)
    with open(path, "w") as f:
        f.write(text)
    return text


def expect_provenance(row, where, trace, content, changed, engine, config=""):
    want = {
        "provenance.trace": trace,
        "provenance.trace.file_bytes": str(len(content)),
        "provenance.trace.content_bytes": str(len(content)),
        "provenance.trace.crc32": f"{zlib.crc32(content.encode()) & 0xffffffff:08x}",
        "provenance.preset": "",
        "provenance.config": config,
        "provenance.changed": changed,
        "provenance.seed": "1",
        "provenance.engine": engine,
    }
    for k, v in want.items():
        if row.get(k) != v:
            fail(f"{where}: {k} is {row.get(k)!r}, expected {v!r}")
    for k in ("provenance.version", "provenance.revision"):
        if not row.get(k):
            fail(f"{where}: {k} is empty")


def main():
    tmp = tempfile.mkdtemp(prefix="mmusim-csv-")
    trace = os.path.join(tmp, "two.txt")
    content = write_trace(trace)

    # 1. A sweep to stdout with a skipped combination whose reason holds a comma ("...: 0, but an L1 TLB needs ...")
    out = os.path.join(tmp, "stdout.csv")
    with open(out, "w", newline="") as f:
        f.write(mmusim("sweep", "--trace", trace, "--format", "text", "--sweep", "tlb.l1d.entries=0,16",
                       "--sweep", "tlb.l1d.ways=4,full", "-j", "2"))
    rows = checked(out)
    if len(rows) != 4:
        fail(f"{out}: {len(rows)} rows, expected 4")
    skipped = [r for r in rows if r["status"] != "ok"]
    if [r["status"] for r in skipped] != ["skipped: tlb.l1d.entries: 0, but an L1 TLB needs at least 1 entry"] * 2:
        fail(f"{out}: skipped rows' status: {[r['status'] for r in skipped]}")
    for r in skipped:
        if any(r[k] for k in r if not k.startswith("tlb.") and k != "status" and not k.startswith("provenance.")):
            fail(f"{out}: a skipped row holds figures")
    ok = [r for r in rows if r["status"] == "ok"]
    for r in ok:
        if int(r["tlb.l1d.hits"]) + int(r["tlb.l1d.misses"]) != int(r["tlb.l1d.accesses"]):
            fail(f"{out}: hits + misses != accesses")
        changed = "tlb.l1d.entries=16" + (" tlb.l1d.ways=full" if r["tlb.l1d.ways"] == "full" else "")
        expect_provenance(r, out, trace, content, changed, "fast")

    # 2. A sweep into a folder, OS-side figures in some rows only, a config file whose name holds a comma and a quote
    ini = os.path.join(tmp, 'base, "small".ini')
    with open(ini, "w") as f:
        f.write("[tlb.l2]\nentries = 0\n")
    folder = os.path.join(tmp, "sw")
    mmusim("sweep", "--trace", trace, "--format", "text", "--config", ini, "--sweep", "os.thp=never,always",
           "--sweep", "tlb.l1d.entries=8,16", "-j", "2", "-o", folder)
    rows = checked(os.path.join(folder, "sweep.csv"))
    if len(rows) != 4:
        fail(f"{folder}/sweep.csv: {len(rows)} rows, expected 4")
    for r in rows:
        thp = r["os.thp"] == "always"
        if (r.get("os.huge_faults") != "") != thp:
            fail(f"{folder}/sweep.csv: os.huge_faults '{r.get('os.huge_faults')}' with os.thp={r['os.thp']}")
        changed = " ".join(x for x in ["tlb.l1d.entries=" + r["tlb.l1d.entries"], "tlb.l2.entries=0",
                                       "os.thp=always" if thp else ""] if x)
        expect_provenance(r, f"{folder}/sweep.csv", trace, content, changed, "fast", config=ini)
    with open(os.path.join(folder, "sweep.provenance.json")) as f:
        prov = json.load(f)
    expect_provenance({k: str(v) for k, v in prov.items()}, f"{folder}/sweep.provenance.json", trace, content,
                      "tlb.l2.entries=0", "fast", config=ini)
    if prov.get("provenance.sweep.os.thp") != ["never", "always"] or \
            prov.get("provenance.sweep.tlb.l1d.entries") != ["8", "16"]:
        fail(f"{folder}/sweep.provenance.json: swept keys {prov}")

    # 3. The one-pass method
    out = os.path.join(tmp, "stackdist.csv")
    with open(out, "w", newline="") as f:
        f.write(mmusim("sweep", "--trace", trace, "--format", "text", "--method", "stackdist", "--set",
                       "tlb.l1d.ways=full", "--sweep", "tlb.l1d.entries=4,8,64"))
    rows = checked(out)
    if len(rows) != 3 or any(r["provenance.engine"] != "stackdist" for r in rows):
        fail(f"{out}: {len(rows)} rows, engines {[r.get('provenance.engine') for r in rows]}")

    # 4. Two traces (one whose name holds a comma): a first column trace, each row's provenance its trace's; the
    # same CSV merged from three shards; a shard without its first line (pandas: skiprows=1) is a CSV of its own.
    trace2 = os.path.join(tmp, "second, copy.txt")
    content2 = content[: len(content) // 2]
    with open(trace2, "w") as f:
        f.write(content2)
    args = ["sweep", "--trace", trace, "--trace", trace2, "--format", "text", "--sweep", "tlb.l1d.entries=8,16",
            "-j", "2"]
    out = os.path.join(tmp, "two-traces.csv")
    with open(out, "w", newline="") as f:
        f.write(mmusim(*args))
    rows = checked(out)
    if [r.get("trace") for r in rows] != [trace, trace, trace2, trace2]:
        fail(f"{out}: trace column {[r.get('trace') for r in rows]}")
    for r in rows:
        text = content if r["trace"] == trace else content2
        expect_provenance(r, out, r["trace"], text, "tlb.l1d.entries=" + r["tlb.l1d.entries"], "fast")
    shards = []
    for i in (1, 2, 3):
        shard = os.path.join(tmp, f"shard-{i}-of-3.csv")
        with open(shard, "w", newline="") as f:
            f.write(mmusim(*args, "--shard", f"{i}/3"))
        shards.append(shard)
        with open(shard) as f:
            first, rest = f.readline(), f.read()
        if not first.startswith(f"# mmusim sweep-shard {i}/3 of sweep "):
            fail(f"{shard}: first line {first!r}")
        body = shard + ".body.csv"
        with open(body, "w", newline="") as f:
            f.write(rest)
        checked(body)
    merged = os.path.join(tmp, "merged.csv")
    with open(merged, "w", newline="") as f:
        f.write(mmusim("sweep-merge", *shards))
    with open(merged, "rb") as a, open(out, "rb") as b:
        if a.read() != b.read():
            fail(f"{merged}: not the bytes of {out}")

    # The checker itself: it must refuse the file the sweep used to write (a comma in an unquoted status).
    bad = os.path.join(tmp, "bad.csv")
    with open(bad, "w") as f:
        f.write("a,status,b\n1,skipped: x, y,2\n3,\"4\",5\n")
    problems = check_csv.check(bad)
    if not any("record 2 has 4 fields" in p for p in problems) or not any("number 4 is quoted" in p for p in problems):
        fail(f"check_csv.py misses the broken rows of {bad}: {problems}")

    if failures:
        print(f"{len(failures)} failure(s); files kept in {tmp}")
        return 1
    subprocess.run(["rm", "-rf", tmp])
    try:
        import pandas  # noqa: F401
        print("csv files: all good (csv module and pandas)")
    except ImportError:
        print("csv files: all good (csv module; pandas not installed, its part skipped)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        sys.exit(2)
    MMUSIM = sys.argv[1]
    sys.exit(main())
