"""boto3 against a live `bale serve`: CopyObject, DeleteObjects and object
tagging, with exact results and exact S3 errors. Runs under both Debian's
boto3 1.26 (/usr/bin/python3: Content-MD5 on DeleteObjects) and the image's
boto3 1.43 (CRC32 checksum headers instead)."""
import base64
import contextlib
import datetime
import hashlib
import os
import sys
import unittest

import boto3
import botocore
from botocore import UNSIGNED
from botocore.exceptions import ClientError, ParamValidationError

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server  # noqa: E402

SERVER = Server()
MIB = 1 << 20
SELF_COPY = ("This copy request is illegal because it is trying to copy an object to itself "
             "without changing the object's metadata, storage class, website redirect location "
             "or encryption attributes.")


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


def client(**cfg):
    return SERVER.client(**cfg)


def error_of(call, *args, **kwargs):
    """(code, HTTP status) of the ClientError a call raises."""
    return error_message_of(call, *args, **kwargs)[:2]


def error_message_of(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ClientError as e:
        err = e.response["Error"]
        return err["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], err.get("Message")
    raise AssertionError("no error raised")


EDITS = {}  # operation name -> edit(request), for the client `editing` yields


def edit_before_signing(request, operation_name=None, **_):
    if operation_name in EDITS:
        EDITS[operation_name](request)


@contextlib.contextmanager
def editing(operation, edit):
    """A client whose `operation` requests go through edit(request) just
    before signing (after the SDK added its Content-MD5 or checksum)."""
    EDITS[operation] = edit
    try:
        yield MoreTest.edited
    finally:
        del EDITS[operation]


def drop_checksums(request):
    for name in list(request.headers.keys()):
        lower = name.lower()
        if lower == "content-md5" or lower.startswith("x-amz-checksum-") or \
                lower == "x-amz-sdk-checksum-algorithm":
            del request.headers[name]


def set_header(request, name, value):
    if name in request.headers:  # assigning adds a second header
        del request.headers[name]
    request.headers[name] = value


def replace_body(body):
    def edit(request):
        drop_checksums(request)
        request.data = body
        set_header(request, "Content-Length", str(len(body)))
        set_header(request, "Content-MD5", base64.b64encode(hashlib.md5(body).digest()).decode())
    return edit


def corrupt_checksum(request):
    for name in list(request.headers.keys()):
        lower = name.lower()
        if lower == "content-md5":
            set_header(request, name, base64.b64encode(hashlib.md5(b"other").digest()).decode())
        elif lower.startswith("x-amz-checksum-"):
            set_header(request, name, "AAAAAA==")


class MoreTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = client()
        version = botocore.__version__.replace(".", "-")
        cls.bucket = "more-" + version
        cls.other = "more-dst-" + version
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.s3.create_bucket(Bucket=cls.other)
        cls.edited = client()
        cls.edited.meta.events.register("before-sign.s3", edit_before_signing)
        cls.anonymous = client(signature_version=UNSIGNED)

    # ---- CopyObject

    def test_copy_across_buckets_is_byte_exact_and_independent(self):
        s3, b, o = self.s3, self.bucket, self.other
        body = os.urandom(9 * MIB + 17)  # two needles
        put = s3.put_object(Bucket=b, Key="src/big", Body=body, ContentType="image/png",
                            ContentEncoding="identity", ContentDisposition="inline",
                            ContentLanguage="fr", CacheControl="no-store",
                            Metadata={"Color": "red"}, Tagging="k=v")
        r = s3.copy_object(Bucket=o, Key="dst/big copy+1", CopySource={"Bucket": b, "Key": "src/big"})
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(r["CopyObjectResult"]["ETag"], put["ETag"])
        head = s3.head_object(Bucket=o, Key="dst/big copy+1")
        self.assertEqual(r["CopyObjectResult"]["LastModified"].replace(microsecond=0), head["LastModified"])
        self.assertEqual(head["ETag"], put["ETag"])
        self.assertEqual(head["ContentLength"], len(body))
        self.assertEqual(head["ContentType"], "image/png")
        self.assertEqual(head["ContentEncoding"], "identity")
        self.assertEqual(head["ContentDisposition"], "inline")
        self.assertEqual(head["ContentLanguage"], "fr")
        self.assertEqual(head["CacheControl"], "no-store")
        self.assertEqual(head["Metadata"], {"color": "red"})
        self.assertEqual(s3.get_object_tagging(Bucket=o, Key="dst/big copy+1")["TagSet"],
                         [{"Key": "k", "Value": "v"}])
        # The copy has needles of its own: deleting either leaves the other whole.
        s3.delete_object(Bucket=b, Key="src/big")
        self.assertEqual(s3.get_object(Bucket=o, Key="dst/big copy+1")["Body"].read(), body)
        # The header as sent on the wire: URL-encoded, with a leading slash.
        with editing("CopyObject", lambda request: set_header(
                request, "x-amz-copy-source", "/%s/dst/big%%20copy%%2B1" % o)) as raw:
            raw.copy_object(Bucket=b, Key="src/big", CopySource="replaced/by-the-hook")
        s3.delete_object(Bucket=o, Key="dst/big copy+1")
        self.assertEqual(s3.get_object(Bucket=b, Key="src/big")["Body"].read(), body)
        # Overwriting a copy frees its needles, not the source's.
        s3.put_object(Bucket=o, Key="dst/small", Body=b"x")
        s3.copy_object(Bucket=o, Key="dst/small", CopySource=b + "/src/big")
        s3.put_object(Bucket=o, Key="dst/small", Body=b"y")
        self.assertEqual(s3.get_object(Bucket=b, Key="src/big")["Body"].read(), body)
        self.assertEqual(s3.get_object(Bucket=o, Key="dst/small")["Body"].read(), b"y")

    def test_copy_empty_object(self):
        s3, b = self.s3, self.bucket
        put = s3.put_object(Bucket=b, Key="empty", Body=b"")
        r = s3.copy_object(Bucket=b, Key="empty-copy", CopySource=b + "/empty")
        self.assertEqual(r["CopyObjectResult"]["ETag"], put["ETag"])
        self.assertEqual(s3.get_object(Bucket=b, Key="empty-copy")["Body"].read(), b"")

    def test_copy_checksums(self):
        s3, b = self.s3, self.bucket
        body = b"checksummed " * 1000
        put = s3.put_object(Bucket=b, Key="ck", Body=body, ChecksumAlgorithm="CRC32")
        # The source's checksum travels with the data...
        r = s3.copy_object(Bucket=b, Key="ck-copy", CopySource=b + "/ck")
        self.assertEqual(r["CopyObjectResult"]["ChecksumCRC32"], put["ChecksumCRC32"])
        # ...unless the copy asks for another one, computed over the copied bytes.
        r = s3.copy_object(Bucket=b, Key="ck-copy", CopySource=b + "/ck", ChecksumAlgorithm="SHA256")
        sha256 = base64.b64encode(hashlib.sha256(body).digest()).decode()
        self.assertEqual(r["CopyObjectResult"]["ChecksumSHA256"], sha256)
        self.assertNotIn("ChecksumCRC32", r["CopyObjectResult"])
        head = s3.head_object(Bucket=b, Key="ck-copy", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumSHA256"], sha256)
        self.assertNotIn("ChecksumCRC32", head)

    def test_metadata_directive(self):
        s3, b = self.s3, self.bucket
        s3.put_object(Bucket=b, Key="md", Body=b"data", ContentType="text/plain",
                      Metadata={"old": "1"})
        # COPY (the default) ignores what the request says.
        s3.copy_object(Bucket=b, Key="md-copy", CopySource=b + "/md", ContentType="text/html",
                       Metadata={"new": "2"})
        head = s3.head_object(Bucket=b, Key="md-copy")
        self.assertEqual((head["ContentType"], head["Metadata"]), ("text/plain", {"old": "1"}))
        s3.copy_object(Bucket=b, Key="md-copy", CopySource=b + "/md", MetadataDirective="REPLACE",
                       ContentType="text/html", Metadata={"New": "2"}, CacheControl="max-age=9")
        head = s3.head_object(Bucket=b, Key="md-copy")
        self.assertEqual((head["ContentType"], head["Metadata"], head["CacheControl"]),
                         ("text/html", {"new": "2"}, "max-age=9"))
        s3.copy_object(Bucket=b, Key="md-copy", CopySource=b + "/md", MetadataDirective="REPLACE")
        head = s3.head_object(Bucket=b, Key="md-copy")
        self.assertEqual((head["ContentType"], head["Metadata"]), ("binary/octet-stream", {}))
        self.assertEqual(s3.get_object(Bucket=b, Key="md-copy")["Body"].read(), b"data")
        self.assertEqual(error_of(s3.copy_object, Bucket=b, Key="md-copy", CopySource=b + "/md",
                                  MetadataDirective="MERGE"), ("InvalidArgument", 400))
        self.assertEqual(error_of(s3.copy_object, Bucket=b, Key="md-copy", CopySource=b + "/md",
                                  MetadataDirective="REPLACE", Metadata={"k": "v" * 2100}),
                         ("MetadataTooLarge", 400))

    def test_copy_onto_itself(self):
        s3, b = self.s3, self.bucket
        body = os.urandom(3 * MIB)
        etag = s3.put_object(Bucket=b, Key="self", Body=body, Metadata={"a": "1"})["ETag"]
        self.assertEqual(error_message_of(s3.copy_object, Bucket=b, Key="self", CopySource=b + "/self"),
                         ("InvalidRequest", 400, SELF_COPY))
        self.assertEqual(error_message_of(s3.copy_object, Bucket=b, Key="self", CopySource=b + "/self",
                                          MetadataDirective="COPY", TaggingDirective="REPLACE"),
                         ("InvalidRequest", 400, SELF_COPY))
        r = s3.copy_object(Bucket=b, Key="self", CopySource=b + "/self", MetadataDirective="REPLACE",
                           Metadata={"b": "2"})
        self.assertEqual(r["CopyObjectResult"]["ETag"], etag)
        got = s3.get_object(Bucket=b, Key="self")
        self.assertEqual(got["Metadata"], {"b": "2"})
        self.assertEqual(got["Body"].read(), body)

    def test_copy_source_conditions(self):
        s3, b = self.s3, self.bucket
        etag = s3.put_object(Bucket=b, Key="cond", Body=b"v1")["ETag"]
        past = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
        future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
        src = b + "/cond"

        def copy(**kw):
            return s3.copy_object(Bucket=b, Key="cond-copy", CopySource=src, **kw)
        for ok in ({"CopySourceIfMatch": etag}, {"CopySourceIfMatch": etag.strip('"')},
                   {"CopySourceIfNoneMatch": '"other"'}, {"CopySourceIfModifiedSince": past},
                   {"CopySourceIfUnmodifiedSince": future},
                   # if-match that holds wins over if-unmodified-since that fails,
                   {"CopySourceIfMatch": etag, "CopySourceIfUnmodifiedSince": past},
                   # if-none-match that holds over if-modified-since that fails.
                   {"CopySourceIfNoneMatch": '"other"', "CopySourceIfModifiedSince": future}):
            self.assertEqual(copy(**ok)["CopyObjectResult"]["ETag"], etag, ok)
        for failing in ({"CopySourceIfMatch": '"other"'}, {"CopySourceIfNoneMatch": etag},
                        {"CopySourceIfModifiedSince": future}, {"CopySourceIfUnmodifiedSince": past},
                        {"CopySourceIfMatch": '"other"', "CopySourceIfUnmodifiedSince": future},
                        {"CopySourceIfNoneMatch": etag, "CopySourceIfModifiedSince": past}):
            self.assertEqual(error_of(copy, **failing), ("PreconditionFailed", 412), failing)

    def test_copy_errors(self):
        s3, b = self.s3, self.bucket
        s3.put_object(Bucket=b, Key="e", Body=b"e")
        self.assertEqual(error_of(s3.copy_object, Bucket=b, Key="x", CopySource=b + "/missing"),
                         ("NoSuchKey", 404))
        self.assertEqual(error_of(s3.copy_object, Bucket=b, Key="x", CopySource="no-such-bucket/e"),
                         ("NoSuchBucket", 404))
        self.assertEqual(error_of(s3.copy_object, Bucket="no-such-bucket", Key="x", CopySource=b + "/e"),
                         ("NoSuchBucket", 404))
        for bad in ("nokey", b + "/", "/" + b):
            self.assertEqual(error_message_of(s3.copy_object, Bucket=b, Key="x", CopySource=bad),
                             ("InvalidArgument", 400, "Copy Source must mention the source bucket "
                              "and key: sourcebucket/sourcekey"), bad)
        self.assertEqual(error_of(s3.copy_object, Bucket=b, Key="x",
                                  CopySource={"Bucket": b, "Key": "e", "VersionId": "3HL4kqtJ"}),
                         ("NotImplemented", 501))
        s3.copy_object(Bucket=b, Key="x", CopySource={"Bucket": b, "Key": "e", "VersionId": "null"})
        self.assertEqual(error_of(s3.copy_object, Bucket=b, Key="x", CopySource=b + "/e",
                                  TaggingDirective="MERGE"), ("InvalidArgument", 400))
        self.assertEqual(error_of(self.anonymous.copy_object, Bucket=b, Key="x", CopySource=b + "/e"),
                         ("AccessDenied", 403))

    def test_copy_tagging_directive(self):
        s3, b = self.s3, self.bucket
        s3.put_object(Bucket=b, Key="tagged", Body=b"t", Tagging="a=1&b=2")
        s3.copy_object(Bucket=b, Key="tc", CopySource=b + "/tagged", Tagging="ignored=1")
        self.assertEqual(s3.get_object_tagging(Bucket=b, Key="tc")["TagSet"],
                         [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        s3.copy_object(Bucket=b, Key="tc", CopySource=b + "/tagged", TaggingDirective="REPLACE",
                       Tagging="x=y%20z")
        self.assertEqual(s3.get_object_tagging(Bucket=b, Key="tc")["TagSet"], [{"Key": "x", "Value": "y z"}])
        s3.copy_object(Bucket=b, Key="tc", CopySource=b + "/tagged", TaggingDirective="REPLACE")
        self.assertEqual(s3.get_object_tagging(Bucket=b, Key="tc")["TagSet"], [])
        self.assertEqual(error_of(s3.copy_object, Bucket=b, Key="tc", CopySource=b + "/tagged",
                                  TaggingDirective="REPLACE", Tagging="a=1&a=2"), ("InvalidArgument", 400))

    # ---- DeleteObjects

    def test_delete_objects(self):
        s3, b = self.s3, self.bucket
        keys = ["del/a", "del/b c", "del/\u00e9&<x>", "del/d"]
        for k in keys:
            s3.put_object(Bucket=b, Key=k, Body=k.encode())
        r = s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": k} for k in keys + ["del/missing"]]})
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual([d["Key"] for d in r["Deleted"]], keys + ["del/missing"])
        self.assertNotIn("Errors", r)
        self.assertNotIn("Contents", s3.list_objects_v2(Bucket=b, Prefix="del/"))
        # Quiet: only errors are listed.
        s3.put_object(Bucket=b, Key="del/q", Body=b"q")
        r = s3.delete_objects(Bucket=b, Delete={"Quiet": True, "Objects": [
            {"Key": "del/q"}, {"Key": "del/v", "VersionId": "3HL4kqtJ"}]})
        self.assertNotIn("Deleted", r)
        self.assertEqual(r["Errors"], [{"Key": "del/v", "VersionId": "3HL4kqtJ", "Code": "NoSuchVersion",
                                        "Message": "The specified version does not exist."}])
        self.assertEqual(error_of(s3.head_object, Bucket=b, Key="del/q"), ("404", 404))
        r = s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "del/n", "VersionId": "null"}]})
        self.assertEqual(r["Deleted"], [{"Key": "del/n", "VersionId": "null"}])
        self.assertEqual(error_of(s3.delete_objects, Bucket=b, Delete={
            "Objects": [{"Key": "k%d" % i} for i in range(1001)]}), ("MalformedXML", 400))
        self.assertEqual(error_of(s3.delete_objects, Bucket="no-such-bucket",
                                  Delete={"Objects": [{"Key": "k"}]}), ("NoSuchBucket", 404))

    def test_delete_objects_with_etag_condition(self):
        s3, b = self.s3, self.bucket
        etag = s3.put_object(Bucket=b, Key="cd/a", Body=b"a")["ETag"]
        try:
            r = s3.delete_objects(Bucket=b, Delete={"Objects": [
                {"Key": "cd/a", "ETag": '"0000"'}, {"Key": "cd/none", "ETag": etag}]})
        except ParamValidationError:
            self.skipTest("this botocore has no conditional DeleteObjects")
        self.assertEqual([(e["Key"], e["Code"]) for e in r["Errors"]],
                         [("cd/a", "PreconditionFailed"), ("cd/none", "NoSuchKey")])
        r = s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "cd/a", "ETag": etag}]})
        self.assertEqual(r["Deleted"], [{"Key": "cd/a"}])

    def test_delete_objects_body_checks(self):
        b = self.bucket
        self.s3.put_object(Bucket=b, Key="keep", Body=b"k")
        delete = {"Objects": [{"Key": "keep"}]}
        with editing("DeleteObjects", drop_checksums) as s3:
            self.assertEqual(error_message_of(s3.delete_objects, Bucket=b, Delete=delete),
                             ("InvalidRequest", 400, "Missing required header for this request: Content-MD5"))
        with editing("DeleteObjects", corrupt_checksum) as s3:
            self.assertEqual(error_of(s3.delete_objects, Bucket=b, Delete=delete), ("BadDigest", 400))
        for body in (b"<Delete><Object><Key>keep</Key></Object>", b"<Delete></Delete>", b"not xml",
                     b"<Delete><Object><Name>keep</Name></Object></Delete>"):
            with editing("DeleteObjects", replace_body(body)) as s3:
                self.assertEqual(error_of(s3.delete_objects, Bucket=b, Delete=delete), ("MalformedXML", 400), body)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="keep")["Body"].read(), b"k")

    # ---- Tagging

    def test_object_tagging(self):
        s3, b = self.s3, self.bucket
        put = s3.put_object(Bucket=b, Key="tg", Body=b"tagged body")
        before = s3.head_object(Bucket=b, Key="tg")
        self.assertEqual(s3.get_object_tagging(Bucket=b, Key="tg")["TagSet"], [])
        tags = [{"Key": "project", "Value": "bale"}, {"Key": "a b+c", "Value": ""},
                {"Key": "\u00e9t\u00e9", "Value": "x" * 256}]
        r = s3.put_object_tagging(Bucket=b, Key="tg", Tagging={"TagSet": tags})
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(s3.get_object_tagging(Bucket=b, Key="tg")["TagSet"], tags)
        got = s3.get_object(Bucket=b, Key="tg")
        self.assertEqual(got["TagCount"], 3)
        self.assertEqual(got["Body"].read(), b"tagged body")
        self.assertEqual(got["ETag"], put["ETag"])
        self.assertEqual(got["LastModified"], before["LastModified"])  # tags are not a new version
        r = s3.delete_object_tagging(Bucket=b, Key="tg")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(s3.get_object_tagging(Bucket=b, Key="tg")["TagSet"], [])
        self.assertNotIn("TagCount", s3.get_object(Bucket=b, Key="tg"))
        self.assertEqual(s3.get_object(Bucket=b, Key="tg")["Body"].read(), b"tagged body")
        for call in (s3.get_object_tagging, s3.delete_object_tagging):
            self.assertEqual(error_of(call, Bucket=b, Key="no-such-key"), ("NoSuchKey", 404))
        self.assertEqual(error_of(s3.put_object_tagging, Bucket=b, Key="no-such-key",
                                  Tagging={"TagSet": []}), ("NoSuchKey", 404))
        self.assertEqual(error_of(self.anonymous.get_object_tagging, Bucket=b, Key="tg"), ("AccessDenied", 403))

    def test_tag_limits(self):
        s3, b = self.s3, self.bucket
        s3.put_object(Bucket=b, Key="lim", Body=b"l")

        def put(tags):
            return error_message_of(s3.put_object_tagging, Bucket=b, Key="lim",
                                    Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags]})
        eleven = [("k%d" % i, "v") for i in range(11)]
        self.assertEqual(put(eleven), ("BadRequest", 400, "Object tags cannot be greater than 10"))
        self.assertEqual(put([("k" * 129, "v")]), ("InvalidTag", 400, "The TagKey you have provided is invalid"))
        self.assertEqual(put([("k", "v" * 257)]), ("InvalidTag", 400, "The TagValue you have provided is invalid"))
        self.assertEqual(put([("user!name", "v")]), ("InvalidTag", 400, "The TagKey you have provided is invalid"))
        self.assertEqual(put([("k", "1"), ("k", "2")]),
                         ("InvalidTag", 400, "Cannot provide multiple Tags with the same key"))
        s3.put_object_tagging(Bucket=b, Key="lim", Tagging={"TagSet": [
            {"Key": "k%d" % i, "Value": "v"} for i in range(10)]})
        self.assertEqual(len(s3.get_object_tagging(Bucket=b, Key="lim")["TagSet"]), 10)
        for body in (b"<Tagging><TagSet><Tag>", b"<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>",
                     b"<Tagging/>"):
            with editing("PutObjectTagging", replace_body(body)) as s3_edited:
                self.assertEqual(error_of(s3_edited.put_object_tagging, Bucket=b, Key="lim",
                                          Tagging={"TagSet": []}), ("MalformedXML", 400), body)
        self.assertEqual(len(s3.get_object_tagging(Bucket=b, Key="lim")["TagSet"]), 10)

    def test_put_object_with_tagging_header(self):
        s3, b = self.s3, self.bucket
        s3.put_object(Bucket=b, Key="ph", Body=b"p", Tagging="a=1&b%20c=d%2Be&empty=")
        self.assertEqual(s3.get_object_tagging(Bucket=b, Key="ph")["TagSet"],
                         [{"Key": "a", "Value": "1"}, {"Key": "b c", "Value": "d+e"},
                          {"Key": "empty", "Value": ""}])
        self.assertEqual(s3.head_object(Bucket=b, Key="ph")["ResponseMetadata"]["HTTPHeaders"]
                         ["x-amz-tagging-count"], "3")
        self.assertEqual(error_message_of(s3.put_object, Bucket=b, Key="ph2", Body=b"p",
                                          Tagging="&".join("k%d=v" % i for i in range(11))),
                         ("BadRequest", 400, "Object tags cannot be greater than 10"))
        self.assertEqual(error_message_of(s3.put_object, Bucket=b, Key="ph2", Body=b"p", Tagging="a=1&a=2"),
                         ("InvalidArgument", 400, "The header 'x-amz-tagging' shall be encoded as UTF-8 "
                          "then URLEncoded URL query parameters without tag name duplicates."))
        self.assertEqual(error_of(s3.put_object, Bucket=b, Key="ph2", Body=b"p", Tagging="k=" + "v" * 257),
                         ("InvalidTag", 400))
        self.assertEqual(error_of(s3.head_object, Bucket=b, Key="ph2"), ("404", 404))


if __name__ == "__main__":
    unittest.main(verbosity=2)
