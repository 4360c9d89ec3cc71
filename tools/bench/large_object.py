#!/usr/bin/env python3
"""Prints single-stream PUT and GET of one large object against the disk's own
sequential bandwidth (dd, same disk, same run), and the gateway's peak memory
during a large upload.

Bale: `bale serve` on loopback; one PUT of --size bytes through a presigned
SigV4 URL (one TCP stream, Content-Length, no multipart), acknowledged only
after every needle is fdatasync'ed; then one GET with the page cache dropped.
dd: `dd bs=8M oflag=direct conv=fdatasync` and `dd bs=8M conv=fdatasync`
(through the page cache, as Bale writes) writing the same number of bytes into
the data directory, and `dd iflag=direct` reading it back. Peak RSS is
VmHWM of the server process after a --rss-size upload (streamed from a
generator: the client holds 1 MiB at a time).

usage: large_object.py [--size 1GiB] [--rss-size 5GiB] [--bale PATH]
"""
import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from bench_server import DEFAULT_BALE, BaleServer  # noqa: E402

MIB = 1 << 20
UNITS = {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}


def parse_size(text):
    m = re.fullmatch(r"(\d+)(KiB|MiB|GiB)?", text)
    if not m:
        raise argparse.ArgumentTypeError("%r is not a size like 1GiB" % text)
    return int(m.group(1)) * UNITS.get(m.group(2), 1)


def drop_caches():
    subprocess.run(["sync"], check=True)
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def dd(args, size):
    start = time.time()
    subprocess.run(["dd", "bs=8M", "count=%d" % (size // (8 * MIB))] + args, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return size / (time.time() - start) / MIB


def send(url, method, size=None):
    """Streams `size` bytes up (PUT) or reads the body (GET); returns MiB/s."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    path = u.path + "?" + u.query
    block = bytes(range(256)) * (MIB // 256)
    start = time.time()
    if method == "PUT":
        conn.putrequest("PUT", path)
        conn.putheader("Content-Length", str(size))
        conn.endheaders()
        for _ in range(size // MIB):
            conn.send(block)
        resp = conn.getresponse()
        resp.read()
        got = size
    else:
        conn.request("GET", path)
        resp = conn.getresponse()
        got = 0
        while True:
            chunk = resp.read(MIB)
            if not chunk:
                break
            got += len(chunk)
    elapsed = time.time() - start
    conn.close()
    if resp.status != 200:
        sys.exit("%s answered %d" % (method, resp.status))
    return got / elapsed / MIB, got


def peak_rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=parse_size, default=parse_size("1GiB"))
    ap.add_argument("--rss-size", type=parse_size, default=parse_size("5GiB"))
    ap.add_argument("--bale", default=DEFAULT_BALE)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bale-bench-large-", dir=os.getcwd())
    try:
        probe = os.path.join(tmp, "dd.probe")
        dd_write = dd(["if=/dev/zero", "of=" + probe, "oflag=direct", "conv=fdatasync"], a.size)
        dd_buffered = dd(["if=/dev/zero", "of=" + probe, "conv=fdatasync"], a.size)
        dropped = drop_caches()
        dd_read = dd(["if=" + probe, "of=/dev/null", "iflag=direct"], a.size)
        os.unlink(probe)

        with BaleServer(a.bale, os.path.join(tmp, "bale")) as bale:
            s3 = bale.s3
            s3.create_bucket(Bucket="bench")

            def url(method, key):
                return s3.generate_presigned_url(method, Params={"Bucket": "bench", "Key": key}, ExpiresIn=3600)

            put_rate, _ = send(url("put_object", "big"), "PUT", a.size)
            drop_caches()
            get_rate, got = send(url("get_object", "big"), "GET")
            if got != a.size:
                sys.exit("GET returned %d bytes, not %d" % (got, a.size))
            s3.delete_object(Bucket="bench", Key="big")
            rss_before = peak_rss_mib(bale.proc.pid)
            send(url("put_object", "huge"), "PUT", a.rss_size)
            rss = peak_rss_mib(bale.proc.pid)
            head = s3.head_object(Bucket="bench", Key="huge")["ContentLength"]

            gib = a.size / (1 << 30)
            print("single-stream %.2f GiB object, same disk, same run (page cache %s before reads)"
                  % (gib, "dropped" if dropped else "NOT dropped: not root"))
            print("  %-34s %8.0f MiB/s" % ("dd write (O_DIRECT + fdatasync)", dd_write))
            print("  %-34s %8.0f MiB/s" % ("dd write (page cache + fdatasync)", dd_buffered))
            print("  %-34s %8.0f MiB/s   %.0f%% of dd O_DIRECT, %.0f%% of dd buffered (target >= 60%%)"
                  % ("bale PUT (durable)", put_rate, 100 * put_rate / dd_write, 100 * put_rate / dd_buffered))
            print("  %-34s %8.0f MiB/s" % ("dd read (O_DIRECT)", dd_read))
            print("  %-34s %8.0f MiB/s   %.0f%% of dd (target >= 60%%)" % ("bale GET (cold cache)", get_rate,
                                                                           100 * get_rate / dd_read))
            print("gateway peak RSS: %.0f MiB after the %.2f GiB round trip, %.0f MiB after a %.1f GiB upload "
                  "(target < 256 MiB; stored %d bytes)" % (rss_before, gib, rss, a.rss_size / (1 << 30), head))
    finally:
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
