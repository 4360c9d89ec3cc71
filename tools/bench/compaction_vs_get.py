#!/usr/bin/env python3
"""Prints 4 KiB GET latency with and without a compaction running beside it,
on the same data, in the same run.

Bale: `bale serve` with one volume holding --live-mib of live objects and as
many bytes of deleted ones; wrk GETs one 4 KiB object through a presigned
SigV4 URL at --connections, first alone, then while the volume is compacted:
  --mode unthrottled  the admin API's compact call (an operator's request: no
                      throttle), on the server that measured "alone";
  --mode background   the background worker, as `bale serve` runs it: the
                      server is restarted with the default compaction flags
                      (--compact-rate, default 64MiB) and GETs are measured
                      once the worker has begun.
Needs wrk and boto3.

usage: compaction_vs_get.py [--mode unthrottled|background] [--compact-rate 64MiB]
                            [--connections 16] [--seconds 5] [--live-mib 1024]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(__file__))
from bench_server import DEFAULT_BALE, KEY, SECRET, BaleServer  # noqa: E402
from get_vs_nginx import wrk  # noqa: E402

MIB = 1 << 20


def admin(endpoint, method, path):
    url = endpoint + "/_bale/admin/v1/" + path
    req = AWSRequest(method=method, url=url, data=b"")
    S3SigV4Auth(Credentials(KEY, SECRET), "s3", "us-east-1").add_auth(req)
    send = urllib.request.Request(url, data=b"" if method == "POST" else None, method=method,
                                  headers=dict(req.headers.items()))
    with urllib.request.urlopen(send, timeout=60) as resp:
        return json.loads(resp.read())


def wait_for(what, test, timeout):
    deadline = time.time() + timeout
    while not test():
        if time.time() > deadline:
            sys.exit("timed out waiting for " + what)
        time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("unthrottled", "background"), default="unthrottled")
    ap.add_argument("--compact-rate", default="64MiB", help="background mode: bale serve --compact-rate")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--live-mib", type=int, default=1024)
    ap.add_argument("--bale", default=DEFAULT_BALE)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bale-bench-compact-", dir=os.getcwd())
    data = os.path.join(tmp, "bale")
    try:
        with BaleServer(a.bale, data, ["--volumes", "1", "--compact-garbage-ratio", "1"]) as bale:
            endpoint, s3 = bale.endpoint, bale.s3
            s3.create_bucket(Bucket="bench")
            s3.put_object(Bucket="bench", Key="hot", Body=b"h" * 4096)
            block = os.urandom(8 * MIB)
            for i in range(a.live_mib // 8):  # interleaved: garbage spread over the whole volume
                s3.put_object(Bucket="bench", Key="live%04d" % i, Body=block)
                s3.put_object(Bucket="bench", Key="dead%04d" % i, Body=block)
                s3.delete_object(Bucket="bench", Key="dead%04d" % i)
            url = s3.generate_presigned_url("get_object", Params={"Bucket": "bench", "Key": "hot"}, ExpiresIn=3600)
            volume = admin(endpoint, "GET", "volumes")["volumes"][0]
            vpath = "volumes/%d" % volume["id"]

            alone = wrk(url, a.threads, a.connections, a.seconds)
            if a.mode == "unthrottled":
                started = time.time()
                admin(endpoint, "POST", vpath + "/compact")
                beside = wrk(url, a.threads, a.connections, a.seconds)
                running_after = admin(endpoint, "GET", vpath)["compacting"]
                wait_for("the compaction", lambda: not admin(endpoint, "GET", vpath)["compacting"], 600)
                took = time.time() - started
                after = admin(endpoint, "GET", vpath)
                how = "unthrottled (admin API)"
        if a.mode == "background":
            # The same data, served as `bale serve` runs by default, its worker
            # looking for garbage every second.
            with BaleServer(a.bale, data, ["--volumes", "1", "--compact-interval", "1s",
                                           "--compact-rate", a.compact_rate]) as bale:
                endpoint = bale.endpoint
                url = bale.s3.generate_presigned_url(  # signed for the new port
                    "get_object", Params={"Bucket": "bench", "Key": "hot"}, ExpiresIn=3600)
                status = lambda: admin(endpoint, "GET", "status")["compaction"]
                wait_for("the background compaction to start", lambda: status()["running"], 30)
                started = time.time()
                beside = wrk(url, a.threads, a.connections, a.seconds)
                running_after = status()["running"]
                progress = status()["progress"]
                wait_for("the compaction", lambda: status()["compactions"] == 1, 600)
                took = time.time() - started
                after = admin(endpoint, "GET", vpath)
                how = "by the background worker at --compact-rate %s (%.0f%% done when the GETs ended)" % (
                    a.compact_rate, 100 * progress)

        print("4 KiB GET, %d connections, %d s each; volume of %d MiB (%.0f%% garbage) compacted "
              "%s in %.1f s%s" % (a.connections, a.seconds, volume["size_bytes"] // MIB,
                                  100 * volume["garbage_ratio"], how, took,
                                  "" if running_after else " (ended before the GET run did)"))
        print("  %-28s %9.0f GET/s   p99 %.2f ms   errors %d" % (("alone",) + alone))
        print("  %-28s %9.0f GET/s   p99 %.2f ms   errors %d" % (("beside the compaction",) + beside))
        print("  p99 ratio: %.2fx (target <= 2x); volume now %d MiB" % (beside[1] / alone[1],
                                                                       after["size_bytes"] // MIB))
    finally:
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
