"""Bucket quotas and the admin API (docs/admin-api.md), against a live `bale
serve`: quotas enforced on PutObject, CopyObject, UploadPart and
CompleteMultipartUpload before any data is accepted, never passed by 64
concurrent uploads, usage exact after kill -9; users, keys and ownership;
admin calls refused to non-admin and bad credentials; bad values change
nothing."""
import concurrent.futures
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, REGION, SECRET_KEY, Server, error_of  # noqa: E402

SERVER = Server()
MIB = 1 << 20


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


def admin(method, path, body=None, access=ACCESS_KEY, secret=SECRET_KEY):
    return SERVER.admin(method, path, body, access, secret)


def admin_ok(method, path, body=None, want=200):
    return SERVER.admin_ok(method, path, body, want)


def error_code(result):
    status, doc = result
    return status, doc["error"]["code"]


def quota_error(s3, **kwargs):
    """The QuotaExceeded error a put_object raises, with its message."""
    from botocore.exceptions import ClientError
    try:
        s3.put_object(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], \
            e.response["Error"]["Message"]
    raise AssertionError("no error raised")


class QuotaTest(unittest.TestCase):
    def setUp(self):
        self.s3 = SERVER.client()

    def usage(self, bucket):
        return admin_ok("GET", "buckets/%s/usage" % bucket)

    def test_object_count_quota_refuses_the_next_object_and_frees_room_on_delete(self):
        self.s3.create_bucket(Bucket="qcount")
        self.assertEqual(admin_ok("PUT", "buckets/qcount/quota", {"max_objects": 3}),
                         {"max_bytes": 0, "max_objects": 3})
        for i in range(3):
            self.s3.put_object(Bucket="qcount", Key="k%d" % i, Body=b"x" * 10)
        code, status, message = quota_error(self.s3, Bucket="qcount", Key="k3", Body=b"y")
        self.assertEqual((code, status), ("QuotaExceeded", 403))
        self.assertEqual(message, "Bucket qcount is over its quota of 3 objects: 3 used, 0 reserved, "
                                  "this write needs 1 more.")
        self.assertEqual(error_of(self.s3.head_object, Bucket="qcount", Key="k3"), ("404", 404))
        # An overwrite adds no object: it fits in a full bucket.
        self.s3.put_object(Bucket="qcount", Key="k0", Body=b"z" * 20)
        self.s3.delete_object(Bucket="qcount", Key="k1")
        self.s3.put_object(Bucket="qcount", Key="k3", Body=b"y")
        self.assertEqual(self.usage("qcount"), {"bytes": 20 + 10 + 1, "objects": 3})
        self.assertEqual(admin_ok("DELETE", "buckets/qcount/quota"), {"max_bytes": 0, "max_objects": 0})
        self.s3.put_object(Bucket="qcount", Key="k4", Body=b"w")
        self.assertEqual(self.usage("qcount"), {"bytes": 32, "objects": 4})

    def test_byte_quota_credits_overwrites_and_covers_copies(self):
        self.s3.create_bucket(Bucket="qbytes")
        admin_ok("PUT", "buckets/qbytes/quota", {"max_bytes": 10000})
        self.s3.put_object(Bucket="qbytes", Key="a", Body=b"a" * 6000)
        code, status, message = quota_error(self.s3, Bucket="qbytes", Key="b", Body=b"b" * 5000)
        self.assertEqual((code, status), ("QuotaExceeded", 403))
        self.assertIn("quota of 10000 bytes: 6000 used", message)
        self.s3.put_object(Bucket="qbytes", Key="a", Body=b"a" * 9000)  # needs 3000 more: fits
        self.assertEqual(error_of(self.s3.copy_object, Bucket="qbytes", Key="c",
                                  CopySource={"Bucket": "qbytes", "Key": "a"}), ("QuotaExceeded", 403))
        self.s3.put_object(Bucket="qbytes", Key="d", Body=b"d" * 1000)  # exactly to the limit
        self.assertEqual(self.usage("qbytes"), {"bytes": 10000, "objects": 2})
        self.assertEqual(quota_error(self.s3, Bucket="qbytes", Key="e", Body=b"e")[:2],
                         ("QuotaExceeded", 403))
        self.assertEqual(admin_ok("GET", "buckets/qbytes")["usage"], {"bytes": 10000, "objects": 2})

    def test_64_concurrent_uploads_never_end_above_the_quota(self):
        self.s3.create_bucket(Bucket="qrace")
        admin_ok("PUT", "buckets/qrace/quota", {"max_bytes": 50 * 1000})
        clients = [SERVER.client(max_pool_connections=2) for _ in range(64)]

        def put(i):
            from botocore.exceptions import ClientError
            try:
                clients[i % 64].put_object(Bucket="qrace", Key="k%03d" % i, Body=b"r" * 1000)
                return "ok"
            except ClientError as e:
                return e.response["Error"]["Code"]

        with concurrent.futures.ThreadPoolExecutor(64) as pool:
            results = list(pool.map(put, range(128)))
        self.assertEqual(results.count("ok"), 50)
        self.assertEqual(results.count("QuotaExceeded"), 78)
        self.assertEqual(self.usage("qrace"), {"bytes": 50000, "objects": 50})
        listed = self.s3.list_objects_v2(Bucket="qrace")["KeyCount"]
        self.assertEqual(listed, 50)
        recount = admin_ok("POST", "buckets/qrace/usage/recount")
        self.assertEqual(recount, {"bytes": 50000, "objects": 50, "recounted": True,
                                   "counted_before": {"bytes": 50000, "objects": 50}})

    def test_multipart_parts_must_fit_and_the_completed_object_must_fit(self):
        self.s3.create_bucket(Bucket="qmulti")
        admin_ok("PUT", "buckets/qmulti/quota", {"max_bytes": 12 * MIB})
        up = self.s3.create_multipart_upload(Bucket="qmulti", Key="big")["UploadId"]
        etags = []
        for n in (1, 2, 3):
            r = self.s3.upload_part(Bucket="qmulti", Key="big", UploadId=up, PartNumber=n,
                                    Body=bytes([n]) * (5 * MIB))
            etags.append(r["ETag"])
        self.assertEqual(error_of(self.s3.upload_part, Bucket="qmulti", Key="big", UploadId=up,
                                  PartNumber=4, Body=b"4" * (13 * MIB)), ("QuotaExceeded", 403))
        parts = [{"PartNumber": n, "ETag": etags[n - 1]} for n in (1, 2, 3)]
        self.assertEqual(error_of(self.s3.complete_multipart_upload, Bucket="qmulti", Key="big",
                                  UploadId=up, MultipartUpload={"Parts": parts}), ("QuotaExceeded", 403))
        self.assertEqual(len(self.s3.list_parts(Bucket="qmulti", Key="big", UploadId=up)["Parts"]), 3)
        self.assertEqual(self.usage("qmulti"), {"bytes": 0, "objects": 0})
        self.s3.complete_multipart_upload(Bucket="qmulti", Key="big", UploadId=up,
                                          MultipartUpload={"Parts": parts[:2]})
        self.assertEqual(self.usage("qmulti"), {"bytes": 10 * MIB, "objects": 1})
        got = self.s3.get_object(Bucket="qmulti", Key="big")["Body"].read()
        self.assertEqual(got, b"\x01" * (5 * MIB) + b"\x02" * (5 * MIB))

    def test_usage_stays_exact_after_kill_9_and_restart(self):
        self.s3.create_bucket(Bucket="qcrash")
        admin_ok("PUT", "buckets/qcrash/quota", {"max_bytes": 1 << 30, "max_objects": 1000})
        for i in range(40):
            self.s3.put_object(Bucket="qcrash", Key="k%02d" % i, Body=b"c" * (100 + i))
        for i in range(0, 40, 3):
            self.s3.delete_object(Bucket="qcrash", Key="k%02d" % i)
        for i in range(1, 40, 5):
            self.s3.put_object(Bucket="qcrash", Key="k%02d" % i, Body=b"o" * 7)
        expected = {"bytes": 0, "objects": 0}
        for o in self.s3.list_objects_v2(Bucket="qcrash")["Contents"]:
            expected["bytes"] += o["Size"]
            expected["objects"] += 1
        SERVER.crash_and_restart()
        self.assertEqual(self.usage("qcrash"), expected)
        recount = admin_ok("POST", "buckets/qcrash/usage/recount")
        self.assertEqual(recount["counted_before"], expected)
        self.assertEqual({"bytes": recount["bytes"], "objects": recount["objects"]}, expected)
        self.assertEqual(admin_ok("GET", "buckets/qcrash/quota"), {"max_bytes": 1 << 30, "max_objects": 1000})


class AdminApiTest(unittest.TestCase):
    def test_bad_quota_values_are_refused_and_change_nothing(self):
        s3 = SERVER.client()
        s3.create_bucket(Bucket="qbad")
        admin_ok("PUT", "buckets/qbad/quota", {"max_bytes": 5000, "max_objects": 7})
        for body, code in [({"max_bytes": -1}, "InvalidArgument"),
                           ({"max_bytes": "10GiB"}, "InvalidArgument"),
                           ({"max_objects": 2 ** 63}, "InvalidArgument"),
                           ({"max_objects": 1.5}, "InvalidArgument"),
                           ({"max_size": 10}, "InvalidArgument"),
                           (b"{not json", "MalformedJSON"),
                           (b"[1, 2]", "MalformedJSON")]:
            self.assertEqual(error_code(admin("PUT", "buckets/qbad/quota", body)), (400, code), body)
        self.assertEqual(admin_ok("GET", "buckets/qbad/quota"), {"max_bytes": 5000, "max_objects": 7})
        self.assertEqual(error_code(admin("GET", "buckets/nosuch/quota")), (404, "NoSuchBucket"))
        self.assertEqual(error_code(admin("PUT", "buckets/nosuch/quota", {"max_bytes": 1})),
                         (404, "NoSuchBucket"))
        self.assertEqual(error_code(admin("PATCH", "buckets/qbad/quota")), (405, "MethodNotAllowed"))

    def test_credentials_and_admin_rights_are_checked(self):
        self.assertEqual(error_code(admin("GET", "status", secret="wrong" + SECRET_KEY[5:])),
                         (403, "SignatureDoesNotMatch"))
        self.assertEqual(error_code(admin("GET", "status", access="BALENOSUCHKEY0000000")),
                         (403, "InvalidAccessKeyId"))
        user = admin_ok("POST", "users", {"user_id": "plain", "display_name": "Plain"}, want=201)
        self.assertEqual((user["user_id"], user["admin"], user["disabled"], user["keys"]),
                         ("plain", False, False, 0))
        key = admin_ok("POST", "users/plain/keys", want=201)
        self.assertEqual(len(key["secret_key"]), 40)
        self.assertEqual(error_code(admin("GET", "status", access=key["access_key_id"],
                                          secret=key["secret_key"])), (403, "AccessDenied"))
        self.assertEqual(error_code(admin("POST", "users", {"user_id": "plain"})),
                         (409, "UserAlreadyExists"))
        self.assertEqual(error_code(admin("POST", "users", {"user_id": "bad/id"})),
                         (400, "InvalidArgument"))
        status = admin_ok("GET", "status")
        self.assertEqual((status["healthy"], status["problems"], status["version"]), (True, [], "0.1.0"))

    def test_users_keys_disable_revoke_delete_and_ownership_transfer(self):
        admin_ok("POST", "users", {"user_id": "carol"}, want=201)
        key = admin_ok("POST", "users/carol/keys", want=201)
        listed = admin_ok("GET", "users/carol/keys")["keys"]
        self.assertEqual([(k["access_key_id"], k["active"]) for k in listed], [(key["access_key_id"], True)])
        self.assertNotIn("secret_key", listed[0])
        carol = SERVER.client(access=key["access_key_id"], secret=key["secret_key"])
        carol.create_bucket(Bucket="carols")
        root = SERVER.client()
        self.assertEqual(error_of(root.list_objects_v2, Bucket="carols"), ("AccessDenied", 403))

        admin_ok("POST", "users/carol/disable")
        self.assertEqual(error_of(carol.list_objects_v2, Bucket="carols"), ("AccessDenied", 403))
        admin_ok("POST", "users/carol/enable")
        carol.put_object(Bucket="carols", Key="x", Body=b"1")

        self.assertEqual(error_code(admin("DELETE", "users/carol")), (409, "UserHasBuckets"))
        moved = admin_ok("PUT", "buckets/carols/owner", {"user_id": "root"})
        self.assertEqual(moved["owner"], "root")
        self.assertEqual(root.get_object(Bucket="carols", Key="x")["Body"].read(), b"1")
        self.assertEqual(error_of(carol.list_objects_v2, Bucket="carols"), ("AccessDenied", 403))
        self.assertEqual(error_code(admin("PUT", "buckets/carols/owner", {"user_id": "nobody"})),
                         (404, "NoSuchUser"))

        self.assertEqual(admin("DELETE", "keys/" + key["access_key_id"]), (204, None))
        self.assertEqual(error_of(carol.list_buckets), ("InvalidAccessKeyId", 403))
        self.assertEqual(error_code(admin("DELETE", "keys/" + key["access_key_id"])),
                         (404, "NoSuchAccessKey"))
        self.assertEqual(admin("DELETE", "users/carol"), (204, None))
        self.assertEqual(error_code(admin("GET", "users/carol")), (404, "NoSuchUser"))
        self.assertEqual(error_code(admin("DELETE", "users/root")), (400, "InvalidArgument"))

    def test_volumes_list_seal_and_compact(self):
        s3 = SERVER.client()
        s3.create_bucket(Bucket="qvol")
        for i in range(20):
            s3.put_object(Bucket="qvol", Key="k%d" % i, Body=b"v" * 5000)
            s3.delete_object(Bucket="qvol", Key="k%d" % i)
        volumes = admin_ok("GET", "volumes")["volumes"]
        self.assertGreater(len(volumes), 0)
        self.assertEqual({v["state"] for v in volumes}, {"writable"})
        dirty = max(volumes, key=lambda v: v["garbage_ratio"])
        self.assertGreater(dirty["garbage_ratio"], 0.5)
        started = admin_ok("POST", "volumes/%d/compact" % dirty["id"], want=202)
        self.assertEqual(started["id"], dirty["id"])
        import time
        deadline = time.time() + 30
        while admin_ok("GET", "volumes/%d" % dirty["id"])["compacting"] and time.time() < deadline:
            time.sleep(0.05)
        after = admin_ok("GET", "volumes/%d" % dirty["id"])
        self.assertEqual((after["compacting"], after["garbage_ratio"]), (False, 0))
        sealed = admin_ok("POST", "volumes/%d/seal" % dirty["id"])
        self.assertEqual(sealed["state"], "sealed")
        self.assertEqual(error_code(admin("GET", "volumes/999999")), (404, "NoSuchVolume"))
        # One drive: no erasure scheme to encode with.
        self.assertEqual(error_code(admin("POST", "volumes/%d/encode" % dirty["id"])),
                         (400, "InvalidRequest"))
        drives = admin_ok("GET", "drives")["drives"]
        self.assertEqual(len(drives), 1)
        self.assertEqual(drives[0]["state"], "ok")
        self.assertEqual(drives[0]["volumes"], len(volumes))


if __name__ == "__main__":
    unittest.main(verbosity=2)
