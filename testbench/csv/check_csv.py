#!/usr/bin/env python3
"""Checks that CSV files are what a spreadsheet, Python's csv module and pandas read without help (RFC 4180).

usage: check_csv.py FILE...

For each file: a header of distinct, non-empty names; every row with exactly as many fields as the header; no
number in quotes (a quoted number is text to pandas' type guessing only by accident); and, if pandas is installed,
pandas.read_csv with its defaults reads the same shape and gives a numeric column for every column whose cells are all
numbers. Prints one line per problem and exits 1 if there was any, 0 otherwise.
"""
import csv
import io
import re
import sys

NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def quoted_fields(line):
    """The fields of one physical line that were written in quotes (the line must hold a whole record)."""
    out, i, n = [], 0, len(line)
    while i <= n:
        if i < n and line[i] == '"':
            j, text = i + 1, []
            while j < n:
                if line[j] == '"' and j + 1 < n and line[j + 1] == '"':
                    text.append('"')
                    j += 2
                elif line[j] == '"':
                    break
                else:
                    text.append(line[j])
                    j += 1
            out.append("".join(text))
            i = j + 2  # past the closing quote and the comma
        else:
            j = line.find(",", i)
            i = n + 1 if j < 0 else j + 1
    return out


def check(path):
    problems = []
    with open(path, newline="", encoding="utf-8") as f:
        raw = f.read()
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    if not rows:
        return [f"{path}: empty"]
    header = rows[0]
    if any(not h for h in header):
        problems.append(f"{path}: an empty column name in the header")
    if len(set(header)) != len(header):
        problems.append(f"{path}: a column name appears twice in the header")
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            problems.append(f"{path}: record {number} has {len(row)} fields, the header {len(header)}")
    for number, line in enumerate(raw.splitlines(), start=1):
        if line.count('"') % 2:  # a quoted line break: the record spans lines, its quotes are checked as text
            continue
        for field in quoted_fields(line):
            if NUMBER.match(field):
                problems.append(f"{path}: line {number}: the number {field} is quoted")
    numeric = [i for i in range(len(header))
               if any(len(r) > i and r[i] for r in rows[1:])
               and all(len(r) > i and (r[i] == "" or NUMBER.match(r[i])) for r in rows[1:])]
    try:
        import pandas  # optional: the check runs where it is installed
    except ImportError:
        return problems
    try:
        frame = pandas.read_csv(path)
    except Exception as e:  # pandas' own words: "Expected N fields in line M, saw K"
        return problems + [f"{path}: pandas.read_csv: {e}"]
    if frame.shape != (len(rows) - 1, len(header)):
        problems.append(f"{path}: pandas reads {frame.shape}, the csv module {(len(rows) - 1, len(header))}")
    for i in numeric:
        if not pandas.api.types.is_numeric_dtype(frame.dtypes.iloc[i]):
            problems.append(f"{path}: pandas reads column {header[i]} as {frame.dtypes.iloc[i]}, not a number")
    return problems


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    problems = [p for path in paths for p in check(path)]
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
