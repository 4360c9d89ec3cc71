"""kill -9 of `bale serve` in the middle of concurrent uploads, five times over
the same data: every PUT that was acknowledged (200) reads back byte-exact
after the restart, every listed key reads back (no name points at nothing),
and deletes that were acknowledged stay deleted."""
import concurrent.futures
import hashlib
import os
import random
import sys
import threading
import time
import unittest


sys.path.insert(0, os.path.dirname(__file__))
from harness import Server  # noqa: E402

SERVER = Server()
BUCKET = "crash"


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


def client():
    return SERVER.client(connect_timeout=2, read_timeout=10)


def body_for(key):
    size = int(hashlib.md5(key.encode()).hexdigest()[:6], 16) % 300000
    seed = hashlib.sha256(key.encode()).digest()
    return (seed * (size // 32 + 1))[:size]


class CrashTest(unittest.TestCase):
    def test_acknowledged_writes_survive_kill_9(self):
        client().create_bucket(Bucket=BUCKET)
        acked, deleted = set(), set()
        # Deletes sent but not acknowledged: the kill may have come after the
        # delete took effect and before its answer, so these keys may be gone.
        unsure = set()
        lock = threading.Lock()
        rng = random.Random(7)
        for round_ in range(5):
            stop = threading.Event()

            def writer(w):
                s3 = client()
                i = 0
                while not stop.is_set():
                    key = "r%d/w%d/k%d" % (round_, w, i)
                    i += 1
                    try:
                        s3.put_object(Bucket=BUCKET, Key=key, Body=body_for(key))
                    except Exception:
                        continue  # the server died under it: not acknowledged
                    with lock:
                        acked.add(key)
                    if i % 5 == 0:
                        victim = "r%d/w%d/k%d" % (round_, w, i - 3)
                        try:
                            s3.delete_object(Bucket=BUCKET, Key=victim)
                        except Exception:
                            with lock:
                                unsure.add(victim)
                            continue
                        with lock:
                            deleted.add(victim)

            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                futures = [pool.submit(writer, w) for w in range(8)]
                time.sleep(0.5 + rng.random())
                SERVER.crash_and_restart()  # kill -9 while the writers are busy
                stop.set()
                for f in futures:
                    f.result()

            s3 = client()
            for key in sorted(acked - deleted - unsure):
                try:
                    got = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
                except s3.exceptions.NoSuchKey:
                    self.fail("acknowledged PUT of %s lost" % key)
                self.assertEqual(got, body_for(key), key)
            listed = set()
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
                listed |= {o["Key"] for o in page.get("Contents", [])}
            self.assertTrue((acked - deleted - unsure) <= listed, sorted((acked - deleted - unsure) - listed))
            self.assertFalse(listed & deleted, "an acknowledged delete came back")
            for key in sorted((listed - acked) | (listed & unsure)):  # not acknowledged: whole, or absent
                self.assertEqual(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read(), body_for(key), key)
        self.assertGreater(len(acked), 50)  # the writers really wrote
        print("\nacknowledged PUTs: %d, acknowledged deletes: %d, unacknowledged deletes that took "
              "effect: %d of %d, over 5 kills" % (len(acked), len(deleted), len(unsure - listed), len(unsure)),
              file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
