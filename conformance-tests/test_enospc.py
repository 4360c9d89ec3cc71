"""ENOSPC in the middle of a part, on a real full file system: `bale serve`
keeps its volumes (--drives) on a 64 MiB tmpfs mounted for this test, filled
to leave room for one 8 MiB chunk of a 24 MiB part: the drive runs out while
the part is being written. The client gets 503 SlowDown with a message saying the server is out of
space (docs/s3-compatibility.md); the half-written part never shows (ListParts
lists only the parts that were stored), the server keeps serving, and once
space is freed the part is uploaded again and the upload completes
byte-exact. Runs under Debian's boto3 1.26 and the image's boto3 1.43.

Needs root to mount the tmpfs; without it the test exits 77 (meson: SKIP).
Metadata stays on the ordinary disk (--data), so only needle writes fail."""
import hashlib
import os
import subprocess
import sys
import tempfile
import unittest

from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, error_of  # noqa: E402

MIB = 1 << 20
TMPFS_SIZE = 64 * MIB
ROOM_LEFT = 12 * MIB  # free space when the big part starts: one 8 MiB chunk fits
OUT_OF_SPACE = ("Please reduce your request rate. The server is out of storage space for this "
                "request; retry once space has been freed.")
MOUNT = None
SERVER = None


def mount_tmpfs():
    path = tempfile.mkdtemp(prefix="bale-enospc-")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d" % TMPFS_SIZE, "tmpfs", path],
                          capture_output=True, text=True)
    if done.returncode != 0:
        os.rmdir(path)
        return None, done.stderr.strip() or "mount exited %d" % done.returncode
    return path, None


def unmount(path):
    subprocess.run(["umount", path], check=True)
    os.rmdir(path)


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def setUpModule():
    global MOUNT, SERVER
    MOUNT, why = mount_tmpfs()
    if MOUNT is None:
        raise RuntimeError("cannot mount a tmpfs: " + why)
    SERVER = Server(extra_args=["--drives", MOUNT])
    try:
        SERVER.start()
    except BaseException:
        unmount(MOUNT)
        raise


def tearDownModule():
    try:
        SERVER.stop()
    finally:
        unmount(MOUNT)


def multipart_etag(parts):
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return '"%s-%d"' % (digest, len(parts))


class EnospcTest(unittest.TestCase):
    def test_disk_full_in_the_middle_of_a_part(self):
        s3 = SERVER.client(retries={"total_max_attempts": 1})  # each refused write once
        bucket, key = "enospc", "video.bin"
        s3.create_bucket(Bucket=bucket)
        before = os.urandom(300 * 1024)
        s3.put_object(Bucket=bucket, Key="before", Body=before)
        upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        data = {1: os.urandom(5 * MIB), 2: os.urandom(24 * MIB), 3: os.urandom(MIB)}

        def put_part(n):
            return s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n,
                                  Body=data[n])["ETag"]

        etags = {1: put_part(1), 3: put_part(3)}

        filler = os.path.join(MOUNT, "filler")
        with open(filler, "wb") as f:
            f.write(b"\0" * (free_bytes(MOUNT) - ROOM_LEFT))
        self.assertLess(free_bytes(MOUNT), len(data[2]))

        try:
            s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=2, Body=data[2])
            self.fail("a 24 MiB part fitted in %d free bytes" % ROOM_LEFT)
        except ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "SlowDown")
            self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 503)
            self.assertEqual(e.response["Error"]["Message"], OUT_OF_SPACE)
        self.assertIn("No space left on device", SERVER.read_log())  # a real ENOSPC

        # The half-written part is nowhere; the upload is as it was.
        listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)["Parts"]
        self.assertEqual([(p["PartNumber"], p["ETag"], p["Size"]) for p in listed],
                         [(n, etags[n], len(data[n])) for n in (1, 3)])
        self.assertEqual(error_of(s3.head_object, Bucket=bucket, Key=key)[1], 404)
        # Still full, the server serves what it has, and refuses writes that
        # do not fit the same way.
        self.assertEqual(s3.get_object(Bucket=bucket, Key="before")["Body"].read(), before)
        self.assertEqual(error_of(s3.put_object, Bucket=bucket, Key="big", Body=data[2]),
                         ("SlowDown", 503))
        self.assertEqual([o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]],
                         ["before"])

        # Space freed: the part goes in, the upload completes, byte-exact.
        os.remove(filler)
        etags[2] = put_part(2)
        self.assertEqual(etags[2], '"%s"' % hashlib.md5(data[2]).hexdigest())
        done = s3.complete_multipart_upload(
            Bucket=bucket, Key=key, UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etags[n]} for n in (1, 2, 3)]})
        whole = [data[n] for n in (1, 2, 3)]
        self.assertEqual(done["ETag"], multipart_etag(whole))
        got = s3.get_object(Bucket=bucket, Key=key)
        self.assertEqual(got["ContentLength"], sum(map(len, whole)))
        self.assertEqual(hashlib.sha256(got["Body"].read()).digest(),
                         hashlib.sha256(b"".join(whole)).digest())
        self.assertEqual(s3.get_object(Bucket=bucket, Key="before")["Body"].read(), before)


if __name__ == "__main__":
    probe, why = mount_tmpfs()
    if probe is None:
        print("SKIP: cannot mount a tmpfs here (%s); this test needs root" % why)
        sys.exit(77)
    unmount(probe)
    unittest.main(verbosity=2)
