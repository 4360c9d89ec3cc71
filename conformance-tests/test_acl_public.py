"""ACLs, anonymous access and virtual-hosted-style requests against a live
`bale serve --domain s3.bale.test`: Get/Put Bucket/Object ACL through boto3 with
exact grants and S3's errors; unsigned requests (plain http.client) reading
public-read buckets and objects and refused everything else; boto3 and raw
requests naming the bucket in the Host header. Runs under both Debian's boto3
1.26 (/usr/bin/python3) and the image's boto3 1.43.

No test uses a second user: Bale has no admin API to create one yet."""
import hashlib
import http.client
import os
import socket
import sys
import threading
import unittest

import boto3
import botocore
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, REGION, SECRET_KEY, Server, error_of  # noqa: E402

DOMAIN = "s3.bale.test"
SERVER = Server(extra_args=["--domain", DOMAIN])
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
OWNER = {"ID": "root", "DisplayName": "root"}
OWNER_FULL_CONTROL = {"Grantee": dict(OWNER, Type="CanonicalUser"), "Permission": "FULL_CONTROL"}
ALL_USERS_READ = {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}

_real_getaddrinfo = socket.getaddrinfo
_clients = []


def _getaddrinfo(host, *args, **kwargs):
    """Resolves *.bale.test to loopback inside this process (no DNS needed)."""
    if isinstance(host, str) and (host == "bale.test" or host.endswith(".bale.test")):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


def setUpModule():
    socket.getaddrinfo = _getaddrinfo
    SERVER.start()


def tearDownModule():
    for c in _clients:
        getattr(c, "close", lambda: None)()  # botocore 1.29 has no close()
    SERVER.stop()
    socket.getaddrinfo = _real_getaddrinfo


def client(endpoint=None, **s3cfg):
    c = SERVER.client(endpoint=endpoint, s3=s3cfg or None)
    _clients.append(c)
    return c


def raw(method, path, body=b"", host=None, sign=False, headers=None):
    """(status, headers, body) of one request to the server on loopback;
    unsigned (anonymous) unless `sign`. `host` is the Host header to send."""
    host = host or "127.0.0.1:%d" % SERVER.port
    headers = dict(headers or {})
    if sign:
        req = AWSRequest(method=method, url="http://%s%s" % (host, path), data=body, headers=headers)
        S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION).add_auth(req)
        headers = dict(req.headers.items())
    headers["Host"] = host
    conn = http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=10)
    try:
        conn.request(method, path, body=body or None, headers=headers)
        resp = conn.getresponse()
        return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), resp.read()
    finally:
        conn.close()


def grants(acl):
    return sorted(acl["Grants"], key=lambda g: g["Permission"])


def policy(*extra, owner="root"):
    owner_grant = {"Grantee": {"Type": "CanonicalUser", "ID": "root"}, "Permission": "FULL_CONTROL"}
    return {"Owner": {"ID": owner}, "Grants": [owner_grant] + list(extra)}


class AclTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = client()

    def test_bucket_acl_canned_and_policies(self):
        s3, b = self.s3, "acl-bucket"
        s3.create_bucket(Bucket=b)
        acl = s3.get_bucket_acl(Bucket=b)
        self.assertEqual(acl["Owner"], OWNER)
        self.assertEqual(acl["Grants"], [OWNER_FULL_CONTROL])
        s3.put_bucket_acl(Bucket=b, ACL="public-read")
        self.assertEqual(grants(s3.get_bucket_acl(Bucket=b)), [OWNER_FULL_CONTROL, ALL_USERS_READ])
        s3.put_bucket_acl(Bucket=b, ACL="private")
        self.assertEqual(s3.get_bucket_acl(Bucket=b)["Grants"], [OWNER_FULL_CONTROL])
        s3.put_bucket_acl(Bucket=b, AccessControlPolicy=policy(
            {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}))
        self.assertEqual(grants(s3.get_bucket_acl(Bucket=b)), [OWNER_FULL_CONTROL, ALL_USERS_READ])
        s3.put_bucket_acl(Bucket=b, AccessControlPolicy=policy())
        self.assertEqual(s3.get_bucket_acl(Bucket=b)["Grants"], [OWNER_FULL_CONTROL])
        # What GetBucketAcl returned is accepted back as is.
        s3.put_bucket_acl(Bucket=b, ACL="public-read")
        got = s3.get_bucket_acl(Bucket=b)
        s3.put_bucket_acl(Bucket=b, ACL="private")
        s3.put_bucket_acl(Bucket=b, AccessControlPolicy={"Owner": got["Owner"], "Grants": got["Grants"]})
        self.assertEqual(grants(s3.get_bucket_acl(Bucket=b)), [OWNER_FULL_CONTROL, ALL_USERS_READ])
        s3.put_bucket_acl(Bucket=b, ACL="private")
        self.assertEqual(error_of(s3.get_bucket_acl, Bucket="acl-no-such"), ("NoSuchBucket", 404))

    def test_bucket_acl_errors(self):
        s3, b = self.s3, "acl-errors"
        s3.create_bucket(Bucket=b)
        for canned in ("public-read-write", "authenticated-read"):
            self.assertEqual(error_of(s3.put_bucket_acl, Bucket=b, ACL=canned), ("NotImplemented", 501))
        self.assertEqual(error_of(s3.put_bucket_acl, Bucket=b, ACL="garbage"), ("InvalidArgument", 400))
        self.assertEqual(error_of(s3.put_bucket_acl, Bucket=b, GrantRead="id=root"), ("NotImplemented", 501))
        self.assertEqual(error_of(s3.put_bucket_acl, Bucket=b, ACL="private", GrantRead="id=root"),
                         ("InvalidRequest", 400))
        self.assertEqual(error_of(s3.put_bucket_acl, Bucket=b, ACL="private", AccessControlPolicy=policy()),
                         ("UnexpectedContent", 400))
        self.assertEqual(error_of(s3.put_bucket_acl, Bucket=b, AccessControlPolicy=policy(
            {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "WRITE"})), ("NotImplemented", 501))
        self.assertEqual(error_of(s3.put_bucket_acl, Bucket=b, AccessControlPolicy=policy(
            {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
             "Permission": "READ"})), ("NotImplemented", 501))
        self.assertEqual(error_of(s3.put_bucket_acl, Bucket=b, AccessControlPolicy=policy(
            {"Grantee": {"Type": "CanonicalUser", "ID": "nobody"}, "Permission": "READ"})), ("InvalidArgument", 400))
        self.assertEqual(error_of(s3.put_bucket_acl, Bucket=b, AccessControlPolicy=policy(owner="nobody")),
                         ("InvalidArgument", 400))
        self.assertEqual(error_of(s3.put_bucket_acl, Bucket=b, AccessControlPolicy={"Grants": policy()["Grants"]}),
                         ("MalformedACLError", 400))
        status, _, body = raw("PUT", "/%s?acl" % b, body=b"{not xml", sign=True)
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>MalformedACLError</Code>", body)
        status, _, body = raw("PUT", "/%s?acl" % b, sign=True)
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>MissingSecurityHeader</Code>", body)
        self.assertEqual(s3.get_bucket_acl(Bucket=b)["Grants"], [OWNER_FULL_CONTROL])  # nothing changed

    def test_object_acl_keeps_the_object(self):
        s3, b = self.s3, "acl-objects"
        s3.create_bucket(Bucket=b)
        body = os.urandom(9 * (1 << 20) + 5)  # two needles
        s3.put_object(Bucket=b, Key="o", Body=body)
        before = s3.head_object(Bucket=b, Key="o")
        acl = s3.get_object_acl(Bucket=b, Key="o")
        self.assertEqual(acl["Owner"], OWNER)
        self.assertEqual(acl["Grants"], [OWNER_FULL_CONTROL])
        s3.put_object_acl(Bucket=b, Key="o", ACL="public-read")
        self.assertEqual(grants(s3.get_object_acl(Bucket=b, Key="o")), [OWNER_FULL_CONTROL, ALL_USERS_READ])
        s3.put_object_acl(Bucket=b, Key="o", AccessControlPolicy=policy())
        self.assertEqual(s3.get_object_acl(Bucket=b, Key="o")["Grants"], [OWNER_FULL_CONTROL])
        s3.put_object_acl(Bucket=b, Key="o", ACL="bucket-owner-full-control")
        after = s3.head_object(Bucket=b, Key="o")
        for field in ("ETag", "LastModified", "ContentLength"):
            self.assertEqual(after[field], before[field])
        self.assertEqual(s3.get_object(Bucket=b, Key="o")["Body"].read(), body)  # needles kept
        s3.put_object(Bucket=b, Key="p", Body=b"p", ACL="public-read")
        self.assertEqual(grants(s3.get_object_acl(Bucket=b, Key="p")), [OWNER_FULL_CONTROL, ALL_USERS_READ])
        self.assertEqual(error_of(s3.get_object_acl, Bucket=b, Key="missing"), ("NoSuchKey", 404))
        self.assertEqual(error_of(s3.put_object_acl, Bucket=b, Key="missing", ACL="private"), ("NoSuchKey", 404))
        self.assertEqual(error_of(s3.put_object_acl, Bucket=b, Key="o", ACL="authenticated-read"),
                         ("NotImplemented", 501))
        self.assertEqual(error_of(s3.put_object_acl, Bucket=b, Key="o", ACL="garbage"), ("InvalidArgument", 400))

    def test_object_acl_racing_overwrites(self):
        """PutObjectAcl must never write the record it read over a newer
        object: that would point the key at needles the overwrite freed."""
        s3, b = self.s3, "acl-race"
        s3.create_bucket(Bucket=b)
        bodies = [os.urandom(4096 + i) for i in range(40)]
        s3.put_object(Bucket=b, Key="k", Body=bodies[0])
        outcomes = []

        def toggle():
            acl_client = client()
            for i in range(40):
                try:
                    acl_client.put_object_acl(Bucket=b, Key="k", ACL=("public-read", "private")[i % 2])
                    outcomes.append("ok")
                except ClientError as e:
                    outcomes.append(e.response["Error"]["Code"])

        thread = threading.Thread(target=toggle)
        thread.start()
        for body in bodies[1:]:
            s3.put_object(Bucket=b, Key="k", Body=body)
        thread.join()
        self.assertEqual(set(outcomes) - {"ok", "ConditionalRequestConflict"}, set())
        got = s3.get_object(Bucket=b, Key="k")
        self.assertEqual(got["Body"].read(), bodies[-1])
        self.assertEqual(got["ETag"], '"%s"' % hashlib.md5(bodies[-1]).hexdigest())

    def test_anonymous_access(self):
        s3, pub, priv = self.s3, "acl-anon-public", "acl-anon-private"
        s3.create_bucket(Bucket=pub, ACL="public-read")
        s3.create_bucket(Bucket=priv)
        body = os.urandom(100 * 1024 + 3)
        s3.put_object(Bucket=pub, Key="a b/obj", Body=body)
        s3.put_object(Bucket=priv, Key="open", Body=b"open to all", ACL="public-read")
        s3.put_object(Bucket=priv, Key="closed", Body=b"secret")

        status, headers, got = raw("GET", "/%s/a%%20b/obj" % pub)
        self.assertEqual((status, got), (200, body))
        self.assertEqual(headers["etag"], '"%s"' % hashlib.md5(body).hexdigest())
        status, headers, got = raw("HEAD", "/%s/a%%20b/obj" % pub)
        self.assertEqual((status, got, headers["content-length"]), (200, b"", str(len(body))))
        self.assertEqual(raw("GET", "/%s/open" % priv)[0::2], (200, b"open to all"))
        self.assertEqual(raw("HEAD", "/%s/open" % priv)[0], 200)
        status, headers, got = raw("GET", "/%s/closed" % priv)
        self.assertEqual(status, 403)
        self.assertEqual(headers["content-type"], "application/xml")
        self.assertIn(b"<Code>AccessDenied</Code><Message>Access Denied</Message>", got)
        self.assertEqual(raw("HEAD", "/%s/closed" % priv)[0::2], (403, b""))

        for method, path in (("PUT", "/%s/new" % pub), ("DELETE", "/%s/a%%20b/obj" % pub),
                             ("PUT", "/%s/open" % priv), ("DELETE", "/%s/open" % priv),
                             ("GET", "/%s" % priv), ("GET", "/%s?acl" % pub), ("PUT", "/%s?acl" % pub),
                             ("GET", "/%s/open?acl" % priv), ("PUT", "/%s/open?acl" % priv),
                             ("GET", "/%s/a%%20b/obj?acl" % pub), ("GET", "/"), ("PUT", "/acl-anon-new")):
            status, _, got = raw(method, path, body=b"x" if method == "PUT" else b"",
                                 headers={"x-amz-acl": "public-read"} if "acl" in path else None)
            self.assertEqual(status, 403, (method, path))
            self.assertIn(b"<Code>AccessDenied</Code>", got, (method, path))
        self.assertEqual(s3.get_object(Bucket=pub, Key="a b/obj")["Body"].read(), body)  # not deleted
        self.assertEqual(error_of(s3.head_object, Bucket=pub, Key="new"), ("404", 404))
        self.assertEqual(s3.get_bucket_acl(Bucket=priv)["Grants"], [OWNER_FULL_CONTROL])

        status, _, got = raw("GET", "/%s?list-type=2" % pub)
        self.assertEqual(status, 200)
        self.assertIn(b"<Key>a b/obj</Key>", got)
        self.assertEqual(raw("GET", "/%s" % pub)[0], 200)
        status, _, got = raw("GET", "/%s/missing" % priv)
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", got)
        status, _, got = raw("GET", "/%s/missing" % pub)
        self.assertEqual(status, 404)
        self.assertIn(b"<Code>NoSuchKey</Code>", got)
        self.assertIn(b"<Key>missing</Key>", got)
        self.assertEqual(raw("GET", "/acl-anon-no-such/k")[0], 404)  # NoSuchBucket, as S3

        # Taking public-read away takes anonymous reads away.
        s3.put_bucket_acl(Bucket=pub, ACL="private")
        self.assertEqual(raw("GET", "/%s/a%%20b/obj" % pub)[0], 403)
        self.assertEqual(raw("GET", "/%s" % pub)[0], 403)
        s3.put_object_acl(Bucket=priv, Key="open", ACL="private")
        self.assertEqual(raw("GET", "/%s/open" % priv)[0], 403)


class VirtualHostedTest(unittest.TestCase):
    def test_boto3_virtual_addressing(self):
        b = "vhost-" + botocore.__version__.replace(".", "-")
        s3 = client("http://%s:%d" % (DOMAIN, SERVER.port), addressing_style="virtual")
        urls = []
        s3.meta.events.register("before-send.s3", lambda request, **kw: urls.append(request.url))
        s3.create_bucket(Bucket=b)
        s3.put_object(Bucket=b, Key="dir/obj", Body=b"virtual")
        self.assertEqual(s3.get_object(Bucket=b, Key="dir/obj")["Body"].read(), b"virtual")
        self.assertEqual([o["Key"] for o in s3.list_objects_v2(Bucket=b)["Contents"]], ["dir/obj"])
        s3.put_object_acl(Bucket=b, Key="dir/obj", ACL="public-read")
        self.assertEqual(grants(s3.get_object_acl(Bucket=b, Key="dir/obj")), [OWNER_FULL_CONTROL, ALL_USERS_READ])
        self.assertEqual(len(urls), 6)
        prefix = "http://%s.%s:%d/" % (b, DOMAIN, SERVER.port)
        for url in urls:
            self.assertTrue(url.startswith(prefix), url)
            self.assertNotIn("/" + b, url[len(prefix) - 1:])
        # The bucket came from the Host header: path-style sees the same object.
        self.assertEqual(client().get_object(Bucket=b, Key="dir/obj")["Body"].read(), b"virtual")

    def test_raw_host_header(self):
        s3, b = client(), "vhost-raw"
        s3.create_bucket(Bucket=b, ACL="public-read")
        s3.put_object(Bucket=b, Key="k", Body=b"from host")
        host = "%s.%s:%d" % (b, DOMAIN, SERVER.port)
        self.assertEqual(raw("GET", "/k", host=host)[0::2], (200, b"from host"))  # anonymous
        status, _, got = raw("GET", "/", host=host)
        self.assertEqual(status, 200)
        self.assertIn(b"<Name>%s</Name>" % b.encode(), got)
        self.assertIn(b"<Key>k</Key>", got)
        # Signed requests too: the Host header is part of what is signed.
        status, _, _ = raw("PUT", "/signed", body=b"signed body", host=host, sign=True)
        self.assertEqual(status, 200)
        self.assertEqual(s3.get_object(Bucket=b, Key="signed")["Body"].read(), b"signed body")
        status, _, got = raw("GET", "/?acl", host=host, sign=True)
        self.assertEqual(status, 200)
        self.assertIn(b"<URI>%s</URI>" % ALL_USERS.encode(), got)
        self.assertEqual(raw("GET", "/?acl", host=host)[0], 403)  # not anonymously
        # A path-style request to the bare domain still names the bucket in the path.
        status, _, got = raw("GET", "/%s/k" % b, host="%s:%d" % (DOMAIN, SERVER.port))
        self.assertEqual((status, got), (200, b"from host"))
        status, _, got = raw("GET", "/k", host="vhost-none.%s:%d" % (DOMAIN, SERVER.port))
        self.assertEqual(status, 404)
        self.assertIn(b"<BucketName>vhost-none</BucketName>", got)


if __name__ == "__main__":
    unittest.main(verbosity=2)
