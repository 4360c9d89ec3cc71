#include "gateway/s3_acl_ops.h"

#include <strings.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <optional>
#include <vector>

#include <pugixml.hpp>

#include "gateway/payload_reader.h"
#include "gateway/s3_error.h"
#include "gateway/s3_xml.h"

namespace bale::s3 {
namespace {

constexpr size_t kMaxAclBodyBytes = 64 << 10;
constexpr char kXsiNamespace[] = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::string_view kAllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
constexpr std::array<std::string_view, 3> kGroups = {
    kAllUsers, "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
    "http://acs.amazonaws.com/groups/s3/LogDelivery"};
constexpr std::array<std::string_view, 5> kPermissions = {"FULL_CONTROL", "READ", "WRITE",
                                                          "READ_ACP", "WRITE_ACP"};
constexpr char kSupported[] = " (Bale supports the canned ACLs private and public-read)";

Status NotImplemented(const std::string& what) {
  return ErrorStatus(
      "NotImplemented",
      "A header you provided implies functionality that is not implemented: " + what + kSupported);
}

Status MalformedAcl() { return ErrorStatus("MalformedACLError"); }

// ---- <AccessControlPolicy> parsing (names compared without a namespace prefix)

std::string_view LocalName(const pugi::xml_node& n) {
  std::string_view name = n.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::vector<pugi::xml_node> Children(const pugi::xml_node& parent, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (auto c : parent.children())
    if (c.type() == pugi::node_element && LocalName(c) == name) out.push_back(c);
  return out;
}

// The text of the one child `name`; nullopt if there is none or more than one.
std::optional<std::string> OnlyText(const pugi::xml_node& parent, std::string_view name) {
  auto found = Children(parent, name);
  if (found.size() != 1) return std::nullopt;
  std::string_view t = found[0].text().get();
  while (!t.empty() && isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  return std::string(t);
}

// The grantee's xsi:type, whatever prefix the document bound the namespace to.
std::string_view GranteeType(const pugi::xml_node& grantee) {
  for (auto a : grantee.attributes()) {
    std::string_view name = a.name();
    if (name == "type" || (name.ends_with(":type") && !name.starts_with("xmlns"))) return a.value();
  }
  return {};
}

struct Grant {
  std::string type;     // CanonicalUser, Group or AmazonCustomerByEmail
  std::string grantee;  // the ID, URI or EmailAddress
  std::string permission;
};

// Checks the document against S3's schema (MalformedACLError otherwise).
Result<std::vector<Grant>> ParseGrants(const pugi::xml_node& root, std::string* owner) {
  if (LocalName(root) != "AccessControlPolicy") return MalformedAcl();
  auto owners = Children(root, "Owner");
  if (owners.size() != 1) return MalformedAcl();
  auto owner_id = OnlyText(owners[0], "ID");
  if (!owner_id || owner_id->empty()) return MalformedAcl();
  *owner = *owner_id;
  auto lists = Children(root, "AccessControlList");
  if (lists.size() != 1) return MalformedAcl();
  std::vector<Grant> grants;
  for (auto node : lists[0].children()) {
    if (node.type() != pugi::node_element) continue;
    if (LocalName(node) != "Grant") return MalformedAcl();
    auto grantees = Children(node, "Grantee");
    auto permission = OnlyText(node, "Permission");
    if (grantees.size() != 1 || !permission) return MalformedAcl();
    if (std::find(kPermissions.begin(), kPermissions.end(), *permission) == kPermissions.end())
      return MalformedAcl();
    Grant g{std::string(GranteeType(grantees[0])), {}, *permission};
    const char* field = g.type == "CanonicalUser"           ? "ID"
                        : g.type == "Group"                 ? "URI"
                        : g.type == "AmazonCustomerByEmail" ? "EmailAddress"
                                                            : nullptr;
    if (field == nullptr) return MalformedAcl();
    auto who = OnlyText(grantees[0], field);
    if (!who || who->empty()) return MalformedAcl();
    g.grantee = *who;
    grants.push_back(std::move(g));
  }
  return grants;
}

// ---- the request side of PutBucketAcl / PutObjectAcl

bool IsOwner(const S3Request& r, const meta::BucketRecord& bucket) {
  return !r.user_id.empty() && r.user_id == bucket.owner_user_id;
}

// ACLs are the owner's alone, whatever the bucket or object lets others read.
Status RequireOwner(const S3Request& r, const meta::BucketRecord& bucket) {
  if (!IsOwner(r, bucket)) return ErrorStatus("AccessDenied", "Access Denied");
  return Status::Ok();
}

std::string DisplayName(const S3Request& r, const std::string& user_id) {
  auto user = r.backends.meta->GetUser(user_id);
  return user.ok() && !user->display_name.empty() ? user->display_name : user_id;
}

// The first x-amz-grant-* header's name, lowercase; empty if none.
std::string GrantHeader(const HttpRequestHead& head) {
  constexpr std::string_view kPrefix = "x-amz-grant-";
  for (const auto& [name, value] : head.headers)
    if (name.size() > kPrefix.size() &&
        strncasecmp(name.data(), kPrefix.data(), kPrefix.size()) == 0) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
      return lower;
    }
  return {};
}

// The ACL a Put*Acl request asks for: x-amz-acl, or an AccessControlPolicy
// body; in S3's order of complaints when it has several or none.
Result<meta::CannedAcl> RequestedAcl(S3Request& r, const std::string& owner_id) {
  const bool by_header = r.head.HasHeader("x-amz-acl") || !GrantHeader(r.head).empty();
  std::unique_ptr<PayloadReader> payload;
  if (PayloadReader::Announced(r.head, r.auth)) {
    ASSIGN_OR_RETURN(payload, PayloadReader::Create(r.head, r.auth, &r.body));
  }
  const bool has_body = payload && payload->length() > 0;
  if (has_body && by_header)
    return ErrorStatus("UnexpectedContent", "This request does not support content");
  if (by_header) return AclOfNewResource(r.head);
  if (!has_body) return ErrorStatus("MissingSecurityHeader");
  if (payload->length() > kMaxAclBodyBytes)
    return ErrorStatus("MalformedACLError",
                       "The XML you provided was larger than the maximum of 64 KiB Bale allows "
                       "for an access control policy.");
  ASSIGN_OR_RETURN(std::string body, payload->ReadAll());
  return CannedAclFromPolicy(
      body, owner_id, [&](std::string_view id) { return r.backends.meta->GetUser(id).ok(); });
}

}  // namespace

Result<meta::CannedAcl> ParseCannedAcl(std::string_view value) {
  if (value == "private" || value == "bucket-owner-read" || value == "bucket-owner-full-control")
    return meta::CannedAcl::kPrivate;
  if (value == "public-read") return meta::CannedAcl::kPublicRead;
  if (value == "public-read-write" || value == "authenticated-read" || value == "aws-exec-read" ||
      value == "log-delivery-write")
    return NotImplemented("x-amz-acl " + std::string(value));
  return InvalidArgumentFor("x-amz-acl", value, "Invalid canned ACL");
}

Result<meta::CannedAcl> AclOfNewResource(const HttpRequestHead& head) {
  const std::string grant = GrantHeader(head);
  const bool canned = head.HasHeader("x-amz-acl");
  if (canned && !grant.empty())
    return ErrorStatus("InvalidRequest",
                       "Specifying both Canned ACLs and Header Grants is not allowed");
  if (!grant.empty()) return NotImplemented(grant);
  if (!canned) return meta::CannedAcl::kPrivate;
  return ParseCannedAcl(head.Header("x-amz-acl"));
}

std::string AclPolicyXml(std::string_view owner_id, std::string_view owner_display_name,
                         meta::CannedAcl acl) {
  XmlDoc doc("AccessControlPolicy");
  auto owner = doc.root().append_child("Owner");
  XmlDoc::Add(owner, "ID", owner_id);
  XmlDoc::Add(owner, "DisplayName", owner_display_name);
  auto list = doc.root().append_child("AccessControlList");
  // S3 declares the xsi namespace on every Grantee.
  auto add_grant = [&](const char* type, auto fill_grantee, const char* permission) {
    auto grant = list.append_child("Grant");
    auto grantee = grant.append_child("Grantee");
    grantee.append_attribute("xmlns:xsi") = kXsiNamespace;
    grantee.append_attribute("xsi:type") = type;
    fill_grantee(grantee);
    XmlDoc::Add(grant, "Permission", permission);
  };
  add_grant(
      "CanonicalUser",
      [&](pugi::xml_node g) {
        XmlDoc::Add(g, "ID", owner_id);
        XmlDoc::Add(g, "DisplayName", owner_display_name);
      },
      "FULL_CONTROL");
  if (acl == meta::CannedAcl::kPublicRead)
    add_grant(
        "Group", [&](pugi::xml_node g) { XmlDoc::Add(g, "URI", kAllUsers); }, "READ");
  return doc.str();
}

Result<meta::CannedAcl> CannedAclFromPolicy(
    std::string_view xml, std::string_view owner_id,
    const std::function<bool(std::string_view user_id)>& user_exists) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return MalformedAcl();
  std::string policy_owner;
  ASSIGN_OR_RETURN(std::vector<Grant> grants, ParseGrants(doc.document_element(), &policy_owner));
  // The owner cannot be changed through an ACL.
  if (policy_owner != owner_id) return ErrorStatus("InvalidArgument", "Invalid id");
  for (const auto& g : grants) {
    if (g.type == "CanonicalUser" && g.grantee != owner_id && !user_exists(g.grantee))
      return ErrorStatus("InvalidArgument", "Invalid id");
    if (g.type == "Group" && std::find(kGroups.begin(), kGroups.end(), g.grantee) == kGroups.end())
      return ErrorStatus("InvalidArgument", "Invalid group uri");
  }
  bool owner_full_control = false, public_read = false;
  for (const auto& g : grants) {
    if (g.type == "CanonicalUser" && g.grantee == owner_id && g.permission == "FULL_CONTROL")
      owner_full_control = true;
    else if (g.type == "Group" && g.grantee == kAllUsers && g.permission == "READ")
      public_read = true;
    else
      return NotImplemented("a grant of " + g.permission + " to " + g.grantee);
  }
  if (!owner_full_control) return NotImplemented("an ACL without the owner's FULL_CONTROL grant");
  return public_read ? meta::CannedAcl::kPublicRead : meta::CannedAcl::kPrivate;
}

Status GetBucketAcl(S3Request& r, const meta::BucketRecord& bucket) {
  RETURN_IF_ERROR(RequireOwner(r, bucket));
  return r.SendXml(
      200, AclPolicyXml(bucket.owner_user_id, DisplayName(r, bucket.owner_user_id), bucket.acl));
}

Status PutBucketAcl(S3Request& r, const meta::BucketRecord& bucket) {
  RETURN_IF_ERROR(RequireOwner(r, bucket));
  ASSIGN_OR_RETURN(meta::CannedAcl acl, RequestedAcl(r, bucket.owner_user_id));
  if (acl != bucket.acl) {
    meta::BucketRecord updated = bucket;
    updated.acl = acl;
    // Whole-record equality: nothing else (quota, owner, a deleted and
    // re-created bucket of the name) changed since `bucket` was read.
    RETURN_IF_ERROR(
        r.backends.meta->PutBucket(updated, [&](const meta::BucketRecord& current) -> Status {
          if (current != bucket) return ErrorStatus("ConditionalRequestConflict");
          return Status::Ok();
        }));
  }
  return r.SendEmpty(200);
}

Status GetObjectAcl(S3Request& r, const meta::BucketRecord& bucket) {
  RETURN_IF_ERROR(RequireOwner(r, bucket));
  ASSIGN_OR_RETURN(meta::ObjectRecord obj, r.backends.meta->GetObject(bucket.name, r.route.key));
  // The bucket owner owns every object (objects carry no owner of their own).
  return r.SendXml(
      200, AclPolicyXml(bucket.owner_user_id, DisplayName(r, bucket.owner_user_id), obj.acl));
}

Status PutObjectAcl(S3Request& r, const meta::BucketRecord& bucket) {
  RETURN_IF_ERROR(RequireOwner(r, bucket));
  ASSIGN_OR_RETURN(meta::ObjectRecord obj, r.backends.meta->GetObject(bucket.name, r.route.key));
  ASSIGN_OR_RETURN(meta::CannedAcl acl, RequestedAcl(r, bucket.owner_user_id));
  if (acl != obj.acl) {
    meta::ObjectRecord updated = obj;
    updated.acl = acl;
    // Written only over the very record read (same needles, etag, time,
    // metadata): a replaced object must not get the old one's chunks back.
    auto replaced = r.backends.meta->PutObject(
        bucket.name, updated, [&](const std::optional<meta::ObjectRecord>& current) -> Status {
          if (!current) return ErrorStatus("NoSuchKey");
          if (*current != obj) return ErrorStatus("ConditionalRequestConflict");
          return Status::Ok();
        });
    // The record replaced is this same object: its needles are still in use,
    // so unlike PutObject nothing is released here.
    if (!replaced.ok()) return replaced.status();
  }
  return r.SendEmpty(200);
}

}  // namespace bale::s3
