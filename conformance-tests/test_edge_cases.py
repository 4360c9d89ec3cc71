"""S3's answers at the edges, found by auditing Bale against AWS's documented
behaviour: conditional copies, deletes and completions; headers asking for
features Bale does not have (encryption, storage classes, object lock), which
must be refused rather than ignored; keys S3 refuses; version ids on unversioned
buckets; range and copy error details; response headers every answer carries."""
import base64
import email.utils
import hashlib
import os
import re
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, REGION, Server, error_of  # noqa: E402

SERVER = Server()
BUCKET = "edges"
PUBLIC = "edges-public"
MiB = 1 << 20


def setUpModule():
    SERVER.start()
    s3 = SERVER.client()
    s3.create_bucket(Bucket=BUCKET)
    s3.create_bucket(Bucket=PUBLIC, ACL="public-read")


def tearDownModule():
    SERVER.stop()


def s3():
    return SERVER.client()


def element(xml, name):
    m = re.search(r"<%s>([^<]*)</%s>" % (name, name), xml)
    return m.group(1) if m else None


def put(key, body=b"data", **kw):
    return s3().put_object(Bucket=BUCKET, Key=key, Body=body, **kw)["ETag"]


def exists(key, bucket=BUCKET):
    return SERVER.exists(bucket, key)


class ResponseHeaders(unittest.TestCase):
    def test_every_answer_carries_a_current_date(self):
        put("dated")
        for path in ("/%s/dated" % BUCKET, "/%s/absent" % BUCKET, "/no-such-bucket-here"):
            status, headers, _ = SERVER.request("GET", path)
            self.assertIn(status, (200, 404), path)
            self.assertEqual(headers["server"], "Bale")
            when = email.utils.parsedate_to_datetime(headers["date"]).timestamp()
            self.assertLess(abs(when - time.time()), 5, headers["date"])

    def test_no_such_key_says_aws_text_on_every_subresource(self):
        for query in ("?tagging", "?acl", ""):
            status, _, xml = SERVER.request("GET", "/%s/absent%s" % (BUCKET, query))
            self.assertEqual((status, element(xml, "Code")), (404, "NoSuchKey"), query)
            self.assertEqual(element(xml, "Message"), "The specified key does not exist.")
            self.assertEqual(element(xml, "Key"), "absent")


class ConditionalWrites(unittest.TestCase):
    def copy(self, dst, headers):
        h = dict({"x-amz-copy-source": "/%s/copy-src" % BUCKET}, **headers)
        return SERVER.request("PUT", "/%s/%s" % (BUCKET, dst), headers=h)

    def test_copy_object_honours_if_none_match_and_if_match_on_the_destination(self):
        put("copy-src", b"source")
        old = put("copy-dst", b"destination")
        status, _, xml = self.copy("copy-dst", {"If-None-Match": "*"})
        self.assertEqual((status, element(xml, "Code")), (412, "PreconditionFailed"))
        status, _, xml = self.copy("copy-dst", {"If-Match": '"0123456789abcdef0123456789abcdef"'})
        self.assertEqual((status, element(xml, "Code")), (412, "PreconditionFailed"))
        self.assertEqual(s3().get_object(Bucket=BUCKET, Key="copy-dst")["Body"].read(), b"destination")
        status, _, xml = self.copy("copy-absent", {"If-Match": old})
        self.assertEqual((status, element(xml, "Code")), (404, "NoSuchKey"))
        self.assertFalse(exists("copy-absent"))
        self.assertEqual(self.copy("copy-dst", {"If-Match": old})[0], 200)
        self.assertEqual(s3().get_object(Bucket=BUCKET, Key="copy-dst")["Body"].read(), b"source")
        self.assertEqual(self.copy("copy-new", {"If-None-Match": "*"})[0], 200)
        self.assertEqual(s3().get_object(Bucket=BUCKET, Key="copy-new")["Body"].read(), b"source")

    def test_delete_object_honours_if_match(self):
        etag = put("del-cond", b"keep me")
        path = "/%s/del-cond" % BUCKET
        status, _, xml = SERVER.request("DELETE", path, headers={"If-Match": '"%s"' % ("0" * 32)})
        self.assertEqual((status, element(xml, "Code")), (412, "PreconditionFailed"))
        self.assertTrue(exists("del-cond"))
        self.assertEqual(SERVER.request("DELETE", path, headers={"If-Match": etag})[0], 204)
        self.assertFalse(exists("del-cond"))
        status, _, xml = SERVER.request("DELETE", path, headers={"If-Match": etag})
        self.assertEqual((status, element(xml, "Code")), (404, "NoSuchKey"))
        self.assertEqual(SERVER.request("DELETE", path)[0], 204)  # unconditional: idempotent

    def test_complete_multipart_upload_honours_if_none_match(self):
        put("mpu-cond", b"already here")
        c = s3()
        upload = c.create_multipart_upload(Bucket=BUCKET, Key="mpu-cond")["UploadId"]
        etag = c.upload_part(Bucket=BUCKET, Key="mpu-cond", UploadId=upload, PartNumber=1,
                             Body=b"part one")["ETag"]
        doc = ("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part>"
               "</CompleteMultipartUpload>" % etag).encode()
        path = "/%s/mpu-cond?uploadId=%s" % (BUCKET, urllib.parse.quote(upload))
        status, _, xml = SERVER.request("POST", path, doc, headers={"If-None-Match": "*"})
        self.assertEqual((status, element(xml, "Code")), (412, "PreconditionFailed"))
        self.assertEqual(c.get_object(Bucket=BUCKET, Key="mpu-cond")["Body"].read(), b"already here")
        parts = c.list_parts(Bucket=BUCKET, Key="mpu-cond", UploadId=upload)["Parts"]
        self.assertEqual([p["PartNumber"] for p in parts], [1])  # the upload is intact
        status, _, xml = SERVER.request("POST", path, doc)
        self.assertEqual(status, 200, xml)
        self.assertEqual(c.get_object(Bucket=BUCKET, Key="mpu-cond")["Body"].read(), b"part one")


class RefusedFeatures(unittest.TestCase):
    """Headers asking for what Bale does not do are refused, and nothing is stored."""

    def put_with(self, key, headers):
        return SERVER.request("PUT", "/%s/%s" % (BUCKET, key), b"payload", headers=headers)

    def check(self, key, headers, status, code):
        got, _, xml = self.put_with(key, headers)
        self.assertEqual((got, element(xml, "Code")), (status, code), headers)
        self.assertFalse(exists(key), headers)
        return xml

    def test_encryption(self):
        key = "k" * 32
        self.check("sse-c", {
            "x-amz-server-side-encryption-customer-algorithm": "AES256",
            "x-amz-server-side-encryption-customer-key": base64.b64encode(key.encode()).decode(),
            "x-amz-server-side-encryption-customer-key-MD5":
                base64.b64encode(hashlib.md5(key.encode()).digest()).decode()},
            400, "InvalidRequest")
        xml = self.check("sse-s3", {"x-amz-server-side-encryption": "AES256"}, 501, "NotImplemented")
        self.assertEqual(element(xml, "Header").lower(), "x-amz-server-side-encryption")  # as S3
        self.check("sse-kms", {"x-amz-server-side-encryption": "aws:kms"}, 501, "NotImplemented")
        xml = self.check("sse-bogus", {"x-amz-server-side-encryption": "bogus"}, 400, "InvalidArgument")
        self.assertEqual((element(xml, "ArgumentName"), element(xml, "ArgumentValue")),
                         ("x-amz-server-side-encryption", "bogus"))

    def test_storage_classes_object_lock_and_redirects(self):
        self.check("sc-bogus", {"x-amz-storage-class": "BOGUS"}, 400, "InvalidStorageClass")
        self.check("sc-glacier", {"x-amz-storage-class": "GLACIER"}, 501, "NotImplemented")
        self.check("lock", {"x-amz-object-lock-legal-hold": "ON"}, 400, "InvalidRequest")
        self.check("redirect", {"x-amz-website-redirect-location": "/elsewhere"}, 501, "NotImplemented")
        self.assertEqual(self.put_with("sc-standard", {"x-amz-storage-class": "STANDARD"})[0], 200)
        # Naming a storage class makes a copy onto itself legal, as on S3.
        status, _, xml = SERVER.request("PUT", "/%s/sc-standard" % BUCKET, headers={
            "x-amz-copy-source": "/%s/sc-standard" % BUCKET, "x-amz-storage-class": "STANDARD"})
        self.assertEqual(status, 200, xml)
        status, _, xml = SERVER.request("PUT", "/%s/sc-standard" % BUCKET, headers={
            "x-amz-copy-source": "/%s/sc-standard" % BUCKET})
        self.assertEqual((status, element(xml, "Code")), (400, "InvalidRequest"))
        upload = SERVER.request("POST", "/%s/mpu-glacier?uploads" % BUCKET,
                                headers={"x-amz-storage-class": "GLACIER"})
        self.assertEqual((upload[0], element(upload[2], "Code")), (501, "NotImplemented"))

    def test_acl_headers(self):
        self.check("acl-bogus", {"x-amz-acl": "bogus"}, 400, "InvalidArgument")
        self.check("acl-grant", {"x-amz-grant-read": "id=abc"}, 501, "NotImplemented")
        self.check("acl-both", {"x-amz-acl": "private", "x-amz-grant-read": "id=abc"}, 400, "InvalidRequest")
        self.check("acl-rw", {"x-amz-acl": "public-read-write"}, 501, "NotImplemented")


class KeysAndVersions(unittest.TestCase):
    def test_keys_that_are_not_utf8_or_hold_nul_are_refused(self):
        for quoted in ("inv%FFutf", "nul%00x"):
            status, _, xml = SERVER.request("PUT", "/%s/%s" % (BUCKET, quoted), b"x")
            self.assertEqual((status, element(xml, "Code")), (400, "InvalidURI"), quoted)
        keys = [o["Key"] for o in s3().list_objects_v2(Bucket=BUCKET, Prefix="inv").get("Contents", [])]
        keys += [o["Key"] for o in s3().list_objects_v2(Bucket=BUCKET, Prefix="nul").get("Contents", [])]
        self.assertEqual(keys, [])
        put("\u00e9t\u00e9/\u65e5\u672c", b"utf-8 is fine")
        self.assertTrue(exists("\u00e9t\u00e9/\u65e5\u672c"))

    def test_version_id_null_is_the_object_other_ids_are_invalid(self):
        put("versioned", b"v")
        self.assertEqual(s3().get_object(Bucket=BUCKET, Key="versioned", VersionId="null")["Body"].read(), b"v")
        self.assertEqual(s3().head_object(Bucket=BUCKET, Key="versioned", VersionId="null")["ContentLength"], 1)
        self.assertEqual(error_of(s3().get_object, Bucket=BUCKET, Key="versioned", VersionId="3HL4kqtJlcpXroD"),
                         ("InvalidArgument", 400))
        s3().delete_object(Bucket=BUCKET, Key="versioned", VersionId="null")
        self.assertFalse(exists("versioned"))


class RangesAndCopyErrors(unittest.TestCase):
    def test_suffix_range_of_an_empty_object_is_all_of_it(self):
        put("empty", b"")
        got = s3().get_object(Bucket=BUCKET, Key="empty", Range="bytes=-1")
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(got["Body"].read(), b"")
        self.assertEqual(error_of(s3().get_object, Bucket=BUCKET, Key="empty", Range="bytes=0-0"),
                         ("InvalidRange", 416))

    def test_invalid_range_names_the_range_and_the_size(self):
        put("eleven", b"hello world")
        status, _, xml = SERVER.request("GET", "/%s/eleven" % BUCKET, headers={"Range": "bytes=100-200"})
        self.assertEqual((status, element(xml, "Code")), (416, "InvalidRange"))
        self.assertEqual(element(xml, "RangeRequested"), "bytes=100-200")
        self.assertEqual(element(xml, "ActualObjectSize"), "11")

    def test_copy_errors_name_the_source(self):
        upload = s3().create_multipart_upload(Bucket=BUCKET, Key="pc-dst")["UploadId"]
        for path in ("/%s/cp-dst" % BUCKET,
                     "/%s/pc-dst?partNumber=1&uploadId=%s" % (BUCKET, urllib.parse.quote(upload))):
            status, _, xml = SERVER.request("PUT", path, headers={"x-amz-copy-source": "/no-such-src-bucket/x"})
            self.assertEqual((status, element(xml, "Code")), (404, "NoSuchBucket"), path)
            self.assertEqual(element(xml, "BucketName"), "no-such-src-bucket")
            status, _, xml = SERVER.request("PUT", path, headers={"x-amz-copy-source": "/%s/no-such-src" % BUCKET})
            self.assertEqual((status, element(xml, "Code")), (404, "NoSuchKey"), path)
            self.assertEqual(element(xml, "Key"), "no-such-src")


class Anonymous(unittest.TestCase):
    def test_response_overrides_need_a_signature(self):
        s3().put_object(Bucket=PUBLIC, Key="pic", Body=b"img", ACL="public-read")
        status, _, body = SERVER.request("GET", "/%s/pic" % PUBLIC, sign=False)
        self.assertEqual((status, body), (200, "img"))
        status, _, xml = SERVER.request("GET", "/%s/pic?response-content-type=a%%2Fb" % PUBLIC, sign=False)
        self.assertEqual((status, element(xml, "Code")), (400, "InvalidRequest"))
        status, headers, _ = SERVER.request("GET", "/%s/pic?response-content-type=a%%2Fb" % PUBLIC)
        self.assertEqual((status, headers["content-type"]), (200, "a/b"))

    def test_bucket_location_needs_the_owner(self):
        status, _, xml = SERVER.request("GET", "/%s?location" % PUBLIC, sign=False)
        self.assertEqual((status, element(xml, "Code")), (403, "AccessDenied"))
        self.assertEqual(SERVER.request("GET", "/%s?location" % PUBLIC)[0], 200)


class BucketsListingAndAuth(unittest.TestCase):
    def test_bucket_names_with_a_dash_beside_a_dot(self):
        for name in ("a-.b", "a.-b"):
            self.assertEqual(error_of(s3().create_bucket, Bucket=name), ("InvalidBucketName", 400))

    def test_list_buckets_prefix_pages_and_regions(self):
        for name in ("lb-a", "lb-b", "lb-c"):
            s3().create_bucket(Bucket=name)
        status, _, xml = SERVER.request("GET", "/?prefix=lb-&max-buckets=2")
        self.assertEqual(status, 200, xml)
        self.assertEqual(re.findall(r"<Name>([^<]*)</Name>", xml), ["lb-a", "lb-b"])
        self.assertEqual(re.findall(r"<BucketRegion>([^<]*)</BucketRegion>", xml), ["us-east-1"] * 2)
        self.assertEqual(element(xml, "Prefix"), "lb-")
        token = element(xml, "ContinuationToken")
        status, _, xml = SERVER.request("GET", "/?prefix=lb-&max-buckets=2&continuation-token=" +
                                        urllib.parse.quote(token, safe=""))
        self.assertEqual(re.findall(r"<Name>([^<]*)</Name>", xml), ["lb-c"])
        self.assertIsNone(element(xml, "ContinuationToken"))
        status, _, xml = SERVER.request("GET", "/?prefix=lb-&bucket-region=eu-west-1")
        self.assertEqual((status, re.findall(r"<Name>([^<]*)</Name>", xml)), (200, []))
        names = [b["Name"] for b in s3().list_buckets()["Buckets"]]
        self.assertTrue({"lb-a", "lb-b", "lb-c", BUCKET, PUBLIC} <= set(names), names)
        for bad in ("0", "10001", "abc"):
            status, _, xml = SERVER.request("GET", "/?max-buckets=" + bad)
            self.assertEqual((status, element(xml, "Code")), (400, "InvalidArgument"), bad)

    def test_location_constraints(self):
        status, _, xml = SERVER.request("PUT", "/lc-unknown", b"<CreateBucketConfiguration><LocationConstraint>"
                                        b"foo</LocationConstraint></CreateBucketConfiguration>")
        self.assertEqual((status, element(xml, "Code")), (400, "InvalidLocationConstraint"))
        self.assertEqual(element(xml, "LocationConstraint"), "foo")
        self.assertEqual(error_of(s3().create_bucket, Bucket="lc-other",
                                  CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}),
                         ("IllegalLocationConstraintException", 400))

    def test_max_keys_past_a_32_bit_integer(self):
        status, _, xml = SERVER.request("GET", "/%s?list-type=2&max-keys=2147483648" % BUCKET)
        self.assertEqual((status, element(xml, "Code")), (400, "InvalidArgument"))
        self.assertEqual(SERVER.request("GET", "/%s?list-type=2&max-keys=2147483647" % BUCKET)[0], 200)

    def test_start_after_is_echoed_beside_a_continuation_token(self):
        for k in ("sa-1", "sa-2", "sa-3"):
            put(k)
        first = s3().list_objects_v2(Bucket=BUCKET, Prefix="sa-", MaxKeys=1)
        token = first["NextContinuationToken"]
        nxt = s3().list_objects_v2(Bucket=BUCKET, Prefix="sa-", MaxKeys=1, ContinuationToken=token,
                                   StartAfter="sa-0")
        self.assertEqual(nxt["StartAfter"], "sa-0")
        self.assertEqual([o["Key"] for o in nxt["Contents"]], ["sa-2"])  # the token decides

    def test_wrong_region_names_the_right_one(self):
        status, _, xml = SERVER.request("GET", "/" + BUCKET, region="eu-west-1")
        self.assertEqual((status, element(xml, "Code")), (400, "AuthorizationHeaderMalformed"))
        self.assertEqual(element(xml, "Region"), "us-east-1")

    def test_decoded_content_length_that_is_no_number(self):
        status, _, xml = SERVER.request("PUT", "/%s/dcl" % BUCKET, b"0\r\n\r\n", headers={
            "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": "abc"},
            payload="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        self.assertEqual((status, element(xml, "Code")), (411, "MissingContentLength"))
        self.assertFalse(exists("dcl"))


def error_doc(call, *args, **kwargs):
    """The <Error> elements of the ClientError a call raises, as botocore reads them."""
    from botocore.exceptions import ClientError
    try:
        call(*args, **kwargs)
    except ClientError as e:
        return e.response["Error"]
    raise AssertionError("no error raised")


class ErrorDetails(unittest.TestCase):
    """The elements S3 adds to <Error> beside Code and Message, which SDKs hand
    to their callers (botocore puts every one in the error's dict)."""

    def test_signature_mismatch_shows_the_canonical_request_the_server_built(self):
        import http.client
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        class Capture(S3SigV4Auth):
            def canonical_request(self, request):
                self.canonical = super().canonical_request(request)
                return self.canonical

            def string_to_sign(self, request, canonical_request):
                self.to_sign = super().string_to_sign(request, canonical_request)
                return self.to_sign

        url = SERVER.endpoint + "/%s?list-type=2&prefix=a%%20b" % BUCKET
        req = AWSRequest(method="GET", url=url, headers={"x-amz-meta-note": "n"})
        signer = Capture(Credentials(ACCESS_KEY, "not-the-secret"), "s3", REGION)
        signer.add_auth(req)
        conn = http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=30)
        conn.putrequest("GET", url[len(SERVER.endpoint):], skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", "127.0.0.1:%d" % SERVER.port)
        for k, v in req.headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        xml = resp.read().decode()
        conn.close()
        self.assertEqual((resp.status, element(xml, "Code")), (403, "SignatureDoesNotMatch"))
        self.assertEqual(element(xml, "AWSAccessKeyId"), ACCESS_KEY)
        # The server's canonical request and string to sign are the client's, byte for byte:
        # only the key differs, so a client can diff what it signed against what was checked.
        from xml.sax.saxutils import unescape
        self.assertEqual(unescape(element(xml, "CanonicalRequest")), signer.canonical)
        self.assertEqual(unescape(element(xml, "StringToSign")), signer.to_sign)
        self.assertEqual(bytes.fromhex(element(xml, "CanonicalRequestBytes")).decode(), signer.canonical)
        self.assertEqual(bytes.fromhex(element(xml, "StringToSignBytes")).decode(), signer.to_sign)
        sent = req.headers["Authorization"].split("Signature=")[1]
        self.assertEqual(element(xml, "SignatureProvided"), sent)

    def test_unknown_key_and_skewed_clock(self):
        doc = error_doc(SERVER.client(access="AKIDNOSUCHKEY00000000").list_buckets)
        self.assertEqual((doc["Code"], doc["AWSAccessKeyId"]), ("InvalidAccessKeyId", "AKIDNOSUCHKEY00000000"))
        auth = ("AWS4-HMAC-SHA256 Credential=%s/20200101/us-east-1/s3/aws4_request, "
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=%s" % (ACCESS_KEY, "0" * 64))
        status, _, xml = SERVER.request("GET", "/" + BUCKET, sign=False, headers={
            "Authorization": auth, "x-amz-date": "20200101T000000Z",
            "x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
        self.assertEqual((status, element(xml, "Code")), (403, "RequestTimeTooSkewed"))
        self.assertEqual(element(xml, "RequestTime"), "20200101T000000Z")
        self.assertEqual(element(xml, "MaxAllowedSkewMilliseconds"), "900000")
        server_time = time.mktime(time.strptime(element(xml, "ServerTime"), "%Y-%m-%dT%H:%M:%SZ"))
        self.assertLess(abs(server_time - time.mktime(time.gmtime())), 5, element(xml, "ServerTime"))

    def test_failed_preconditions_name_the_condition(self):
        put("pre", b"precondition")
        doc = error_doc(s3().get_object, Bucket=BUCKET, Key="pre", IfMatch='"%s"' % ("0" * 32))
        self.assertEqual((doc["Code"], doc["Condition"]), ("PreconditionFailed", "If-Match"))
        status, _, xml = SERVER.request("PUT", "/%s/pre" % BUCKET, b"new", headers={"If-None-Match": "*"})
        self.assertEqual((status, element(xml, "Condition")), (412, "If-None-Match"))
        status, _, xml = SERVER.request("PUT", "/%s/pre-copy" % BUCKET, headers={
            "x-amz-copy-source": "/%s/pre" % BUCKET, "x-amz-copy-source-if-match": '"nope"'})
        self.assertEqual((status, element(xml, "Condition")), (412, "x-amz-copy-source-If-Match"))

    def test_multipart_errors_name_the_upload_and_the_part(self):
        c = s3()
        upload = c.create_multipart_upload(Bucket=BUCKET, Key="mpu-details")["UploadId"]
        e1 = c.upload_part(Bucket=BUCKET, Key="mpu-details", UploadId=upload, PartNumber=1,
                           Body=b"small")["ETag"]
        e2 = c.upload_part(Bucket=BUCKET, Key="mpu-details", UploadId=upload, PartNumber=2,
                           Body=b"last")["ETag"]
        complete = lambda parts: c.complete_multipart_upload(  # noqa: E731
            Bucket=BUCKET, Key="mpu-details", UploadId=upload, MultipartUpload={"Parts": parts})
        doc = error_doc(complete, [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": '"%s"' % ("f" * 32)}])
        self.assertEqual((doc["Code"], doc["UploadId"], doc["PartNumber"], doc["ETag"]),
                         ("InvalidPart", upload, "2", "f" * 32))
        doc = error_doc(complete, [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}])
        self.assertEqual((doc["Code"], doc["ProposedSize"], doc["MinSizeAllowed"], doc["PartNumber"],
                          doc["ETag"]), ("EntityTooSmall", "5", "5242880", "1", e1.strip('"')))
        doc = error_doc(complete, [{"PartNumber": 2, "ETag": e2}, {"PartNumber": 1, "ETag": e1}])
        self.assertEqual((doc["Code"], doc["UploadId"]), ("InvalidPartOrder", upload))
        doc = error_doc(c.list_parts, Bucket=BUCKET, Key="mpu-details", UploadId="no-such-upload")
        self.assertEqual((doc["Code"], doc["UploadId"]), ("NoSuchUpload", "no-such-upload"))
        c.abort_multipart_upload(Bucket=BUCKET, Key="mpu-details", UploadId=upload)

    def test_digest_mismatches_show_both_digests(self):
        body, other = b"the body", b"another body"
        claimed = hashlib.sha256(other).hexdigest().upper()  # echoed as sent, case and all
        status, _, xml = SERVER.request("PUT", "/%s/digest" % BUCKET, body, payload=claimed)
        self.assertEqual((status, element(xml, "Code")), (400, "XAmzContentSHA256Mismatch"))
        self.assertEqual((element(xml, "ClientComputedContentSHA256"), element(xml, "S3ComputedContentSHA256")),
                         (claimed, hashlib.sha256(body).hexdigest()))
        md5_other = base64.b64encode(hashlib.md5(other).digest()).decode()
        doc = error_doc(s3().put_object, Bucket=BUCKET, Key="digest", Body=body, ContentMD5=md5_other)
        # As S3: the expected digest in hex, the calculated one in Base64.
        self.assertEqual((doc["Code"], doc["ExpectedDigest"], doc["CalculatedDigest"]),
                         ("BadDigest", hashlib.md5(other).hexdigest(),
                          base64.b64encode(hashlib.md5(body).digest()).decode()))
        status, _, xml = SERVER.request("PUT", "/%s/digest" % BUCKET, body, headers={"Content-MD5": "bad"})
        self.assertEqual((status, element(xml, "Code"), element(xml, "Message"), element(xml, "Content-MD5")),
                         (400, "InvalidDigest", "The Content-MD5 you specified was invalid.", "bad"))
        self.assertFalse(exists("digest"))

    def test_sizes_and_arguments(self):
        doc = error_doc(s3().put_object, Bucket=BUCKET, Key="k" * 1025, Body=b"x")
        self.assertEqual((doc["Code"], doc["Size"], doc["MaxSizeAllowed"]), ("KeyTooLongError", "1025", "1024"))
        doc = error_doc(s3().put_object, Bucket=BUCKET, Key="meta", Body=b"x", Metadata={"big": "v" * 2100})
        self.assertEqual((doc["Code"], doc["Size"], doc["MaxSizeAllowed"]), ("MetadataTooLarge", "2103", "2048"))
        for query, name, value in (("list-type=2&max-keys=abc", "max-keys", "abc"),
                                   ("encoding-type=base64", "encoding-type", "base64")):
            status, _, xml = SERVER.request("GET", "/%s?%s" % (BUCKET, query))
            self.assertEqual((status, element(xml, "Code")), (400, "InvalidArgument"), query)
            self.assertEqual((element(xml, "ArgumentName"), element(xml, "ArgumentValue")), (name, value))
        status, _, xml = SERVER.request("GET", "/%s/pre?versionId=v123" % BUCKET)
        self.assertEqual((element(xml, "ArgumentName"), element(xml, "ArgumentValue")), ("versionId", "v123"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
