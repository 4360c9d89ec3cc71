#!/usr/bin/env python3
"""Prints durable 4 KiB PUT throughput through S3 against the store engine's
own durable write rate, same machine, same disk, same run.

Bale: `bale serve` on loopback; wrk PUTs 4 KiB bodies through presigned SigV4
PUT URLs over 10,000 keys (every request signed and verified, every object
fdatasync'ed and its metadata fsync'ed before the 200). Reference: `bale bench
store` with 4 KiB needles and the same number of concurrent writers.

usage: put_vs_store.py [--connections 64] [--seconds 10] [--bale PATH]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from bench_server import DEFAULT_BALE, BaleServer  # noqa: E402

LUA = r"""
local urls = {}
for line in io.lines("%s") do urls[#urls + 1] = line end
local body = string.rep("b", %d)
local n = 0
request = function()
  n = n + 1
  return wrk.format("PUT", urls[(n %% #urls) + 1], {["Content-Type"] = "application/octet-stream"}, body)
end
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--keys", type=int, default=10000)
    ap.add_argument("--bale", default=DEFAULT_BALE)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bale-bench-put-", dir=os.getcwd())
    try:
        store = subprocess.run([a.bale, "bench", "store", "--dir", os.path.join(tmp, "engine"), "--sizes",
                                "%dB" % a.size, "--writers", str(a.connections), "--seconds", str(a.seconds),
                                "--index-needles", "0"], capture_output=True, text=True, check=True).stdout
        m = re.search(r"durable write\s+\S+ \S+\s+%d\s+(\d+)" % a.connections, store)
        engine = float(m.group(1))

        with BaleServer(a.bale, os.path.join(tmp, "bale")) as bale:
            endpoint, s3 = bale.endpoint, bale.s3
            s3.create_bucket(Bucket="bench")
            urls = os.path.join(tmp, "urls")
            with open(urls, "w") as f:
                for i in range(a.keys):
                    u = s3.generate_presigned_url("put_object", Params={"Bucket": "bench", "Key": "k%06d" % i},
                                                  ExpiresIn=3600)
                    f.write(u[len(endpoint):] + "\n")
            script = os.path.join(tmp, "put.lua")
            with open(script, "w") as f:
                f.write(LUA % (urls, a.size))
            out = subprocess.run(["wrk", "-t%d" % a.threads, "-c%d" % a.connections, "-d%ds" % a.seconds,
                                  "--latency", "-s", script, endpoint], capture_output=True, text=True,
                                 check=True).stdout
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
            print("durable PUT of %d-byte objects, %d connections, %d s, %d CPUs"
                  % (a.size, a.connections, a.seconds, os.cpu_count()))
            print("  %-40s %10.0f writes/s" % ("store engine (bale bench store, reference)", engine))
            print("  %-40s %10.0f PUT/s   p99 %s   errors %s" % ("bale serve (presigned SigV4 PUT)", rps, p99,
                                                                 errors.group(1) if errors else 0))
            print("  engine / S3: %.2fx (target: within 2x)" % (engine / rps))
    finally:
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
