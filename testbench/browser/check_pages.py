#!/usr/bin/env python3
"""The lecture pages in a real browser (label browser).

For every worked example of docs/lecture.md that runs `mmusim explain`, and for one `mmusim amat` run: the page is
written with --html, loaded in headless Chromium, and
  - walked through every step (the page's #walk mode presses the right arrow key through all steps, then the back
    button through all of them, logging the text of each step into the DOM, which --dump-dom hands back);
  - each step's text is checked against the numbers and sentences of `--json` of the same command, and the list of
    steps against the one the JSON implies (worked out here, not by the page);
  - opened once more at #step=N, which must show the same step;
  - photographed at that step (PNG files kept in the output folder);
and any error or console message of the page fails the test (the page's own record in #console-errors, and every
CONSOLE line Chromium logs). Nothing is timed: Chromium's virtual time runs the page's scripts to the end.

usage: check_pages.py --mmusim BIN --source DIR --out DIR [--chromium BIN]
Exit status 0 when every page passes, 1 otherwise, 77 when Chromium is missing (CTest: skipped).
"""
import argparse
import html.parser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

INLINE = ("td", "th", "span", "small", "a", "button", "code")
GUARD = 120  # seconds: a hang guard for one browser run, not a timing assertion


def die(msg):
    print("browser: " + msg, file=sys.stderr)
    sys.exit(1)


def lecture_examples(source):
    """The explain commands of docs/lecture.md: a ```sh block holding one `build/sim/mmusim explain` line."""
    text = open(os.path.join(source, "docs", "lecture.md"), encoding="utf-8").read()
    found = []
    for block in re.findall(r"```sh\n(.*?)```\n", text, re.S):
        lines = block.strip("\n").split("\n")
        if len(lines) == 1 and lines[0].startswith("build/sim/mmusim explain "):
            found.append(shlex.split(lines[0])[2:])
    return found


def doc_pages(source):
    """The pages kept in docs/lecture/: a ```sh block "# the page: FILE" then the command that writes it."""
    text = open(os.path.join(source, "docs", "lecture.md"), encoding="utf-8").read()
    return [(path, shlex.split(cmd)[1:])
            for path, cmd in re.findall(r"```sh\n# the page: (\S+)\n(build/sim/mmusim [^\n]*)\n```\n", text)]


def check_doc_page(mmusim, source, out, path, args):
    """A kept page is what its command writes now (pages are deterministic: the same JSON, the same assets)."""
    fresh = os.path.join(out, "doc-" + os.path.basename(path))
    if args.count(path) != 1:
        raise AssertionError("the command does not write " + path)
    args = [fresh if a == path else a for a in args]
    r = subprocess.run([mmusim] + args, cwd=source, capture_output=True, text=True)
    if r.returncode:
        raise AssertionError(r.stderr)
    with open(fresh, "rb") as a, open(os.path.join(source, path), "rb") as b:
        if a.read() != b.read():
            raise AssertionError("%s is out of date: run the command of docs/lecture.md again" % path)
    return None


class Dom(html.parser.HTMLParser):
    """What the test reads from the dumped DOM: the step log, the summary, the console errors, the visible step."""

    def __init__(self):
        super().__init__()
        self.log = []  # (attrs, text) per logged step
        self.errors_count = None
        self.errors = []
        self.summary = ""
        self.app_text = ""
        self.stack = []  # open elements we collect text for: (name, attrs, pieces)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "ol" and a.get("id") == "console-errors":
            self.errors_count = a.get("data-count")
        if a.get("id") in ("test-summary", "app", "console-errors") or (tag == "pre" and "data-dir" in a):
            self.stack.append([tag, a, [], 0])
        elif self.stack and tag == self.stack[-1][0]:
            self.stack[-1][3] += 1  # same tag nested inside a collected element
        if self.stack and tag in ("p", "h2", "h3", "tr", "div", "li", "section"):
            self.stack[-1][2].append("\n")
        if self.stack and tag in INLINE:
            self.stack[-1][2].append(" ")

    def handle_endtag(self, tag):
        if self.stack and tag in INLINE:
            self.stack[-1][2].append(" ")
        if not self.stack or tag != self.stack[-1][0]:
            return
        if self.stack[-1][3]:
            self.stack[-1][3] -= 1
            return
        name, a, pieces, _ = self.stack.pop()
        text = "".join(pieces)
        if self.stack:
            self.stack[-1][2].append(text)
        if a.get("id") == "test-summary":
            self.summary = text
        elif a.get("id") == "app":
            self.app_text = text
        elif a.get("id") == "console-errors":
            self.errors.append(text)
        else:
            self.log.append((a, text))

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2].append(data)


def norm(s):
    """Whitespace as one space; none inside parentheses, where an element boundary put some."""
    return re.sub(r"\s+\)", ")", re.sub(r"\(\s+", "(", " ".join(s.split())))


def flatten(markup):
    """The text of a piece of the page, cells and blocks kept apart, as the test reads #app."""
    d = Dom()
    d.feed('<main id="app">' + markup + "</main>")
    return norm(d.app_text)


class Browser:
    def __init__(self, chromium, out):
        self.chromium = chromium
        self.profile = tempfile.mkdtemp(prefix="mmusim-browser-")
        self.out = out

    def close(self):
        shutil.rmtree(self.profile, ignore_errors=True)

    def run(self, url, *extra):
        cmd = [self.chromium, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
               "--disable-extensions", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
               "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + self.profile,
               "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--window-size=1400,1000"]
        if os.geteuid() == 0:
            cmd.append("--no-sandbox")  # Chromium refuses to run as root inside its sandbox
        r = subprocess.run(cmd + list(extra) + [url], capture_output=True, text=True, timeout=GUARD)
        consoles = [line for line in r.stderr.splitlines() if ":CONSOLE" in line]
        return r, consoles

    def dom(self, url):
        r, consoles = self.run(url, "--dump-dom")
        if r.returncode != 0:
            raise AssertionError("chromium --dump-dom exited %d: %s" % (r.returncode, r.stderr[-2000:]))
        if consoles:
            raise AssertionError("console messages:\n" + "\n".join(consoles))
        d = Dom()
        d.feed(r.stdout)
        d.raw = r.stdout
        if d.errors_count != "0":
            raise AssertionError("the page recorded errors: %s" % " | ".join(d.errors))
        return d

    def screenshot(self, url, png):
        r, consoles = self.run(url, "--screenshot=" + png)
        if consoles:
            raise AssertionError("console messages:\n" + "\n".join(consoles))
        if r.returncode != 0 or not os.path.isfile(png) or os.path.getsize(png) < 1000:
            raise AssertionError("no screenshot %s: %s" % (png, r.stderr[-2000:]))


# ---- explain ----

def expected_steps(j):
    """The steps the page must show, from the JSON alone."""
    steps = [("request", None, None)]
    for ai, a in enumerate(j["attempts"]):
        if ai == 1:
            steps.append(("os", ai, None))
        steps.append(("tlb", ai, None))
        steps += [("walk", ai, si) for si in range(len(a["steps"]))]
        steps.append(("result", ai, None))
    steps.append(("summary", None, None))
    return steps


def expected_text(j, step):
    """Strings the text of a step must contain (or, starting with '!', must not): the JSON's own numbers and
    sentences."""
    kind, ai, si = step
    riscv = j["mode"] in ("sv39", "sv48", "sv57")
    if kind == "request":
        want = [j["vaddr_hex"], j["op"], j["privilege"], j["setup"], j["offset_hex"], j["vpn_hex"]]
        # RISC-V names the index fields as the specification does: VPN[LEVELS-1] (the root's) down to VPN[0]
        names = ["VPN[%d]" % (j["paging"]["levels"] - 1 - k) if riscv else f["name"] for k, f in enumerate(j["fields"])]
        want += ["%s bits %d..%d %d" % (n, f["lsb"] + f["bits"] - 1, f["lsb"], f["index"])
                 for n, f in zip(names, j["fields"])]
        return want
    a = j["attempts"][ai] if ai is not None else None
    if kind == "tlb":
        want = []
        for t in a["tlb"]:
            want += [t["name"], "set %d probed with tag %s" % (t["set"], t["tag_hex"]), t["outcome"]]
            for x in t["entries"]:
                if x["valid"]:
                    want.append("%d 1 %s %s %s %d" % (x["way"], x["tag_hex"], x["vpn_hex"], x["page_hex"], x["level"]))
        return want
    if kind == "walk":
        s = a["steps"][si]
        verb = "Write back" if s["op"] == "write" else "Read"
        want = ["%s %s[%d] at %s" % (verb, s["table_name"], s["index"], s["address_hex"]),
                "cycles %d..%d" % (s["first_cycle"], s["last_cycle"]), s["value_hex"], "Meaning: " + s["meaning"],
                "%s at %s" % (s["table_name"], s["table_hex"])]
        want += ["%s %d" % (f["name"], f["value"]) for f in s["flags"]]
        if riscv:  # the PTE of 4.3.1: V R W X U G A D, none of x86's names
            want += ["V %d" % (s["value"] & 1), "!XD", "!PS", "!P 1", "!P 0"]
        want += ["%d %s" % (x["index"], s["value_hex"] if x["index"] == s["index"] else x["value_hex"])
                 for x in s["table_entries"]]
        # the tables read before, drawn beside: an entry taken shows what the last write-back to it so far left
        for xi, x in enumerate(a["steps"][:si]):
            if x["op"] != "read":
                continue
            value = x["value_hex"]
            for w in a["steps"][xi + 1:si + 1]:
                if w["op"] == "write" and w["address_hex"] == x["address_hex"]:
                    value = w["value_hex"]
            want.append("%d %s" % (x["index"], value))
        return want
    if kind == "result":
        want = [a["result_text"], a["cycles_text"]]
        if a["fault"] and riscv:
            # a RISC-V hart reports scause and stval (Priv 4.1.9, 4.1.10), never x86's error code
            code, name = {"load": (13, "load"), "store": (15, "store/AMO"), "fetch": (12, "instruction")}[j["op"]]
            want += ["scause %d (%s page fault), stval %s" % (code, name, j["vaddr_hex"]),
                     "scause %d exception code: %s page fault" % (code, name),
                     "stval %s the faulting virtual address" % j["vaddr_hex"],
                     "!error code", "!W/R", "!U/S", "!RSVD", "!I/D"]
        elif a["fault"] and a["cause"] != "non-canonical" and j["mode"] == "textbook":
            # the error code is x86's: the textbook system's page shows only the cause
            want.append("!error code")
        elif a["fault"] and a["cause"] != "non-canonical":
            ec = a["error_code"]
            want.append("error code 0x%02x (cause: %s)" % (ec, a["cause"]))
            for bit, name in enumerate(["P", "W/R", "U/S", "RSVD", "I/D"]):
                want.append("%d %s %d" % (bit, name, (ec >> bit) & 1))
        elif not a["fault"]:
            want.append("physical address " + a["paddr_hex"])
        return want
    if kind == "os":
        return [j["os_text"]]
    last = j["attempts"][-1]
    want = [last["result_text"]] + [x["cycles_text"] for x in j["attempts"]]
    for x in j["attempts"]:
        want += ["%s %d..%d" % (g["name"], g["first"], g["last"]) for g in x["stages"]]
    return want


def check_explain(browser, mmusim, source, out, n, args):
    name = "explain-%d" % n
    page = os.path.join(out, name + ".html")
    r = subprocess.run([mmusim, "explain"] + args + ["--json"], cwd=source, capture_output=True, text=True)
    if r.returncode:
        raise AssertionError("explain --json: " + r.stderr)
    j = json.loads(r.stdout)
    r = subprocess.run([mmusim, "explain"] + args + ["--html", page, "--force"], cwd=source, capture_output=True,
                       text=True)
    if r.returncode:
        raise AssertionError("explain --html: " + r.stderr)
    body = open(page, encoding="utf-8").read()
    if re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", body) or "@import" in body or "url(" in body:
        raise AssertionError("the page refers to something outside itself")
    url = "file://" + os.path.abspath(page)
    steps = expected_steps(j)
    d = browser.dom(url + "#walk")
    forward = [(a, t) for a, t in d.log if a.get("data-dir") == "forward"]
    back = [(a, t) for a, t in d.log if a.get("data-dir") == "back"]
    end = [(a, t) for a, t in d.log if a.get("data-dir") == "end"]
    if len(forward) != len(steps):
        raise AssertionError("%d steps shown, the JSON implies %d" % (len(forward), len(steps)))
    texts = {}
    for i, ((a, text), step) in enumerate(zip(forward, steps)):
        if a.get("data-step") != str(i) or a.get("data-kind") != step[0]:
            raise AssertionError("step %d shows %s/%s, expected %s" % (i, a.get("data-step"), a.get("data-kind"),
                                                                       step[0]))
        flat = flatten(text)
        for want in expected_text(j, step):
            if want.startswith("!"):  # a text the step must not show
                if norm(want[1:]) in flat:
                    raise AssertionError("step %d (%s): '%s' should not be in:\n%s" % (i, step[0], want[1:], flat))
            elif norm(want) not in flat:
                raise AssertionError("step %d (%s): no '%s' in:\n%s" % (i, step[0], want, flat))
        texts[i] = flat
    if len(end) != 1 or end[0][0].get("data-step") != str(len(steps) - 1):
        raise AssertionError("the next key went past the last step")
    if [int(a["data-step"]) for a, _ in back] != list(range(len(steps) - 2, -1, -1)):
        raise AssertionError("the back button did not step back one at a time")
    for a, text in back:
        if flatten(text) != texts[int(a["data-step"])]:
            raise AssertionError("step %s shows other text going back" % a["data-step"])
    # opened at #step=N, the page shows step N (the first walk access, else the middle)
    k = next((i for i, s in enumerate(steps) if s[0] == "walk"), len(steps) // 2)
    d = browser.dom(url + "#step=%d" % k)
    if "step=%d steps=%d" % (k, len(steps)) not in d.summary or norm(d.app_text) != texts[k]:
        raise AssertionError("#step=%d did not show step %d: %s" % (k, k, d.summary))
    browser.screenshot(url + "#step=%d" % k, os.path.join(out, "%s-step-%d.png" % (name, k)))
    return len(steps)


# ---- amat ----

def check_amat(browser, mmusim, source, out, args):
    page = os.path.join(out, "amat.html")
    r = subprocess.run([mmusim, "amat"] + args + ["--json"], cwd=source, capture_output=True, text=True)
    if r.returncode:
        raise AssertionError("amat --json: " + r.stderr)
    j = json.loads(r.stdout)
    r = subprocess.run([mmusim, "amat"] + args + ["--html", page, "--force"], cwd=source, capture_output=True,
                       text=True)
    if r.returncode:
        raise AssertionError("amat --html: " + r.stderr)
    url = "file://" + os.path.abspath(page)
    d = browser.dom(url)
    flat = norm(d.app_text)
    want = []
    for t in j["terms"]:
        want.append("%s %s" % (t["name"], t["meaning"]))
        group = lambda x: "(%s)" % x if " " in x else x
        want.append("%s = %s / %s" % (t["name"], group(t["num_of"]), group(t["den_of"])))
        want.append("= %d / %d" % (t["num"], t["den"]))
    for c in j["counters"]:
        want.append("%s %d" % (c["name"], c["value"]))
    want += ["%.4f cycles per translation (formula)" % j["amat_formula"],
             "%.4f cycles per translation (measured)" % j["amat_measured"]]
    for w in want:
        if norm(w) not in flat:
            raise AssertionError("amat page: no '%s' in:\n%s" % (w, flat))
    # each term of the formula links to the row where it was measured, and that row to the counters it divides
    links = set(re.findall(r'<a href="#([A-Za-z0-9_.-]+)"', d.raw))
    ids = set(re.findall(r' id="([A-Za-z0-9_.-]+)"', d.raw))
    for t in j["terms"]:
        if "term-" + t["name"] not in links:
            raise AssertionError("amat page: the formula does not link term %s" % t["name"])
    for c in j["counters"]:
        if "counter-" + c["name"] not in links:
            raise AssertionError("amat page: no link to counter %s" % c["name"])
    if links - ids:
        raise AssertionError("amat page: links to nothing: %s" % sorted(links - ids))
    browser.screenshot(url, os.path.join(out, "amat.png"))
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mmusim", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    o = p.parse_args()
    o.mmusim, o.source, o.out = (os.path.abspath(x) for x in (o.mmusim, o.source, o.out))
    if not o.chromium or not os.access(o.chromium, os.X_OK):
        print("browser: chromium not found (scripts/install-deps.sh installs it): skipped")
        sys.exit(77)
    os.makedirs(o.out, exist_ok=True)
    browser = Browser(o.chromium, o.out)
    passed = failed = 0
    try:
        examples = lecture_examples(o.source)
        if len(examples) < 12:
            die("docs/lecture.md: %d explain examples found, expected at least 12" % len(examples))
        cases = [("explain " + " ".join(a), lambda n=n, a=a: check_explain(browser, o.mmusim, o.source, o.out, n, a))
                 for n, a in enumerate(examples, 1)]
        pages = doc_pages(o.source)
        if len(pages) < 4:
            die("docs/lecture.md: %d kept pages found, expected at least 4" % len(pages))
        cases += [("kept page " + path, lambda path=path, args=args: check_doc_page(o.mmusim, o.source, o.out, path,
                                                                                  args)) for path, args in pages]
        amat_args = ["--preset", "teaching", "--trace", "workloads/sort.lackey.gz"]
        cases.append(("amat " + " ".join(amat_args), lambda: check_amat(browser, o.mmusim, o.source, o.out,
                                                                         amat_args)))
        for label, run in cases:
            try:
                steps = run()
                passed += 1
                print("ok    %s%s" % (label, "" if steps is None else " (%d steps)" % steps))
            except (AssertionError, subprocess.TimeoutExpired, KeyError, ValueError) as e:
                failed += 1
                print("FAIL  %s: %s" % (label, e))
    finally:
        browser.close()
    print("screenshots and pages in " + o.out)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
