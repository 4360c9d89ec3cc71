#!/usr/bin/env python3
"""`bale bench s3` against a real `bale serve`: exact operation counts, no
errors, the objects really written, and nothing left behind afterwards.

Starts `bale serve` on a free loopback port with a temporary data directory
and a known root key (BALE_ROOT_ACCESS_KEY / BALE_ROOT_SECRET_KEY), drives it
with `bale bench s3 --json`, and checks the server's state with boto3.
BALE_BIN names the bale binary."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

KEY, SECRET = "BENCHS3TEST000000001", "bench-s3-test-secret-0000000000000000000"
BALE = os.environ["BALE_BIN"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc):
    for _ in range(200):
        if proc.poll() is not None:
            sys.exit("bale serve exited early (%s)" % proc.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("bale serve did not start listening")


def bench(endpoint, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)
    out = subprocess.run([BALE, "bench", "s3", "--endpoint", endpoint, "--json", "--warmup", "0",
                          "--connections", "8", "--threads", "2"] + list(args),
                         env=env, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        sys.exit("bale bench s3 %s exited %d:\n%s%s" % (args, out.returncode, out.stdout, out.stderr))
    return json.loads(out.stdout)


def check(cond, what):
    if not cond:
        sys.exit("FAILED: " + what)
    print("ok: " + what)


def bucket_exists(s3, name):
    try:
        s3.head_bucket(Bucket=name)
        return True
    except ClientError as e:
        if e.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return False
        raise


def main():
    tmp = tempfile.mkdtemp(prefix="bale-bench-s3-test-")
    port = free_port()
    proc = subprocess.Popen(
        [BALE, "serve", "--data", os.path.join(tmp, "data"), "--listen", "127.0.0.1:%d" % port,
         "--log-level", "warning"],
        env=dict(os.environ, BALE_ROOT_ACCESS_KEY=KEY, BALE_ROOT_SECRET_KEY=SECRET),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, proc)
        endpoint = "http://127.0.0.1:%d" % port
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                          config=Config(signature_version="s3v4"))

        put = bench(endpoint, "--workload", "put", "--ops", "2000", "--size", "4KiB")
        check(put["ops"] == 2000 and put["operations"]["put"]["ops"] == 2000, "put: 2000 operations")
        check(put["errors"] == 0 and put["network_error_count"] == 0 and put["s3_errors"] == {},
              "put: no errors")
        check(put["operations"]["put"]["bytes"] == 2000 * 4096, "put: 2000 x 4 KiB sent")
        check(put["bucket_created"] and put["cleanup_ok"], "put: cleaned up")
        check(not bucket_exists(s3, put["bucket"]), "put: its bucket %s is gone" % put["bucket"])

        get = bench(endpoint, "--workload", "get", "--ops", "2000", "--objects", "300",
                    "--size", "1KiB")
        check(get["prepared"] == 300, "get: 300 objects prepared")
        check(get["ops"] == 2000 and get["operations"]["get"]["ops"] == 2000, "get: 2000 operations")
        check(get["errors"] == 0 and get["network_error_count"] == 0, "get: no errors")
        check(get["operations"]["get"]["bytes"] == 2000 * 1024, "get: 2000 x 1 KiB received")
        check(not bucket_exists(s3, get["bucket"]), "get: its bucket %s is gone" % get["bucket"])

        head = bench(endpoint, "--workload", "head", "--ops", "300", "--objects", "50")
        check(head["ops"] == 300 and head["errors"] == 0 and head["bytes"] == 0,
              "head: 300 operations, no errors, no bytes")

        lst = bench(endpoint, "--workload", "list", "--ops", "40", "--objects", "100",
                    "--list-keys", "10", "--size", "0")
        check(lst["ops"] == 40 and lst["errors"] == 0, "list: 40 listings, no errors")

        delete = bench(endpoint, "--workload", "delete", "--objects", "250")
        check(delete["ops"] == 250 and delete["errors"] == 0 and delete["ran_out_of_keys"],
              "delete: each of 250 objects deleted once, then it stops")

        mixed = bench(endpoint, "--workload", "mixed", "--mix", "get=60,put=20,head=10,list=10",
                      "--ops", "1000", "--objects", "100", "--list-keys", "20")
        counts = {op: r["ops"] for op, r in mixed["operations"].items()}
        check(sum(counts.values()) == 1000 and set(counts) == {"put", "get", "head", "list"},
              "mixed: 1000 operations of the four kinds (%s)" % counts)
        check(mixed["errors"] == 0, "mixed: no errors")

        # --keep leaves exactly what was written, for the server to show.
        kept = bench(endpoint, "--workload", "put", "--ops", "500", "--size", "3000", "--keep")
        check(kept["ops"] == 500 and kept["errors"] == 0, "keep: 500 PUTs, no errors")
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=kept["bucket"])
        objects = [o for page in pages for o in page.get("Contents", [])]
        check(len(objects) == 500, "keep: the server lists 500 objects")
        check(all(o["Size"] == 3000 and o["Key"].startswith(kept["key_prefix"] + "/")
                  for o in objects), "keep: each of 3000 bytes under the run's prefix")
        for i in range(0, len(objects), 1000):
            s3.delete_objects(Bucket=kept["bucket"], Delete={
                "Objects": [{"Key": o["Key"]} for o in objects[i:i + 1000]]})
        s3.delete_bucket(Bucket=kept["bucket"])

        buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        check(buckets == [], "no bucket left on the server (found %s)" % buckets)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
