"""The orphan sweep on a live `bale serve`: a needle that no object or part
names (here written straight through the store API, as a write that died
between its data and its record would leave it) is freed once older than
--orphan-grace, and compaction then gives its space back; named needles,
parts of open uploads and needles still within the grace stay. The pass is
run with `bale admin orphans sweep` and shows in the admin status."""
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, BALE, SECRET_KEY, Server, free_port, wait_for  # noqa: E402

STORE_PORT = free_port()
SERVER = Server(["--orphan-grace", "3s", "--orphan-interval", "1h", "--volumes", "1",
                 "--store-listen", "127.0.0.1:%d" % STORE_PORT, "--compact-interval", "1s",
                 "--compact-rate", "0", "--compact-min-garbage", "1MiB", "--compact-garbage-ratio", "0.1"])
MIB = 1 << 20


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


def needle_url(key, cookie):
    return "http://127.0.0.1:%d/v1/volumes/1/needles/%d?cookie=%d" % (STORE_PORT, key, cookie)


def put_needle(key, cookie, data):
    req = urllib.request.Request(needle_url(key, cookie), data=data, method="PUT")
    with urllib.request.urlopen(req) as r:
        assert r.status == 201, r.status


def get_needle(key, cookie):
    """(HTTP status, body) of a needle read through the store API."""
    try:
        with urllib.request.urlopen(needle_url(key, cookie)) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, b""


def key_at(seconds_ago):
    """A needle key issued `seconds_ago` (keys are microseconds << 12)."""
    return int((time.time() - seconds_ago) * 1_000_000) << 12


def admin_cli(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
    p = subprocess.run([BALE, "admin"] + list(args) + ["--endpoint", SERVER.endpoint],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0 and p.stderr == "", (args, p.returncode, p.stdout, p.stderr)
    return p.stdout


class OrphanSweepTest(unittest.TestCase):
    def test_orphans_are_freed_and_compacted_away_named_needles_stay(self):
        # The background sweep waits its interval (1 h here) before its first pass.
        self.assertEqual(SERVER.admin_ok("GET", "status")["orphan_sweep"]["passes"], 0)
        s3 = SERVER.client()
        s3.create_bucket(Bucket="orphans")
        small, large = os.urandom(4096), os.urandom(9 * MIB)  # the large one is two needles
        s3.put_object(Bucket="orphans", Key="small", Body=small)
        s3.put_object(Bucket="orphans", Key="large", Body=large)
        up = s3.create_multipart_upload(Bucket="orphans", Key="open")["UploadId"]
        part = os.urandom(5 * MIB)
        etag = s3.upload_part(Bucket="orphans", Key="open", UploadId=up, PartNumber=1, Body=part)["ETag"]

        old_key, young_key = key_at(60), key_at(0) + 7
        put_needle(old_key, 11, b"o" * (3 * MIB))    # older than the grace: an orphan to free
        put_needle(young_key, 12, b"y" * 1000)       # within the grace: a write that may yet commit
        time.sleep(1)  # the objects' and part's needles are past the grace too by then
        while time.time() < (young_key >> 12) / 1e6 + 1:  # ... and young_key still within it
            time.sleep(0.1)

        report = json.loads(admin_cli("orphans", "sweep", "--json"))
        self.assertEqual(report["orphans"], 1, report)
        self.assertEqual(report["orphan_bytes"], 3 * MIB)
        self.assertEqual((report["passes"], report["volumes"], report["volumes_skipped"], report["metadata_scans"]),
                         (1, 1, 0, 1))
        # small 1 + large 2 + part 1 + the two direct needles
        self.assertEqual(report["needles"], 6)
        self.assertEqual(get_needle(old_key, 11), (404, b""))
        self.assertEqual(get_needle(young_key, 12), (200, b"y" * 1000))
        self.assertEqual(s3.get_object(Bucket="orphans", Key="small")["Body"].read(), small)
        self.assertEqual(s3.get_object(Bucket="orphans", Key="large")["Body"].read(), large)
        done = s3.complete_multipart_upload(Bucket="orphans", Key="open", UploadId=up,
                                            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        self.assertTrue(done["ETag"].endswith('-1"'))
        self.assertEqual(s3.get_object(Bucket="orphans", Key="open")["Body"].read(), part)

        # A bucket deleted while an upload in it is open (S3 allows that): nothing
        # can reach the part any more, so its needle is freed once past the grace,
        # and the upload's rows (upload, upload index, part) are deleted.
        s3.create_bucket(Bucket="gone")
        gone_up = s3.create_multipart_upload(Bucket="gone", Key="k")["UploadId"]
        s3.upload_part(Bucket="gone", Key="k", UploadId=gone_up, PartNumber=1, Body=b"g" * 24)
        s3.delete_bucket(Bucket="gone")

        # The text form, once the young needle and the part are old too: exactly they go.
        time.sleep(3)
        text = admin_cli("orphans", "sweep")
        self.assertEqual(text, "volumes swept:    1\nvolumes skipped:  0\nmetadata scans:   1\n"
                               "needles examined: 6\n"
                               "orphans freed:    2\nbytes freed:      1.0 KiB\n"
                               "dead bucket rows: 3\n")
        self.assertEqual(get_needle(young_key, 12), (404, b""))
        self.assertEqual(SERVER.admin_ok("POST", "orphans/sweep")["deleted_bucket_rows"], 0)

        totals = SERVER.admin_ok("GET", "status")["orphan_sweep"]
        self.assertEqual((totals["passes"], totals["orphans"], totals["orphan_bytes"], totals["deleted_bucket_rows"]),
                         (3, 3, 3 * MIB + 1024, 3))
        # The compaction worker takes the freed bytes back; what is left is the objects.
        live = 4096 + 9 * MIB + 5 * MIB

        def compacted():
            vols = SERVER.admin_ok("GET", "volumes")["volumes"]
            return sum(v["size_bytes"] for v in vols) < live + MIB
        self.assertTrue(wait_for(compacted, 30), SERVER.admin_ok("GET", "volumes"))
        self.assertEqual(s3.get_object(Bucket="orphans", Key="large")["Body"].read(), large)


class NoGraceTest(unittest.TestCase):
    def test_no_pass_runs_without_a_grace(self):
        # --orphan-grace 0 refuses no write for its age, so a pass could free
        # the needles of a write being committed: the admin API runs none.
        server = Server(["--orphan-grace", "0"])
        server.start()
        try:
            status, doc = server.admin("POST", "orphans/sweep")
            self.assertEqual((status, doc["error"]["code"]), (400, "InvalidRequest"), doc)
            self.assertEqual(doc["error"]["message"], "This server runs no orphan sweep (--orphan-grace 0).")
            self.assertIsNone(server.admin_ok("GET", "status")["orphan_sweep"])
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
