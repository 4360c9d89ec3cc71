#!/usr/bin/env python3
"""Prints 4 KiB GET latency with and without a full-speed compaction running
beside it, same server, same run.

Bale: `bale serve` with one volume holding --live bytes of live objects and as
many bytes of deleted ones; wrk GETs one 4 KiB object through a presigned
SigV4 URL at --connections. First alone, then while the admin API's compact
call (unthrottled) rewrites the volume. Needs wrk and boto3.

usage: compaction_vs_get.py [--connections 16] [--seconds 5] [--live-mib 1024]
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--live-mib", type=int, default=1024)
    ap.add_argument("--bale", default=DEFAULT_BALE)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bale-bench-compact-", dir=os.getcwd())
    try:
        with BaleServer(a.bale, os.path.join(tmp, "bale"),
                        ["--volumes", "1", "--compact-garbage-ratio", "1"]) as bale:
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

            alone = wrk(url, a.threads, a.connections, a.seconds)
            started = time.time()
            admin(endpoint, "POST", "volumes/%d/compact" % volume["id"])
            beside = wrk(url, a.threads, a.connections, a.seconds)
            running_after = admin(endpoint, "GET", "volumes/%d" % volume["id"])["compacting"]
            while admin(endpoint, "GET", "volumes/%d" % volume["id"])["compacting"]:
                time.sleep(0.1)
            took = time.time() - started
            after = admin(endpoint, "GET", "volumes/%d" % volume["id"])

            print("4 KiB GET, %d connections, %d s each; volume of %d MiB (%.0f%% garbage) compacted "
                  "unthrottled in %.1f s%s" % (a.connections, a.seconds, volume["size_bytes"] // MIB,
                                             100 * volume["garbage_ratio"], took,
                                             "" if running_after else " (ended before the GET run did)"))
            print("  %-28s %9.0f GET/s   p99 %.2f ms   errors %d" % (("alone",) + alone))
            print("  %-28s %9.0f GET/s   p99 %.2f ms   errors %d" % (("beside the compaction",) + beside))
            print("  p99 ratio: %.2fx (target <= 2x); volume now %d MiB" % (beside[1] / alone[1],
                                                                           after["size_bytes"] // MIB))
    finally:
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
