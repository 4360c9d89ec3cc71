#!/usr/bin/python3
"""The S3 benchmark suite (issue 7): `bale bench s3` against `bale serve` and
against the reference ceilings, in one run, on this machine.

Cases: 4 KiB, 64 KiB and 1 MiB PUT and GET at 1, 16 and 64 connections; LIST
of 1,000 keys; mixed 90/10 GET/PUT of 4 KiB; the client's own ceiling against
`bale bench null-server`. Ceilings: nginx (Debian nginx-light) serving files of
the same sizes from page cache, driven by the same `bale bench s3 --workload
get` (nginx ignores the signature); `bale bench store` durable writes at the
same sizes and writer counts for PUT. Writes a section of docs/benchmarks.md
(between markers, other sections untouched) and a gnuplot PNG of throughput
and p99 against connections.

usage: suite.py --bale PATH [--seconds 3] [--warmup 1] [--list-objects 1000000]
                [--doc docs/benchmarks.md] [--plot docs/bench-s3-suite.png] [--no-doc]
Needs: nginx-light, gnuplot-nox, python3-boto3 (Debian packages).
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

KEY, SECRET = "BENCHSUITE0000000001", "bench-suite-secret-00000000000000000000"
BUCKET = "suite"
SIZES = [("4 KiB", "4KiB", 4096, 1000), ("64 KiB", "64KiB", 65536, 1000),
         ("1 MiB", "1MiB", 1 << 20, 200)]  # label, flag, bytes, objects read by GET
CONNECTIONS = [1, 16, 64]
MARK_BEGIN = "<!-- bench-s3-suite:begin (tools/dev bench writes this section) -->"
MARK_END = "<!-- bench-s3-suite:end -->"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "bench"))
from bench_server import free_port, wait_listening  # noqa: E402  (shared with the other bench scripts)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Suite:
    def __init__(self, a, tmp):
        self.a, self.tmp = a, tmp
        self.results = {}   # (kind, size label, connections) -> bench JSON
        self.commands = []  # one example command per kind of case
        self.procs = []
        self.load_start = self.load_average()

    @staticmethod
    def load_average():
        return " ".join(open("/proc/loadavg").read().split()[:3])

    # --- servers -----------------------------------------------------------
    def start_bale(self):
        port = free_port()
        proc = subprocess.Popen(
            [self.a.bale, "serve", "--data", os.path.join(self.tmp, "bale"),
             "--listen", "127.0.0.1:%d" % port, "--log-level", "warning"],
            env=dict(os.environ, BALE_ROOT_ACCESS_KEY=KEY, BALE_ROOT_SECRET_KEY=SECRET),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        wait_listening(port, proc, "bale serve")
        self.bale = "http://127.0.0.1:%d" % port
        import boto3
        from botocore.config import Config
        boto3.client("s3", endpoint_url=self.bale, region_name="us-east-1",
                     aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                     config=Config(signature_version="s3v4")).create_bucket(Bucket=BUCKET)

    def start_nginx(self):
        www = os.path.join(self.tmp, "www")
        for label, flag, size, count in SIZES:
            d = os.path.join(www, BUCKET, "nginx-" + flag.lower())
            os.makedirs(d)
            body = os.urandom(size)
            for i in range(count):
                with open(os.path.join(d, "%010d" % i), "wb") as f:
                    f.write(body)
        port = free_port()
        conf = os.path.join(self.tmp, "nginx.conf")
        t = self.tmp
        with open(conf, "w") as f:
            f.write("daemon off; worker_processes auto; pid %s/nginx.pid; error_log %s/nginx.log;\n"
                    "events { worker_connections 4096; }\n"
                    "http { access_log off; sendfile on; keepalive_requests 1000000;\n"
                    "  client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s;\n"
                    "  uwsgi_temp_path %s; scgi_temp_path %s;\n"
                    "  server { listen 127.0.0.1:%d; root %s; } }\n"
                    % (t, t, t, t, t, t, t, port, www))
        proc = subprocess.Popen(["/usr/sbin/nginx", "-c", conf, "-p", self.tmp],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        wait_listening(port, proc, "nginx")
        self.nginx = "http://127.0.0.1:%d" % port
        # Read every file once so GETs are served from page cache.
        for root, _, files in os.walk(www):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    f.read()

    def start_null_server(self):
        proc = subprocess.Popen([self.a.bale, "bench", "null-server", "--listen", "127.0.0.1:0"],
                                stdout=subprocess.PIPE, text=True)
        self.procs.append(proc)
        line = proc.stdout.readline()
        self.null = "http://" + line.split()[-1]

    # --- cases -------------------------------------------------------------
    def bench(self, key, endpoint, args, example=None):
        cmd = [self.a.bale, "bench", "s3", "--endpoint", endpoint, "--json"] + args
        env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if out.returncode != 0 or not out.stdout.strip():
            sys.exit("failed (%d): %s\n%s" % (out.returncode, " ".join(cmd), out.stderr))
        r = json.loads(out.stdout)
        r["client_cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if r["errors"]:  # a figure of failed requests means nothing: stop, say which
            sys.exit("failed: %d of %d requests answered errors %s %s: %s"
                     % (r["errors"], r["ops"], r["s3_errors"], r["network_errors"], " ".join(cmd)))
        if key is not None:
            self.results[key] = r
            print("  %-28s %9.0f ops/s %9.1f MiB/s  p50 %7.3f ms  p99 %7.3f ms  errors %d"
                  % (" ".join(str(k) for k in key), r["ops_per_sec"], r["mib_per_sec"],
                     r["latency_us"]["p50"] / 1000, r["latency_us"]["p99"] / 1000, r["errors"]),
                  flush=True)
        if example and example not in [c[0] for c in self.commands]:
            self.commands.append((example, self.shown(cmd)))
        return r

    def shown(self, cmd):
        """The command as the docs show it: no ports or temporary paths."""
        names = {self.a.bale: "bale", self.bale: "$BALE", self.nginx: "$NGINX",
                 self.null: "$NULL_SERVER"}
        return " ".join(names.get(c, c.replace(self.tmp, "$TMP")) for c in cmd)

    def timing(self):
        return ["--duration", "%ds" % self.a.seconds, "--warmup", "%ds" % self.a.warmup]

    def run_cases(self):
        common = ["--bucket", BUCKET, "--threads", "1"]
        print("client ceiling (bench s3 -> null-server, one client thread):", flush=True)
        self.bench(("ceiling", "4 KiB", 64), self.null,
                   common + ["--workload", "get", "--prefix", "none", "--no-prepare", "--keep",
                             "--connections", "64", "--warmup", "0",
                             "--duration", "%ds" % self.a.seconds], "client ceiling")
        for label, flag, size, count in SIZES:
            prefix = "get-" + flag.lower()
            print("%s GET (bale serve, then nginx):" % label, flush=True)
            self.bench(None, self.bale, common + [
                "--workload", "get", "--size", flag, "--objects", str(count), "--prefix", prefix,
                "--keep", "--ops", "1", "--warmup", "0", "--connections", "16"], "prepare GET objects")
            for c in CONNECTIONS:
                read = common + ["--workload", "get", "--objects", str(count), "--no-prepare",
                                 "--keep", "--connections", str(c)] + self.timing()
                self.bench(("get", label, c), self.bale, read + ["--prefix", prefix], "GET")
                self.bench(("nginx", label, c), self.nginx,
                           read + ["--prefix", "nginx-" + flag.lower()], "GET from nginx")
            print("%s PUT (bale serve, fresh keys, each durable before its 200), then the "
                  "engine's durable writes of the same size:" % label, flush=True)
            for c in CONNECTIONS:
                self.bench(("put", label, c), self.bale, common + [
                    "--workload", "put", "--size", flag, "--connections", str(c)] + self.timing(),
                    "PUT")
            # Right after the PUTs, so both see the disk in the same state (its
            # fdatasync latency drifts when others write to it).
            self.run_store(flag)
        n = self.a.list_objects
        print("LIST of 1,000 keys among %d (preparing them first):" % n, flush=True)
        listing = common + ["--workload", "list", "--objects", str(n), "--prefix", "list",
                            "--list-keys", "1000", "--keep"]
        self.bench(None, self.bale, listing + ["--size", "0", "--connections", "64", "--ops", "1",
                                               "--warmup", "0"], "prepare LIST objects")
        for c in (1, 16):
            self.bench(("list", "1000 of %d" % n, c), self.bale, listing + [
                "--no-prepare", "--connections", str(c)] + self.timing(), "LIST")
        print("mixed 90/10 GET/PUT of 4 KiB:", flush=True)
        self.bench(("mixed", "4 KiB", 64), self.bale, common + [
            "--workload", "mixed", "--mix", "get=90,put=10", "--size", "4KiB", "--objects", "1000",
            "--connections", "64"] + self.timing(), "mixed")

    def run_store(self, size):
        cmd = [self.a.bale, "bench", "store", "--dir", os.path.join(self.tmp, "store"),
               "--sizes", size, "--writers", ",".join(map(str, CONNECTIONS)),
               "--seconds", str(self.a.seconds), "--index-needles", "0"]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=True).stdout
        if "store engine" not in [c[0] for c in self.commands]:
            self.commands.append(("store engine", self.shown(cmd)))
        for line in out.splitlines():
            m = re.match(r"\s+durable write\s+(\d+ \w+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)",
                         line)
            if m:
                label, writers = m.group(1), int(m.group(2))
                self.results[("store", label, writers)] = {
                    "ops_per_sec": float(m.group(3)), "mib_per_sec": float(m.group(4)),
                    "latency_us": {"p50": float(m.group(5)), "p99": float(m.group(6))}}
                print("  %-28s %9.0f writes/s %7.1f MiB/s  p50 %7.3f ms  p99 %7.3f ms" % (
                    "engine %s %d" % (label, writers), float(m.group(3)), float(m.group(4)),
                    float(m.group(5)) / 1000, float(m.group(6)) / 1000), flush=True)

    # --- report ------------------------------------------------------------
    def get(self, *key):
        return self.results.get(key)

    def table(self):
        rows = ["| case | conns | bale serve | MiB/s | p50 ms | p99 ms | reference | ratio |",
                "|---|---|---|---|---|---|---|---|"]

        def ms(r, q):
            return "%.2f" % (r["latency_us"][q] / 1000)
        for label, _, _, _ in SIZES:
            for kind, ref_kind, what in (("get", "nginx", "GET"), ("put", "store", "PUT")):
                for c in CONNECTIONS:
                    r, ref = self.get(kind, label, c), self.get(ref_kind, label, c)
                    if not r:
                        continue
                    errors = " (%d errors)" % r["errors"] if r["errors"] else ""
                    if kind == "get":
                        refs = "nginx %s/s, %.0f MiB/s, p99 %s ms" % (
                            format(int(ref["ops_per_sec"]), ","), ref["mib_per_sec"], ms(ref, "p99"))
                    else:
                        refs = "engine %s writes/s (%d writer%s)" % (
                            format(int(ref["ops_per_sec"]), ","), c, "" if c == 1 else "s")
                    rows.append("| %s %s | %d | %s/s%s | %.1f | %s | %s | %s | %.2f |" % (
                        label, what, c, format(int(r["ops_per_sec"]), ","), errors, r["mib_per_sec"],
                        ms(r, "p50"), ms(r, "p99"), refs, r["ops_per_sec"] / ref["ops_per_sec"]))
        for key in sorted(k for k in self.results if k[0] in ("list", "mixed")):
            r = self.results[key]
            what = "LIST %s keys" % key[1] if key[0] == "list" else "mixed 90/10 GET/PUT 4 KiB"
            rows.append("| %s | %d | %s/s | %.1f | %s | %s | | |" % (
                what, key[2], format(int(r["ops_per_sec"]), ","), r["mib_per_sec"], ms(r, "p50"),
                ms(r, "p99")))
        return "\n".join(rows)

    def targets(self):
        g4, n4 = self.get("get", "4 KiB", 64), self.get("nginx", "4 KiB", 64)
        p4, s4 = self.get("put", "4 KiB", 64), self.get("store", "4 KiB", 64)
        g16 = self.get("get", "4 KiB", 16)
        rows = ["| target | measured | |", "|---|---|---|"]

        def verdict(ok):
            return "met" if ok else "**not met**"
        ratio = g4["ops_per_sec"] / n4["ops_per_sec"]
        rows.append("| 4 KiB GET, 64 connections: ≥ 50%% of nginx | %.0f%% (%s vs %s/s) | %s |" % (
            100 * ratio, format(int(g4["ops_per_sec"]), ","), format(int(n4["ops_per_sec"]), ","),
            verdict(ratio >= 0.5)))
        ratio = p4["ops_per_sec"] / s4["ops_per_sec"]
        rows.append("| 4 KiB PUT, 64 connections, durable: ≥ 50%% of the engine | %.0f%% (%s vs %s/s) | %s |"
                    % (100 * ratio, format(int(p4["ops_per_sec"]), ","),
                       format(int(s4["ops_per_sec"]), ","), verdict(ratio >= 0.5)))
        for c in CONNECTIONS:
            g, n = self.get("get", "1 MiB", c), self.get("nginx", "1 MiB", c)
            ratio = g["mib_per_sec"] / n["mib_per_sec"]
            rows.append("| 1 MiB GET, %d connection%s: ≥ 70%% of nginx MiB/s | %.0f%% (%.0f vs %.0f MiB/s) | %s |"
                        % (c, "" if c == 1 else "s", 100 * ratio, g["mib_per_sec"], n["mib_per_sec"],
                           verdict(ratio >= 0.7)))
        p99 = g16["latency_us"]["p99"] / 1000
        rows.append("| p99 of 4 KiB GET, 16 connections: < 2 ms | %.2f ms | %s |" % (p99, verdict(p99 < 2)))
        return "\n".join(rows)

    def plot(self, path):
        data = os.path.join(self.tmp, "plot.dat")
        series = [("get", l) for l, _, _, _ in SIZES] + [("nginx", l) for l, _, _, _ in SIZES] + \
                 [("put", l) for l, _, _, _ in SIZES] + [("store", l) for l, _, _, _ in SIZES]
        with open(data, "w") as f:
            for kind, label in series:
                f.write("# %s %s\n" % (kind, label))
                for c in CONNECTIONS:
                    r = self.get(kind, label, c)
                    if r:
                        f.write("%d %f %f\n" % (c, r["ops_per_sec"], r["latency_us"]["p99"] / 1000))
                f.write("\n\n")
        names = {"get": "bale GET", "nginx": "nginx GET", "put": "bale PUT", "store": "engine write"}
        styles = {"get": "lw 2", "nginx": "lw 2 dt 2", "put": "lw 2", "store": "lw 2 dt 2"}
        colors = {"4 KiB": "#1b9e77", "64 KiB": "#d95f02", "1 MiB": "#7570b3"}

        def curves(kinds, column):
            out = []
            for i, (kind, label) in enumerate(series):
                if kind in kinds:
                    out.append("'%s' index %d using 1:%d with linespoints %s lc rgb '%s' "
                               "title '%s %s'" % (data, i, column, styles[kind], colors[label],
                                                  names[kind], label))
            return ", ".join(out)
        script = """
set terminal pngcairo size 1400,1000 font ',10'
set output '%s'
set multiplot layout 2,2 title 'bale serve against its ceilings (%s)'
set logscale xy
set xtics (1, 16, 64)
set xlabel 'connections'
set grid
set key left top
set ylabel 'operations/s'
set title 'GET: bale serve vs nginx (page cache)'
plot %s
set ylabel 'p99 latency, ms'
set title 'GET p99'
plot %s
set ylabel 'operations/s'
set title 'PUT: bale serve (durable) vs the store engine (durable writes)'
plot %s
set ylabel 'p99 latency, ms'
set title 'PUT p99'
plot %s
unset multiplot
""" % (path, datetime.date.today().isoformat(), curves(("get", "nginx"), 2),
       curves(("get", "nginx"), 3), curves(("put", "store"), 2), curves(("put", "store"), 3))
        subprocess.run(["gnuplot"], input=script, text=True, check=True)

    def section(self, plot_rel):
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip() or "unknown"
        # The plot, already written, and this page are the suite's own output.
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no",
                                "--", ".", ":!docs/benchmarks.md", ":!docs/bench-s3-suite.png"],
                               capture_output=True, text=True).stdout.strip()
        cpu = "?"
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(open("/proc/meminfo").readline().split()[1]) / (1 << 20)
        ceiling = self.get("ceiling", "4 KiB", 64)
        cpu_us = 1e6 * ceiling["client_cpu_seconds"] / max(ceiling["ops"], 1)
        lines = [
            MARK_BEGIN,
            "## S3 suite (`tools/dev bench`), %s" % datetime.date.today().isoformat(),
            "",
            "Commit %s%s; %d CPUs (%s), %.0f GiB RAM, Linux %s; load average (1, 5, 15 min) "
            "%s at the start and %s at the end (the machine is shared with other engineers' "
            "builds: a load above 2 means the figures below were taken beside them). Every figure below comes from one run of "
            "`tools/dev bench`: `bale bench s3` against a fresh `bale serve` (default flags), "
            "against nginx (Debian nginx-light, `worker_processes auto`, files of the same sizes "
            "read once so they are in page cache) and `bale bench store` on the same disk "
            "(run right after the PUTs of the same size), "
            "%d s per figure after a %d s warm-up, one client thread."
            % (commit, " (with uncommitted changes of others in the tree)" if dirty else "",
               os.cpu_count(), cpu, mem, platform.release(),
               self.load_start, self.load_average(), self.a.seconds, self.a.warmup),
            "",
            "**Client ceiling**: one `bale bench s3` thread, 64 connections, signed 4 KiB GETs "
            "against `bale bench null-server` (answers at once): **%s GET/s**, p99 %.2f ms, "
            "%.1f µs of client CPU per request (%s requests/s per core of client CPU). The "
            "requirement is ≥ 50,000/s." % (format(int(ceiling["ops_per_sec"]), ","),
                                              ceiling["latency_us"]["p99"] / 1000, cpu_us,
                                              format(int(1e6 / cpu_us), ",")),
            "",
            "### Against the targets", "", self.targets(), "",
            "### Every case",
            "",
            "GET reads objects written before the timing (4 KiB and 64 KiB: 1,000 objects, "
            "1 MiB: 200), uniformly at random. PUT writes fresh keys, each acknowledged after "
            "fdatasync; its reference is the engine's durable writes of the same size with as "
            "many writers as connections. LIST asks for 1,000 keys (max-keys) from a random "
            "start among %s empty objects, written through S3 before the timing (%s)."
            % (format(self.a.list_objects, ","),
               "the issue's case" if self.a.list_objects >= 1000000
               else "**not the issue's 1,000,000**: `--list-objects 1000000` runs that"),
            "",
            self.table(), "",
            "![throughput and p99 against connections](%s)" % plot_rel, "",
            "Commands (one of each kind; `tools/dev bench` runs them all; $BALE is `bale serve` "
            "on a free port with a fresh data directory, $NGINX and $NULL_SERVER the references):",
            "", "```sh"]
        lines += [c for _, c in self.commands]
        lines += ["```", MARK_END]
        return "\n".join(lines) + "\n"


def write_doc(path, section):
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    if MARK_BEGIN in text and MARK_END in text:
        start = text.index(MARK_BEGIN)
        end = text.index(MARK_END) + len(MARK_END)
        text = text[:start] + section.rstrip("\n") + text[end:]
    else:
        anchor = "\n## How to run"  # keep the how-to last
        at = text.find(anchor)
        text = (text[:at] + "\n" + section + text[at:]) if at >= 0 else text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bale", default=os.path.join(ROOT, "build", "tools", "bale"))
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--list-objects", type=int, default=1000000)
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    ap.add_argument("--plot", default=os.path.join(ROOT, "docs", "bench-s3-suite.png"))
    ap.add_argument("--no-doc", action="store_true", help="print the section instead of writing it")
    a = ap.parse_args()
    for tool in ("/usr/sbin/nginx", "gnuplot"):
        if not shutil.which(tool):
            sys.exit("needs %s (apt-get install nginx-light gnuplot-nox)" % tool)
    tmp = tempfile.mkdtemp(prefix="bale-bench-suite-")
    suite = Suite(a, tmp)
    try:
        suite.start_bale()
        suite.start_nginx()
        suite.start_null_server()
        suite.run_cases()
        plot = a.plot if not a.no_doc else os.path.join(tmp, "suite.png")
        suite.plot(plot)
        section = suite.section(os.path.relpath(plot, os.path.dirname(os.path.abspath(a.doc))))
        if a.no_doc:
            print(section)
        else:
            write_doc(a.doc, section)
            print("wrote %s and %s" % (a.doc, a.plot))
    finally:
        for p in suite.procs:
            stop(p)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
