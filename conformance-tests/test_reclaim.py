"""Space comes back without anyone running a command: deleted, overwritten and
aborted data is compacted away by the background worker, and multipart
uploads left incomplete past --upload-expiry are aborted and reclaimed.
Figures come from the admin API (docs/admin-api.md)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, error_of, wait_for  # noqa: E402

# A 1 MiB garbage floor: the worker runs while the test writes, and whatever is
# left after its last pass (the aborted parts, say) must still be worth a pass.
SERVER = Server(["--compact-interval", "1s", "--compact-rate", "0", "--upload-expiry", "3s",
                 "--volumes", "1", "--compact-min-garbage", "1MiB"])
MIB = 1 << 20


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


def admin_ok(method, path):
    return SERVER.admin_ok(method, path)


def dat_bytes():
    return sum(v["size_bytes"] for v in admin_ok("GET", "volumes")["volumes"])


def compaction():
    return admin_ok("GET", "status")["compaction"]


class ReclaimTest(unittest.TestCase):
    def test_deleted_overwritten_and_aborted_bytes_come_back_and_expired_uploads_go(self):
        s3 = SERVER.client()
        s3.create_bucket(Bucket="reclaim")
        for i in range(3):  # 2 x 4 MiB overwritten
            s3.put_object(Bucket="reclaim", Key="keep", Body=bytes([i]) * (4 * MIB))
        keep = b"k" * 100_000
        s3.put_object(Bucket="reclaim", Key="keep", Body=keep)
        for i in range(20):  # 20 MiB deleted
            s3.put_object(Bucket="reclaim", Key="gone%d" % i, Body=bytes([i]) * MIB)
        for i in range(20):
            s3.delete_object(Bucket="reclaim", Key="gone%d" % i)
        up = s3.create_multipart_upload(Bucket="reclaim", Key="aborted")["UploadId"]
        for n in (1, 2):  # 12 MiB aborted
            s3.upload_part(Bucket="reclaim", Key="aborted", UploadId=up, PartNumber=n, Body=b"a" * (6 * MIB))
        s3.abort_multipart_upload(Bucket="reclaim", Key="aborted", UploadId=up)
        # The worker may already be at work (it looks every second): judge by
        # what it reports reclaimed and by what is left.
        self.assertTrue(wait_for(lambda: dat_bytes() < 1 * MIB and not compaction()["running"], 30),
                        admin_ok("GET", "volumes"))
        status = compaction()
        self.assertEqual((status["running"], status["failures"]), (False, 0))
        self.assertGreaterEqual(status["compactions"], 1)
        self.assertGreaterEqual(status["reclaimed_bytes"], 44 * MIB)
        self.assertEqual(s3.get_object(Bucket="reclaim", Key="keep")["Body"].read(), keep)
        self.assertEqual(admin_ok("GET", "buckets/reclaim/usage"), {"bytes": 100_000, "objects": 1})

        # Left incomplete: aborted once older than --upload-expiry (3 s), then compacted away.
        stale = s3.create_multipart_upload(Bucket="reclaim", Key="stale")["UploadId"]
        s3.upload_part(Bucket="reclaim", Key="stale", UploadId=stale, PartNumber=1, Body=b"s" * (20 * MIB))
        self.assertEqual(len(s3.list_parts(Bucket="reclaim", Key="stale", UploadId=stale)["Parts"]), 1)
        self.assertTrue(wait_for(lambda: self._upload_gone(s3, stale), 20))
        self.assertEqual(error_of(s3.list_parts, Bucket="reclaim", Key="stale", UploadId=stale),
                         ("NoSuchUpload", 404))
        self.assertTrue(wait_for(lambda: dat_bytes() < 1 * MIB, 30), admin_ok("GET", "volumes"))
        self.assertIn("aborted upload " + stale, SERVER.read_log())
        self.assertEqual(s3.get_object(Bucket="reclaim", Key="keep")["Body"].read(), keep)

    @staticmethod
    def _upload_gone(s3, upload_id):
        from botocore.exceptions import ClientError
        try:
            s3.list_parts(Bucket="reclaim", Key="stale", UploadId=upload_id)
            return False
        except ClientError:
            return True


if __name__ == "__main__":
    unittest.main(verbosity=2)
