"""`bale admin` (tools/admin/) against a live `bale serve`: every command's
output and exit code, quotas set with the CLI and enforced on boto3 uploads,
refusals (exit 1), usage errors that send nothing (exit 2), a server that is
not there (exit 3), and credentials from flags, the environment and aws-cli
files."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, BALE, SECRET_KEY, Server, error_of, free_port  # noqa: E402

SERVER = Server()
HOME = tempfile.mkdtemp(prefix="bale-admin-cli-home-")  # no ~/.aws of the machine's user
TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()
    shutil.rmtree(HOME, ignore_errors=True)


def human(n):
    """A size as the CLI prints it with its exact count."""
    if n < 1024:
        return "%d B" % n
    value, units = n / 1024, ["KiB", "MiB", "GiB", "TiB"]
    while value >= 1023.95:
        value, units = value / 1024, units[1:]
    return "%.1f %s (%d bytes)" % (value, units[0], n)


def clean_env(**extra):
    """The environment without the caller's AWS settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = HOME
    env.update(extra)
    return env


def run(*args, env=None, endpoint=True, server=None):
    """(exit code, stdout, stderr) of `bale admin ARGS`, by default signed with
    the root key from the environment and aimed at the test server."""
    if env is None:
        env = clean_env(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
    argv = [BALE, "admin"] + list(args) + (["--endpoint", (server or SERVER).endpoint] if endpoint else [])
    p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    return p.returncode, p.stdout, p.stderr


def ok(*args, **kwargs):
    code, out, err = run(*args, **kwargs)
    assert code == 0 and err == "", (args, code, out, err)
    return out


def doc(*args):
    """The --json answer of a command."""
    return json.loads(ok(*args, "--json"))


def refused(test, args, code_name, **kwargs):
    """Asserts exit 1 with "error: CODE: message" and nothing on stdout."""
    code, out, err = run(*args, **kwargs)
    test.assertEqual((code, out), (1, ""), err)
    test.assertRegex(err, r"\Aerror: %s: .+\n\Z" % code_name)
    return err


class HelpTest(unittest.TestCase):
    def test_help_lists_commands_flags_and_exit_codes(self):
        code, out, _ = run("--help", endpoint=False)
        self.assertEqual(code, 0)
        for line in ("  bucket quota set BUCKET", "  volume compact ID", "  key revoke ACCESS_KEY_ID",
                     "  0  success", "  1  the server refused", "  2  usage error", "  3  the server could not"):
            self.assertIn(line, out)
        code, out, _ = run("bucket", "quota", "set", "--help", endpoint=False)
        self.assertEqual(code, 0)
        self.assertTrue(out.startswith("usage: bale admin bucket quota set BUCKET [--max-size SIZE|none] "
                                       "[--max-objects N|none] [options]\n"), out)
        self.assertIn("example:\n  bale admin bucket quota set photos --max-size 10GiB", out)
        top = subprocess.run([BALE, "--help"], capture_output=True, text=True)
        self.assertIn("\n  admin ", top.stdout)


class FreshServerTest(unittest.TestCase):
    """Whole tables, exactly, on a server of its own (no other test's rows)."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=["--volumes", "2"])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def ok(self, *args):
        return ok(*args, server=self.server)

    def doc(self, *args):
        return json.loads(self.ok(*args, "--json"))

    def test_tables(self):
        s3 = self.server.client()
        s3.create_bucket(Bucket="photos")
        s3.create_bucket(Bucket="xyz")
        s3.put_object(Bucket="photos", Key="a", Body=b"p" * 5000)
        self.ok("bucket", "quota", "set", "xyz", "--max-size", "1GiB", "--max-objects", "12")
        self.ok("user", "create", "bob", "--display-name", "Bob B")
        created = {b["name"]: b["created"] for b in self.doc("bucket", "list")["buckets"]}
        self.assertEqual(self.ok("bucket", "list"),
                         "NAME    OWNER  CREATED               OBJECTS     SIZE  MAX OBJECTS  MAX SIZE\n"
                         "photos  root   %s        1  4.9 KiB         none      none\n"
                         "xyz     root   %s        0      0 B           12   1.0 GiB\n"
                         % (created["photos"], created["xyz"]))
        users = {u["user_id"]: u["created"] for u in self.doc("user", "list")["users"]}
        self.assertEqual(self.ok("user", "list"),
                         "USER  DISPLAY NAME  ADMIN  DISABLED  BUCKETS  KEYS  CREATED\n"
                         "bob   Bob B         no     no              0     0  %s\n"
                         "root  root          yes    no              2     1  %s\n" % (users["bob"], users["root"]))
        self.assertEqual(self.ok("key", "list", "root"),
                         "ACCESS KEY ID        USER  ACTIVE  CREATED\n"
                         "%s  root  yes     %s\n" % (ACCESS_KEY, self.doc("key", "list", "root")["keys"][0]["created"]))
        volumes = self.doc("volume", "list")["volumes"]
        self.assertEqual([v["id"] for v in volumes], [1, 2])
        lines = self.ok("volume", "list").splitlines()
        self.assertEqual(lines[0].split(), ["ID", "DRIVE", "STATE", "SIZE", "LIMIT", "NEEDLES", "LIVE", "GARBAGE",
                                            "CODING", "COMPACTING", "ERROR"])
        self.assertEqual(len(lines), 3)
        for line, v in zip(lines[1:], volumes):
            self.assertRegex(line, r"^ %d  %s  writable +[\d.]+ K?i?B  1\.0 GiB +%d +[\d.]+ K?i?B +0\.0%%  none    no$"
                             % (v["id"], re.escape(v["drive"]), v["needles"]))
        self.assertEqual(self.ok("volume", "info", "2"),
                         "id:         2\n"
                         "drive:      %s\n"
                         "state:      writable\n"
                         "size:       %s\n"
                         "size limit: 1.0 GiB (1073741824 bytes)\n"
                         "needles:    %d\n"
                         "live bytes: %s\n"
                         "garbage:    0.0%%\n"
                         "coding:     none\n"
                         "compacting: no\n" % (volumes[1]["drive"], human(volumes[1]["size_bytes"]),
                                                volumes[1]["needles"], human(volumes[1]["live_bytes"])))


class BucketTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        s3 = SERVER.client()
        s3.create_bucket(Bucket="alpha")
        s3.create_bucket(Bucket="beta")
        s3.put_object(Bucket="alpha", Key="a", Body=b"x" * 1000)
        s3.put_object(Bucket="alpha", Key="b", Body=b"y" * 2048)

    def test_list_and_info(self):
        created = {b["name"]: b["created"] for b in doc("bucket", "list")["buckets"]}
        listing = ok("bucket", "list")
        rows = [r for r in listing.splitlines()[1:] if r.split()[0] in ("alpha", "beta")]
        self.assertEqual(listing.splitlines()[0].split("  ")[0], "NAME")
        self.assertIn("OWNER  CREATED               OBJECTS", listing.splitlines()[0])
        self.assertIn("MAX OBJECTS  MAX SIZE", listing.splitlines()[0])
        self.assertEqual([r.split() for r in rows], [
            ["alpha", "root", created["alpha"], "2", "3.0", "KiB", "none", "none"],
            ["beta", "root", created["beta"], "0", "0", "B", "none", "none"]])
        self.assertEqual(ok("bucket", "info", "alpha"),
                         "name:        alpha\n"
                         "owner:       root\n"
                         "created:     %s\n"
                         "objects:     2\n"
                         "size:        3.0 KiB (3048 bytes)\n"
                         "max size:    none\n"
                         "max objects: none\n" % created["alpha"])
        self.assertEqual(doc("bucket", "info", "alpha"),
                         {"name": "alpha", "owner": "root", "created": created["alpha"],
                          "quota": {"max_bytes": 0, "max_objects": 0},
                          "usage": {"bytes": 3048, "objects": 2}})

    def test_json_is_indented(self):
        out = ok("bucket", "usage", "alpha", "--json")
        self.assertEqual(out, '{\n  "bytes": 3048,\n  "objects": 2\n}\n')

    def test_usage_and_recount(self):
        self.assertEqual(ok("bucket", "usage", "alpha"), "objects: 2\nsize:    3.0 KiB (3048 bytes)\n")
        self.assertEqual(ok("bucket", "usage", "alpha", "--recount"),
                         "objects:        2\n"
                         "size:           3.0 KiB (3048 bytes)\n"
                         "counted before: 2 objects, 3048 bytes (exact)\n")

    def test_quota_get_set_merge_clear(self):
        none = "max size:    none\nmax objects: none\n"
        self.assertEqual(ok("bucket", "quota", "get", "beta"), none)
        self.assertEqual(ok("bucket", "quota", "set", "beta", "--max-objects", "1000"),
                         "max size:    none\nmax objects: 1000\n")
        # A flag not given keeps the current value.
        both = "max size:    10.0 GiB (10737418240 bytes)\nmax objects: 1000\n"
        self.assertEqual(ok("bucket", "quota", "set", "beta", "--max-size", "10GiB"), both)
        self.assertEqual(ok("bucket", "quota", "get", "beta"), both)
        self.assertEqual(doc("bucket", "quota", "get", "beta"), {"max_bytes": 10737418240, "max_objects": 1000})
        self.assertEqual(ok("bucket", "quota", "set", "beta", "--max-objects", "none", "--max-size", "500MB"),
                         "max size:    476.8 MiB (500000000 bytes)\nmax objects: none\n")
        self.assertEqual(ok("bucket", "quota", "set", "beta", "--max-size", "0"), none)
        ok("bucket", "quota", "set", "beta", "--max-size", "9223372036854775807", "--max-objects", "7")
        self.assertEqual(doc("bucket", "quota", "get", "beta"),
                         {"max_bytes": 9223372036854775807, "max_objects": 7})
        self.assertEqual(ok("bucket", "quota", "clear", "beta"), none)
        self.assertEqual(doc("bucket", "quota", "get", "beta"), {"max_bytes": 0, "max_objects": 0})

    def test_bad_values_are_usage_errors_and_change_nothing(self):
        SERVER.client().create_bucket(Bucket="delta")
        ok("bucket", "quota", "set", "delta", "--max-size", "1GiB", "--max-objects", "50")
        before = doc("bucket", "quota", "get", "delta")
        for flags, message in [
                (["--max-size", "-1"], "error: --max-size: '-1' is not a size (examples: 4096, 64KiB"),
                (["--max-size=-5GiB"], "error: --max-size: '-5GiB' is not a size"),
                (["--max-size", "8EiB"], "error: --max-size: '8EiB' is not a size"),
                (["--max-size", "9223372036854775808"],
                 "error: --max-size: '9223372036854775808' is too large (limits are below 2^63)\n"),
                (["--max-size", "8192PiB"], "error: --max-size: '8192PiB' is not a size"),
                (["--max-size", "8388608TiB"], "error: --max-size: '8388608TiB' is too large (limits are below 2^63)\n"),
                (["--max-size", "99999999TiB"], "error: --max-size: '99999999TiB' is too large\n"),
                (["--max-size", "lots"], "error: --max-size: 'lots' is not a size"),
                (["--max-objects", "-3"], "error: --max-objects: '-3' is not a whole number of objects, or none\n"),
                (["--max-objects", "1.5"], "error: --max-objects: '1.5' is not a whole number"),
                (["--max-objects", "18446744073709551616"],
                 "error: --max-objects: '18446744073709551616' is too large (limits are below 2^63)\n"),
                (["--max-size", "1GiB", "--max-objects", "x"], "error: --max-objects: 'x'"),
                ([], "error: give --max-size, --max-objects or both"),
                (["--max-size"], "error: --max-size needs a value"),
                (["--recount", "--max-size", "1"], "error: 'bale admin bucket quota set' has no flag '--recount'")]:
            code, out, err = run("bucket", "quota", "set", "delta", *flags)
            self.assertEqual((code, out), (2, ""), (flags, err))
            self.assertTrue(err.startswith(message), (flags, err))
            self.assertIn("Run 'bale admin bucket quota set --help' for usage.", err)
        self.assertEqual(doc("bucket", "quota", "get", "delta"), before)

    def test_unknown_bucket_is_refused(self):
        for args in (["bucket", "info", "nope"], ["bucket", "quota", "get", "nope"],
                     ["bucket", "quota", "set", "nope", "--max-objects", "3"], ["bucket", "quota", "clear", "nope"],
                     ["bucket", "usage", "nope"], ["bucket", "usage", "nope", "--recount"],
                     ["bucket", "chown", "nope", "root"]):
            refused(self, args, "NoSuchBucket")
        err = refused(self, ["bucket", "info", "nope"], "NoSuchBucket")
        self.assertTrue(err.startswith("error: NoSuchBucket: The specified bucket does not exist"), err)

    def test_chown(self):
        SERVER.client().create_bucket(Bucket="gamma")
        ok("user", "create", "carol")
        out = ok("bucket", "chown", "gamma", "carol")
        self.assertIn("\nowner:       carol\n", out)
        self.assertEqual(doc("bucket", "info", "gamma")["owner"], "carol")
        refused(self, ["bucket", "chown", "gamma", "nobody"], "NoSuchUser")
        refused(self, ["user", "delete", "carol"], "UserHasBuckets")
        ok("bucket", "chown", "gamma", "root")
        self.assertEqual(ok("user", "delete", "carol"), "deleted user carol\n")


class QuotaEnforcementTest(unittest.TestCase):
    def test_object_quota_set_with_the_cli_stops_boto3_uploads(self):
        s3 = SERVER.client()
        s3.create_bucket(Bucket="counted")
        n = 3
        self.assertEqual(ok("bucket", "quota", "set", "counted", "--max-objects", str(n)),
                         "max size:    none\nmax objects: 3\n")
        uploaded = 0
        while True:
            try:
                s3.put_object(Bucket="counted", Key="k%d" % uploaded, Body=b"z" * 100)
                uploaded += 1
            except Exception as e:  # the first refusal ends the loop
                self.assertEqual(e.response["Error"]["Code"], "QuotaExceeded")
                self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 403)
                break
            self.assertLessEqual(uploaded, n)
        self.assertEqual(uploaded, n)
        s3.delete_object(Bucket="counted", Key="k0")
        s3.put_object(Bucket="counted", Key="again", Body=b"z" * 100)
        self.assertEqual(error_of(s3.put_object, Bucket="counted", Key="one-more", Body=b"z"),
                         ("QuotaExceeded", 403))
        self.assertEqual(ok("bucket", "usage", "counted", "--recount"),
                         "objects:        3\n"
                         "size:           300 B\n"
                         "counted before: 3 objects, 300 bytes (exact)\n")
        usage = doc("bucket", "usage", "counted", "--recount")
        self.assertEqual(usage, {"bytes": 300, "objects": 3, "recounted": True,
                                 "counted_before": {"bytes": 300, "objects": 3}})

    def test_size_quota_set_with_the_cli_stops_boto3_uploads(self):
        s3 = SERVER.client()
        s3.create_bucket(Bucket="sized")
        ok("bucket", "quota", "set", "sized", "--max-size", "10KiB")
        s3.put_object(Bucket="sized", Key="a", Body=b"a" * 4096)
        s3.put_object(Bucket="sized", Key="b", Body=b"b" * 4096)
        self.assertEqual(error_of(s3.put_object, Bucket="sized", Key="c", Body=b"c" * 4096), ("QuotaExceeded", 403))
        s3.put_object(Bucket="sized", Key="c", Body=b"c" * 2048)  # exactly fills the 10 KiB
        self.assertEqual(ok("bucket", "usage", "sized"), "objects: 3\nsize:    10.0 KiB (10240 bytes)\n")
        ok("bucket", "quota", "clear", "sized")
        s3.put_object(Bucket="sized", Key="d", Body=b"d" * 4096)


class UserAndKeyTest(unittest.TestCase):
    def test_user_lifecycle(self):
        out = ok("user", "create", "alice", "--display-name", "Alice Liddell")
        created = doc("user", "info", "alice")["created"]
        self.assertEqual(out,
                         "user id:      alice\n"
                         "display name: Alice Liddell\n"
                         "admin:        no\n"
                         "disabled:     no\n"
                         "created:      %s\n"
                         "buckets:      0\n"
                         "keys:         0\n" % created)
        refused(self, ["user", "create", "alice"], "UserAlreadyExists")
        refused(self, ["user", "create", "bad/name"], "InvalidArgument")
        listing = ok("user", "list").splitlines()
        self.assertEqual(listing[0].split(), ["USER", "DISPLAY", "NAME", "ADMIN", "DISABLED", "BUCKETS", "KEYS", "CREATED"])
        rows = {line.split()[0]: line for line in listing[1:]}
        self.assertRegex(rows["alice"], r"^alice +Alice Liddell +no +no +0 +0  %s$" % created)
        self.assertRegex(rows["root"], r"^root +root +yes +no +\d+ +1  %s$" % TIME)

        # A key: shown once, works for S3 at once, stops when the user is disabled or the key revoked.
        out = ok("key", "create", "alice")
        m = re.fullmatch(r"access key id: (\S+)\nsecret key:    (\S+)\nuser id:       alice\ncreated:       %s\n"
                         r"The secret key is shown only this once: it will not be shown again\. Store it now\.\n"
                         % TIME, out)
        self.assertIsNotNone(m, out)
        key, secret = m.groups()
        alice = SERVER.client(access=key, secret=secret)
        self.assertEqual(alice.list_buckets()["Buckets"], [])
        keys = ok("key", "list", "alice")
        self.assertRegex(keys, r"\AACCESS KEY ID +USER +ACTIVE +CREATED\n%s +alice +yes +%s\n\Z" % (key, TIME))
        self.assertNotIn(secret, keys)

        self.assertIn("\ndisabled:     yes\n", ok("user", "disable", "alice"))
        self.assertEqual(error_of(alice.list_buckets), ("AccessDenied", 403))
        self.assertIn("\ndisabled:     no\n", ok("user", "enable", "alice"))
        alice.list_buckets()

        self.assertEqual(ok("key", "revoke", key), "revoked key %s\n" % key)
        self.assertEqual(error_of(alice.list_buckets)[0], "InvalidAccessKeyId")
        refused(self, ["key", "revoke", key], "NoSuchAccessKey")
        self.assertEqual(ok("key", "list", "alice"), "ACCESS KEY ID  USER  ACTIVE  CREATED\n")

        self.assertEqual(ok("user", "delete", "alice"), "deleted user alice\n")
        for args in (["user", "info", "alice"], ["user", "disable", "alice"], ["user", "enable", "alice"],
                     ["user", "delete", "alice"], ["key", "list", "alice"], ["key", "create", "alice"]):
            refused(self, args, "NoSuchUser")

    def test_root_cannot_be_disabled_or_deleted(self):
        refused(self, ["user", "disable", "root"], "InvalidArgument")
        refused(self, ["user", "delete", "root"], "InvalidArgument")
        self.assertIn("\nadmin:        yes\n", ok("user", "info", "root"))

    def test_key_create_json_keeps_stdout_pure(self):
        ok("user", "create", "dave", "--admin")
        code, out, err = run("key", "create", "dave", "--json")
        self.assertEqual(code, 0)
        key = json.loads(out)
        self.assertEqual(sorted(key), ["access_key_id", "active", "created", "secret_key", "user_id"])
        self.assertEqual(err, "The secret key is shown only this once: it will not be shown again. Store it now.\n")
        # dave is an admin: his new key may call the API.
        self.assertIn("user id:      dave\n",
                      ok("user", "info", "dave", "--access-key", key["access_key_id"], "--secret-key", key["secret_key"]))


class AccessTest(unittest.TestCase):
    def test_bad_credentials_are_refused(self):
        refused(self, ["status", "--access-key", "NOSUCHKEY", "--secret-key", "x"], "InvalidAccessKeyId")
        refused(self, ["status", "--access-key", ACCESS_KEY, "--secret-key", "wrong"], "SignatureDoesNotMatch")

    def test_a_non_admin_key_is_refused(self):
        ok("user", "create", "erin")
        key = json.loads(run("key", "create", "erin", "--json")[1])
        err = refused(self, ["bucket", "list", "--access-key", key["access_key_id"],
                             "--secret-key", key["secret_key"]], "AccessDenied")
        self.assertEqual(err, "error: AccessDenied: The admin API needs the key of an admin user.\n")

    def test_server_down_exits_3_naming_the_endpoint(self):
        url = "http://127.0.0.1:%d" % free_port()
        code, out, err = run("bucket", "list", "--endpoint", url, endpoint=False)
        self.assertEqual((code, out, err), (3, "", "error: could not reach %s (connect): Connection refused\n" % url))

    def test_usage_errors_exit_2(self):
        for args, message in [
                (["frobnicate"], "error: unknown command 'frobnicate'\n"),
                (["bucket"], "error: 'bale admin bucket' needs a subcommand\n"),
                (["bucket", "info"], "error: 'bale admin bucket info' takes 1 argument, got 0\n"),
                (["bucket", "list", "--bogus"], "error: unknown flag '--bogus'\n"),
                (["volume", "info", "three"], "error: volume id 'three' is not a number from 1 to 4294967295\n"),
                (["status", "--endpoint", "https://127.0.0.1:1"],
                 "error: --endpoint 'https://127.0.0.1:1': https is not supported"),
                (["status", "--endpoint", "127.0.0.1:9000"],
                 "error: --endpoint '127.0.0.1:9000': expected http://HOST[:PORT]"),
        ]:
            code, out, err = run(*args, endpoint="--endpoint" not in args)
            self.assertEqual((code, out), (2, ""), (args, err))
            self.assertTrue(err.startswith(message), (args, err))

    def test_credentials_from_files_and_environment(self):
        files = tempfile.mkdtemp(prefix="bale-admin-aws-")
        self.addCleanup(shutil.rmtree, files, ignore_errors=True)
        creds, config = os.path.join(files, "credentials"), os.path.join(files, "config")
        with open(creds, "w") as f:
            f.write("[default]\naws_access_key_id = NOSUCHKEY\naws_secret_access_key = x\n"
                    "[ops]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (ACCESS_KEY, SECRET_KEY))
        with open(config, "w") as f:
            f.write("[profile ops]\nregion = us-east-1\n[profile elsewhere]\nregion = eu-west-3\n")
        files_env = clean_env(AWS_SHARED_CREDENTIALS_FILE=creds, AWS_CONFIG_FILE=config)
        self.assertIn("healthy:", ok("status", "--profile", "ops", env=files_env))
        self.assertIn("healthy:", ok("status", env=dict(files_env, AWS_PROFILE="ops")))
        refused(self, ["status"], "InvalidAccessKeyId", env=files_env)  # the default profile's key
        # An explicit profile beats the environment, like the aws-cli.
        self.assertIn("healthy:", ok("status", "--profile", "ops",
                                     env=dict(files_env, AWS_ACCESS_KEY_ID="NOSUCHKEY", AWS_SECRET_ACCESS_KEY="x")))
        # The environment beats the default profile.
        self.assertIn("healthy:", ok("status", env=dict(files_env, AWS_ACCESS_KEY_ID=ACCESS_KEY,
                                                        AWS_SECRET_ACCESS_KEY=SECRET_KEY)))
        # The region comes along: a key signed for eu-west-3 is refused by a us-east-1 server.
        code, out, err = run("status", env=dict(files_env, AWS_PROFILE="ops", AWS_REGION="eu-west-3"))
        self.assertEqual(code, 1, err)
        code, out, err = run("status", "--profile", "nope", env=files_env)
        self.assertEqual((code, out), (2, ""))
        self.assertTrue(err.startswith("error: profile 'nope' has no aws_access_key_id"), err)
        code, out, err = run("status", env=clean_env())
        self.assertEqual((code, out), (2, ""))
        self.assertTrue(err.startswith(
            "error: no credentials found: pass --access-key and --secret-key, or set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or put aws_access_key_id and aws_secret_access_key in profile 'default' of "
            "%s/.aws/credentials" % HOME), err)


class StoreTest(unittest.TestCase):
    def test_status(self):
        status = doc("status")
        out = ok("status")
        lines = out.splitlines()
        self.assertEqual(lines[0], "healthy:            yes")
        self.assertEqual(lines[1], "version:            %s" % status["version"])
        self.assertEqual(lines[2], "started:            %s" % status["started"])
        self.assertRegex(lines[3], r"^uptime:             (\d+s|\d+m \d+s)$")
        self.assertEqual(lines[4], "volumes:            {total} total, {writable} writable, {sealed} sealed, "
                                   "{read_only} read-only, {failed} failed".format(**status["volumes"]))
        self.assertEqual(status["volumes"]["failed"] + status["volumes"]["read_only"], 0)
        self.assertEqual(lines[5:9], ["compaction backlog: %d" % status["compaction_backlog"],
                                      "repair backlog:     0", "", "drives:"])
        self.assertEqual(lines[9].split(), ["PATH", "STATE", "VOLUMES", "BROKEN", "TOTAL", "FREE"])
        self.assertRegex(lines[10], r"^\S+/drive0 +ok +\d+ +0 +[\d.]+ \w?i?B +[\d.]+ \w?i?B$")
        self.assertEqual(len(lines), 11)

    def test_volumes_and_drives(self):
        volumes = doc("volume", "list")["volumes"]
        listing = ok("volume", "list").splitlines()
        self.assertEqual(listing[0].split(), ["ID", "DRIVE", "STATE", "SIZE", "LIMIT", "NEEDLES", "LIVE", "GARBAGE",
                                              "CODING", "COMPACTING", "ERROR"])
        self.assertEqual([int(line.split()[0]) for line in listing[1:]], [v["id"] for v in volumes])
        info = ok("volume", "info", "1")
        v = doc("volume", "info", "1")
        self.assertTrue(info.startswith("id:         1\ndrive:      %s\nstate:      %s\n" % (v["drive"], v["state"])), info)
        self.assertIn("\nsize limit: 1.0 GiB (1073741824 bytes)\n", info)
        self.assertIn("\ncoding:     none\ncompacting: no\n", info)
        drives = ok("drive", "list").splitlines()
        self.assertEqual(drives[0].split(), ["PATH", "STATE", "VOLUMES", "BROKEN", "TOTAL", "FREE"])
        self.assertRegex(drives[1], r"^%s +ok +%d +0 " % (re.escape(v["drive"]), len(volumes)))
        refused(self, ["volume", "info", "99"], "NoSuchVolume")
        self.assertEqual(refused(self, ["volume", "encode", "1"], "InvalidRequest"),
                         "error: InvalidRequest: Erasure coding is not configured on this server "
                         "(bale serve --ec K+M with at least K+M drives).\n")

    def test_compact_and_seal(self):
        s3 = SERVER.client()
        s3.create_bucket(Bucket="garbage")
        for i in range(20):
            s3.put_object(Bucket="garbage", Key="k%d" % i, Body=os.urandom(64 << 10))
        for i in range(20):
            s3.delete_object(Bucket="garbage", Key="k%d" % i)
        dirty = [v for v in doc("volume", "list")["volumes"] if v["garbage_ratio"] > 0]
        self.assertTrue(dirty)
        vid = str(dirty[0]["id"])
        code, out, err = run("volume", "compact", vid)
        self.assertEqual((code, err), (0, ""))  # stderr is a pipe: no progress bar
        self.assertTrue(out.startswith("id:         %s\n" % vid), out)
        self.assertIn("\ngarbage:    0.0%\n", out)
        self.assertIn("\ncompacting: no\n", out)
        after = doc("volume", "info", vid)
        self.assertEqual((after["compacting"], after["garbage_ratio"]), (False, 0))

        last = str(doc("volume", "list")["volumes"][-1]["id"])
        self.assertIn("\nstate:      sealed\n", ok("volume", "seal", last))
        self.assertEqual(doc("volume", "info", last)["state"], "sealed")


if __name__ == "__main__":
    unittest.main()
