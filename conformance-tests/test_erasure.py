"""Erasure coding end to end (issue 5): `bale serve --drives d0..d5 --ec 4+2`.

Objects go in through S3; full volumes are sealed and coded RS(4,2) by the
server itself (and one on demand through the admin API). Then whole drives
are deleted, shard bytes flipped, the server killed with -9 during an
encoding and during a repair, and every object must still read back
byte-exact; losing m+1 drives gives 503 ServiceUnavailable in S3's XML,
never wrong bytes.
"""
import glob
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, BALE, SECRET_KEY, Server  # noqa: E402

DRIVES = 6
BASE_ARGS = ["--ec", "4+2", "--ec-block-size", "64KiB", "--volumes", "1", "--ec-interval", "1s",
             "--seal-idle", "0", "--scrub-interval", "0"]


def read(path):
    with open(path, "rb") as f:
        return f.read()


class EcServer(Server):
    """A server on six drive directories whose flags can change between restarts."""

    def __init__(self, rate="0"):
        self.root = tempfile.mkdtemp(prefix="bale-ec-drives-")
        self.drives = [os.path.join(self.root, "d%d" % i) for i in range(DRIVES)]
        super().__init__(extra_args=self.args(rate), volume_size="4MiB")

    def args(self, rate, scrub="0", seal_idle="0"):
        args = BASE_ARGS + ["--drives", ",".join(self.drives), "--ec-rate", rate]
        args[args.index("--scrub-interval") + 1] = scrub
        args[args.index("--seal-idle") + 1] = seal_idle
        return args

    def restart(self, rate="0", scrub="0", kill=False, seal_idle="0"):
        """Stops (SIGTERM, or -9 when `kill`) and starts again with new flags."""
        if kill:
            self.proc.kill()
        else:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        args = [a for a in self.proc.args]
        cut = args.index("--ec")
        self.proc.args[:] = args[:cut] + self.args(rate, scrub, seal_idle)
        self.crash_and_restart()  # (the process is already gone: this only starts it)

    def volumes(self):
        return self.admin_ok("GET", "volumes")["volumes"]

    def wait_for(self, what, predicate, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        raise AssertionError("timed out waiting for %s; volumes: %s" % (what, self.volumes()))

    def shards(self):
        return sorted(glob.glob(os.path.join(self.root, "d*", "*.ec[0-9][0-9]")))

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


class ErasureTest(unittest.TestCase):
    def setUp(self):
        self.server = EcServer().start()
        self.s3 = self.server.client()
        self.s3.create_bucket(Bucket="coded")
        self.objects = {}

    def tearDown(self):
        try:
            self.server.stop()
        finally:
            self.server.cleanup()

    def put_objects(self, count, prefix="o", max_size=200 << 10):
        rng = random.Random(count)
        for i in range(count):
            key = "%s%04d" % (prefix, i)
            body = os.urandom(rng.choice([0, 1, 100, 4096, 5000] + [rng.randrange(1, max_size)] * 5))
            self.s3.put_object(Bucket="coded", Key=key, Body=body)
            self.objects[key] = hashlib.sha256(body).hexdigest()

    def check_all(self):
        for key, digest in self.objects.items():
            body = self.s3.get_object(Bucket="coded", Key=key)["Body"].read()
            self.assertEqual(hashlib.sha256(body).hexdigest(), digest, key)

    def coded(self):
        return [v for v in self.server.volumes() if v["coding"] in ("coded", "degraded")]

    def test_full_volumes_are_coded_and_survive_losing_m_drives(self):
        self.put_objects(250)  # about 13 MiB: two or three 4 MiB volumes fill up
        self.server.wait_for("two coded volumes", lambda: len(self.coded()) >= 2)
        for v in self.coded():
            self.assertEqual((v["coding"], v["ec"], v["shards_ok"], v["state"]), ("coded", "4+2", 6, "sealed"))
            self.assertEqual(len(v["drives"]), 6)
        # Storage after sealing: the shards hold (k+m)/k of the .dat, within 2%.
        for v in self.coded():
            on_disk = sum(os.path.getsize(p) for p in self.server.shards()
                          if os.path.basename(p).startswith("%d.ec" % v["id"]))
            self.assertLess(abs(on_disk / v["size_bytes"] - 1.5), 0.03, (on_disk, v["size_bytes"]))
        # The volume taking writes (made now if the last one just filled up) is three copies.
        self.s3.put_object(Bucket="coded", Key="last", Body=b"tail")
        self.objects["last"] = hashlib.sha256(b"tail").hexdigest()
        hot = [v for v in self.server.volumes() if v["coding"] == "none"]
        self.assertTrue(hot)
        for v in hot:
            self.assertEqual((v["replicas"], len(v["drives"])), (3, 3))
        self.check_all()

        # Two drives gone (server stopped, directories deleted), chosen among those
        # of the writable volume: it loses two of its three copies, and every coded
        # volume two of its six shards. Every object reads.
        victims = hot[0]["drives"][:2]
        self.server.proc.send_signal(signal.SIGTERM)
        self.server.proc.wait(timeout=30)
        for d in victims:
            shutil.rmtree(d)
        self.server.restart(rate="0")
        self.check_all()
        # The worker rebuilds the lost shards and re-codes the copy-short volumes.
        self.server.wait_for("full redundancy", lambda: all(
            v["coding"] == "coded" and v["shards_ok"] == 6 or v["coding"] == "none" and v["replicas"] == 3
            for v in self.server.volumes()))
        status = self.server.admin_ok("GET", "status")
        self.assertEqual((status["healthy"], status["repair_backlog"]), (True, 0), status)
        self.assertEqual(status["erasure"]["scheme"], "4+2")
        for v in self.coded():
            for i in range(6):
                self.assertTrue(glob.glob(os.path.join(self.server.root, "d*", "%d.ec%02d" % (v["id"], i))))
        self.check_all()

        # m+1 drives gone: coded objects answer 503 in S3's XML, never wrong bytes.
        self.server.proc.send_signal(signal.SIGTERM)
        self.server.proc.wait(timeout=30)
        for d in self.server.drives[1:4]:
            shutil.rmtree(d)
        self.server.restart(rate="1")  # too slow to have rebuilt anything meanwhile
        from botocore.exceptions import ClientError
        once = self.server.client(retries={"total_max_attempts": 1})  # a 503 is not retried
        unreadable = 0
        for key, digest in self.objects.items():
            try:
                body = once.get_object(Bucket="coded", Key=key)["Body"].read()
                self.assertEqual(hashlib.sha256(body).hexdigest(), digest, key)
            except ClientError as e:
                self.assertEqual((e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]),
                                 ("ServiceUnavailable", 503))
                self.assertEqual(e.response["Error"]["Message"], "Service is unable to handle request.")
                unreadable += 1
        self.assertGreater(unreadable, 0)
        status = self.server.admin_ok("GET", "status")
        self.assertFalse(status["healthy"])

    def test_encode_on_demand_and_scrub_repairs_flipped_bits(self):
        self.put_objects(30)
        vid = self.server.volumes()[0]["id"]
        answer = self.server.admin_ok("POST", "volumes/%d/encode" % vid, want=202)
        self.assertEqual(answer["coding"], "encoding")
        self.server.wait_for("volume %d coded" % vid,
                             lambda: self.server.admin_ok("GET", "volumes/%d" % vid)["coding"] == "coded")
        self.assertEqual(self.server.admin_ok("POST", "volumes/%d/encode" % vid)["coding"], "coded")
        self.assertEqual(glob.glob(os.path.join(self.server.root, "d*", "%d.dat" % vid)), [])
        self.check_all()
        shard = [p for p in self.server.shards() if os.path.basename(p) == "%d.ec01" % vid][0]
        good = read(shard)

        def flip():  # bits in the middle of one data shard, behind the server's back
            with open(shard, "r+b") as f:
                for off in range(4096 + 100, len(good) - 4096, 7000):
                    f.seek(off)
                    f.write(bytes([good[off] ^ 0xFF]))

        # While it runs: reads decode around the lie and mark the shard corrupt;
        # the worker repairs the degraded volume on its next pass.
        flip()
        self.check_all()
        self.server.wait_for("the degraded volume's repair", lambda: read(shard) == good)
        self.server.wait_for("the worker's count", lambda: self.server.admin_ok(
            "GET", "status")["erasure"]["worker"]["repaired"] == 1)
        self.assertIn("shard 1 is corrupt", self.server.read_log())
        worker = self.server.admin_ok("GET", "status")["erasure"]["worker"]
        self.assertEqual((worker["repaired"], worker["failures"]), (1, 0), worker)
        # While it is stopped: nothing reads the shard, the scrub finds it.
        self.server.proc.send_signal(signal.SIGTERM)
        self.server.proc.wait(timeout=30)
        flip()
        self.server.restart(rate="0", scrub="1s")
        self.server.wait_for("the scrub's repair", lambda: read(shard) == good)
        self.server.wait_for("the worker's count", lambda: self.server.admin_ok(
            "GET", "status")["erasure"]["worker"]["repaired"] == 1)
        worker = self.server.admin_ok("GET", "status")["erasure"]["worker"]
        self.assertGreaterEqual(worker["scrubbed"], 1)
        self.assertEqual((worker["bad_shards_found"], worker["repaired"], worker["failures"]), (1, 1, 0), worker)
        v = self.server.admin_ok("GET", "volumes/%d" % vid)
        self.assertEqual((v["coding"], v["shards_ok"]), ("coded", 6))
        self.check_all()

    def test_idle_volume_is_sealed_and_coded(self):
        self.put_objects(10)
        vid = self.server.volumes()[0]["id"]
        self.server.restart(rate="0", seal_idle="2s")
        started = time.time()
        self.server.wait_for("the idle volume coded",
                             lambda: self.server.admin_ok("GET", "volumes/%d" % vid)["coding"] == "coded")
        self.assertGreaterEqual(time.time() - started, 2)
        self.assertIn("volume %d sealed for coding: it has been idle" % vid, self.server.read_log())
        self.server.wait_for("the worker's count", lambda: self.server.admin_ok(
            "GET", "status")["erasure"]["worker"]["encoded"] == 1)  # counted just after the swap
        worker = self.server.admin_ok("GET", "status")["erasure"]["worker"]
        self.assertEqual((worker["sealed"], worker["encoded"], worker["failures"]), (1, 1, 0), worker)
        self.check_all()

    def test_admin_cli_encodes_and_shows_coding(self):
        self.put_objects(20)
        vid = self.server.volumes()[0]["id"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)

        def admin(*args):
            p = subprocess.run([BALE, "admin"] + list(args) + ["--endpoint", self.server.endpoint],
                               capture_output=True, text=True, env=env, timeout=60)
            return p.returncode, p.stdout, p.stderr

        code, out, err = admin("volume", "info", str(vid))
        self.assertEqual((code, err), (0, ""))
        self.assertIn("\ncoding:     none, 3 copies\n", out)
        code, out, err = admin("volume", "encode", str(vid))
        self.assertEqual((code, err), (0, ""), out)  # no progress bar: stderr is not a terminal
        self.assertIn("\nstate:      sealed\n", out)
        self.assertIn("\ncoding:     coded 4+2\n", out)
        self.assertRegex(out, r"\ndrives:     (%s/d\d, ){5}%s/d\d\n" % ((re.escape(self.server.root),) * 2))
        self.check_all()
        code, out, err = admin("volume", "list")
        self.assertEqual(code, 0)
        self.assertRegex(out, r"\n +%d +\S+ +sealed .* coded 4\+2 " % vid)
        code, out, err = admin("status")
        self.assertEqual(code, 0)
        self.assertIn("healthy:            yes\n", out)

    def test_kill_during_encoding_and_during_repair_loses_nothing(self):
        self.put_objects(45, max_size=120 << 10)
        vid = self.server.volumes()[0]["id"]
        # A slow background encoding (256 KiB/s of shard bytes), killed half way.
        # (An encoding asked for through the admin API runs unthrottled.)
        self.server.restart(rate="256KiB")
        self.server.admin_ok("POST", "volumes/%d/seal" % vid)
        self.server.wait_for("encoding under way", lambda: self.server.admin_ok(
            "GET", "volumes/%d" % vid)["coding_progress"] > 0.2, seconds=30)
        self.server.restart(rate="0", kill=True)
        self.check_all()  # still served from its copies
        self.server.wait_for("volume %d coded" % vid,
                             lambda: self.server.admin_ok("GET", "volumes/%d" % vid)["coding"] == "coded")
        self.assertRegex(self.server.read_log(), r"volume %d: resuming its encoding at row [1-9]" % vid)
        self.check_all()

        # Two shards lost; a slow repair killed half way; then it completes.
        self.server.proc.send_signal(signal.SIGTERM)
        self.server.proc.wait(timeout=30)
        lost = [p for p in self.server.shards() if re.search(r"/%d\.ec0[05]$" % vid, p)]
        self.assertEqual(len(lost), 2)
        saved = {p: read(p) for p in lost}
        for p in lost:
            os.remove(p)
        self.server.restart(rate="128KiB")
        self.server.wait_for("repair under way",
                             lambda: self.server.admin_ok("GET", "volumes/%d" % vid)["coding_progress"] > 0.2,
                             seconds=30)
        self.server.restart(rate="0", kill=True)
        self.check_all()
        self.server.wait_for("volume %d repaired" % vid,
                             lambda: self.server.admin_ok("GET", "volumes/%d" % vid)["shards_ok"] == 6)
        for p, data in saved.items():  # rebuilt byte for byte (on a drive holding no other shard)
            rebuilt = glob.glob(os.path.join(self.server.root, "d*", os.path.basename(p)))
            self.assertEqual(len(rebuilt), 1, rebuilt)
            self.assertEqual(read(rebuilt[0]), data)
        self.assertEqual(len({os.path.dirname(p) for p in self.server.shards()}), 6)
        self.check_all()

    def test_ec_refuses_layouts_the_drives_cannot_honour(self):
        out = subprocess.run([BALE, "serve", "--drives", ",".join(self.server.drives[:5]), "--ec", "4+2",
                              "--listen", "127.0.0.1:1"], capture_output=True, text=True, timeout=20)
        self.assertEqual(out.returncode, 2)
        self.assertEqual(out.stderr, "bale: --ec 4+2 puts 6 shards on distinct drives, but 5 drive(s) are "
                                     "given (--drives)\n")
        out = subprocess.run([BALE, "serve", "--ec", "4+9", "--listen", "127.0.0.1:1"],
                             capture_output=True, text=True, timeout=20)
        self.assertEqual(out.returncode, 2)
        self.assertIn("is not an erasure scheme K+M", out.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
