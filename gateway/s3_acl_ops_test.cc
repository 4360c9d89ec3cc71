#include "gateway/s3_acl_ops.h"

#include <doctest.h>

namespace bale::s3 {
namespace {

constexpr char kXsi[] = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

std::string OwnerGrant(std::string_view id, std::string_view permission = "FULL_CONTROL") {
  return "<Grant><Grantee " + std::string(kXsi) + " xsi:type=\"CanonicalUser\"><ID>" +
         std::string(id) + "</ID></Grantee><Permission>" + std::string(permission) +
         "</Permission></Grant>";
}

std::string GroupGrant(std::string_view uri, std::string_view permission = "READ") {
  return "<Grant><Grantee " + std::string(kXsi) + " xsi:type=\"Group\"><URI>" + std::string(uri) +
         "</URI></Grantee><Permission>" + std::string(permission) + "</Permission></Grant>";
}

std::string Policy(std::string_view grants, std::string_view owner = "alice") {
  return "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>" +
         std::string(owner) + "</ID></Owner><AccessControlList>" + std::string(grants) +
         "</AccessControlList></AccessControlPolicy>";
}

constexpr char kAllUsers[] = "http://acs.amazonaws.com/groups/global/AllUsers";

// The canned ACL, or the S3 error code.
std::string Parse(const std::string& xml) {
  auto r = CannedAclFromPolicy(xml, "alice", [](std::string_view id) { return id == "bob"; });
  if (!r.ok()) return std::string(r.status().reason());
  return *r == meta::CannedAcl::kPublicRead ? "public-read" : "private";
}

TEST_CASE("GET ACL documents are S3's, byte for byte") {
  CHECK(AclPolicyXml("alice", "Alice", meta::CannedAcl::kPrivate) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Owner><ID>alice</ID><DisplayName>Alice</DisplayName></Owner><AccessControlList>"
        "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        "xsi:type=\"CanonicalUser\"><ID>alice</ID><DisplayName>Alice</DisplayName></Grantee>"
        "<Permission>FULL_CONTROL</Permission></Grant></AccessControlList>"
        "</AccessControlPolicy>");
  std::string pub = AclPolicyXml("alice", "Alice", meta::CannedAcl::kPublicRead);
  CHECK(pub.find("<Permission>FULL_CONTROL</Permission></Grant><Grant><Grantee "
                 "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\">"
                 "<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>"
                 "<Permission>READ</Permission></Grant></AccessControlList>") != std::string::npos);
}

TEST_CASE("what S3 sends back parses to the same canned ACL") {
  for (auto acl : {meta::CannedAcl::kPrivate, meta::CannedAcl::kPublicRead}) {
    auto back = CannedAclFromPolicy(AclPolicyXml("alice", "Alice", acl), "alice",
                                    [](std::string_view) { return false; });
    REQUIRE(back.ok());
    CHECK(*back == acl);
  }
}

TEST_CASE("policies equivalent to private and public-read are accepted") {
  CHECK(Parse(Policy(OwnerGrant("alice"))) == "private");
  CHECK(Parse(Policy(OwnerGrant("alice") + GroupGrant(kAllUsers))) == "public-read");
  CHECK(Parse(Policy(GroupGrant(kAllUsers) + OwnerGrant("alice"))) == "public-read");
  CHECK(Parse(Policy(OwnerGrant("alice") + OwnerGrant("alice"))) == "private");
  // Another namespace prefix for xsi, whitespace between elements.
  CHECK(Parse("<AccessControlPolicy>\n <Owner><ID>alice</ID></Owner>\n <AccessControlList>\n"
              "  <Grant><Grantee xmlns:x=\"http://www.w3.org/2001/XMLSchema-instance\" "
              "x:type=\"CanonicalUser\"><ID> alice </ID></Grantee>"
              "<Permission>FULL_CONTROL</Permission></Grant>\n </AccessControlList>\n"
              "</AccessControlPolicy>") == "private");
}

TEST_CASE("not XML or not the schema: MalformedACLError") {
  CHECK(Parse("") == "MalformedACLError");
  CHECK(Parse("{\"Grants\": []}") == "MalformedACLError");
  CHECK(Parse("<AccessControlPolicy><Owner>") == "MalformedACLError");
  CHECK(Parse("<Tagging/>") == "MalformedACLError");
  CHECK(Parse("<AccessControlPolicy><AccessControlList>" + OwnerGrant("alice") +
              "</AccessControlList></AccessControlPolicy>") == "MalformedACLError");  // no Owner
  CHECK(Parse(Policy(OwnerGrant("alice"), "")) == "MalformedACLError");  // empty owner id
  CHECK(Parse("<AccessControlPolicy><Owner><ID>alice</ID></Owner></AccessControlPolicy>") ==
        "MalformedACLError");  // no list
  CHECK(Parse(Policy(OwnerGrant("alice", "FULL_CONTROLL"))) == "MalformedACLError");
  CHECK(Parse(Policy(OwnerGrant(""))) == "MalformedACLError");
  CHECK(Parse(Policy("<Grant><Grantee xsi:type=\"Wizard\"><ID>x</ID></Grantee>"
                     "<Permission>READ</Permission></Grant>")) == "MalformedACLError");
  CHECK(Parse(Policy("<Grant><Permission>READ</Permission></Grant>")) == "MalformedACLError");
  CHECK(Parse(Policy("<Other/>")) == "MalformedACLError");
}

TEST_CASE("another owner, an unknown user or group: InvalidArgument") {
  CHECK(Parse(Policy(OwnerGrant("alice"), "bob")) == "InvalidArgument");
  CHECK(Parse(Policy(OwnerGrant("alice") + OwnerGrant("nobody", "READ"))) == "InvalidArgument");
  CHECK(Parse(Policy(OwnerGrant("alice") + GroupGrant("http://example.com/group"))) ==
        "InvalidArgument");
}

TEST_CASE("grants Bale cannot keep: NotImplemented") {
  CHECK(Parse(Policy(OwnerGrant("alice") + OwnerGrant("bob", "READ"))) == "NotImplemented");
  CHECK(Parse(Policy(OwnerGrant("alice") + GroupGrant(kAllUsers, "WRITE"))) == "NotImplemented");
  CHECK(Parse(Policy(OwnerGrant("alice") +
                     GroupGrant("http://acs.amazonaws.com/groups/global/AuthenticatedUsers"))) ==
        "NotImplemented");
  CHECK(Parse(Policy(OwnerGrant("alice") + "<Grant><Grantee " + std::string(kXsi) +
                     " xsi:type=\"AmazonCustomerByEmail\"><EmailAddress>a@b.c</EmailAddress>"
                     "</Grantee><Permission>READ</Permission></Grant>")) == "NotImplemented");
  CHECK(Parse(Policy(OwnerGrant("alice", "READ"))) == "NotImplemented");
  CHECK(Parse(Policy(GroupGrant(kAllUsers))) == "NotImplemented");  // owner without FULL_CONTROL
  CHECK(Parse(Policy("")) == "NotImplemented");
}

TEST_CASE("x-amz-acl values") {
  CHECK(ParseCannedAcl("private").value() == meta::CannedAcl::kPrivate);
  CHECK(ParseCannedAcl("public-read").value() == meta::CannedAcl::kPublicRead);
  CHECK(ParseCannedAcl("bucket-owner-full-control").value() == meta::CannedAcl::kPrivate);
  CHECK(ParseCannedAcl("bucket-owner-read").value() == meta::CannedAcl::kPrivate);
  for (auto other :
       {"public-read-write", "authenticated-read", "aws-exec-read", "log-delivery-write"}) {
    auto r = ParseCannedAcl(other);
    CHECK(r.status().reason() == "NotImplemented");
    CHECK(r.status().message().find(other) != std::string_view::npos);
  }
  CHECK(ParseCannedAcl("garbage").status().reason() == "InvalidArgument");
  CHECK(ParseCannedAcl("").status().reason() == "InvalidArgument");
  CHECK(ParseCannedAcl("PUBLIC-READ").status().reason() == "InvalidArgument");
}

}  // namespace
}  // namespace bale::s3
