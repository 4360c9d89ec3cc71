// The text and JSON reports of `bale bench s3`.
#include <cstdio>
#include <ostream>
#include <string>

#include "tools/bench_s3/bench_s3.h"

namespace bale::bench_s3 {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

struct Quantile {
  const char* text_name;
  const char* json_name;
  double q;
};
constexpr Quantile kQuantiles[] = {
    {"p50", "p50", 0.50}, {"p90", "p90", 0.90}, {"p99", "p99", 0.99}, {"p99.9", "p99_9", 0.999}};

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "\"";
}

std::string Number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string JsonLatency(const LatencyHistogram& h) {
  std::string out = "{";
  for (const Quantile& q : kQuantiles) {
    out += "\"" + std::string(q.json_name) + "\": " + std::to_string(h.Percentile(q.q)) + ", ";
  }
  out += "\"max\": " + std::to_string(h.max()) + ", \"mean\": " + Number(h.mean(), 1) + "}";
  return out;
}

std::string JsonOp(const OpStats& s, double seconds) {
  return "{\"ops\": " + std::to_string(s.ops) + ", \"errors\": " + std::to_string(s.errors) +
         ", \"bytes\": " + std::to_string(s.bytes) +
         ", \"ops_per_sec\": " + Number(seconds > 0 ? s.ops / seconds : 0, 1) +
         ", \"mib_per_sec\": " + Number(seconds > 0 ? s.bytes / seconds / kMiB : 0, 2) +
         ", \"latency_us\": " + JsonLatency(s.latency) + "}";
}

std::string JsonCounts(const std::map<std::string, uint64_t>& counts) {
  std::string out = "{";
  for (const auto& [name, n] : counts) {
    if (out.size() > 1) out += ", ";
    out += JsonString(name) + ": " + std::to_string(n);
  }
  return out + "}";
}

std::string Millis(uint64_t micros) { return Number(micros / 1000.0, 3); }

void TextRow(std::ostream& out, std::string_view name, const OpStats& s, double seconds) {
  char line[256];
  std::snprintf(
      line, sizeof line, "  %-6.*s %10llu %11.1f %9.2f %8s %8s %8s %8s %9s %8llu\n",
      static_cast<int>(name.size()), name.data(), static_cast<unsigned long long>(s.ops),
      seconds > 0 ? s.ops / seconds : 0, seconds > 0 ? s.bytes / seconds / kMiB : 0,
      Millis(s.latency.Percentile(0.50)).c_str(), Millis(s.latency.Percentile(0.90)).c_str(),
      Millis(s.latency.Percentile(0.99)).c_str(), Millis(s.latency.Percentile(0.999)).c_str(),
      Millis(s.latency.max()).c_str(), static_cast<unsigned long long>(s.errors));
  out << line;
}

}  // namespace

void PrintText(const S3BenchOptions& o, const S3BenchReport& r, std::ostream& out) {
  const RunStats& stats = r.measured.stats;
  const double seconds = r.measured.seconds;
  out << "bale bench s3: " << o.workload
      << (o.workload == "mixed" ? " (" + o.mix.ToString() + ")" : std::string()) << " on "
      << o.endpoint << ", bucket " << r.bucket << (r.bucket_created ? " (created)" : "") << "\n";
  out << "  objects of " << o.sizes.ToString() << ", key space "
      << (r.objects > 0 ? std::to_string(r.objects) + " keys" : std::string("fresh keys")) << ", "
      << o.connections << " connection" << (o.connections == 1 ? "" : "s") << " on "
      << std::min(o.threads, o.connections) << " client thread"
      << (std::min(o.threads, o.connections) == 1 ? "" : "s") << "\n";
  out << "  measured " << Number(seconds, 2) << " s"
      << (o.ops > 0 ? " (" + std::to_string(o.ops) + " operations)" : std::string())
      << (o.warmup.count() > 0 && o.workload != "delete"
              ? " after a " + std::to_string(o.warmup.count()) + " s warm-up"
              : std::string())
      << (r.interrupted ? ", interrupted" : "")
      << (r.ran_out_of_keys ? ", every prepared object deleted" : "") << "\n\n";
  out << "  op            ops       ops/s     MiB/s   p50 ms   p90 ms   p99 ms p99.9 ms    max ms"
         "   errors\n";
  int used = 0;
  for (int i = 0; i < kOpCount; i++) {
    const OpStats& s = stats.by_op[i];
    if (s.ops == 0 && !o.mix.uses(static_cast<Op>(i))) continue;
    TextRow(out, OpName(static_cast<Op>(i)), s, seconds);
    used++;
  }
  if (used > 1) TextRow(out, "total", stats.Total(), seconds);
  out << "\n  errors: ";
  if (stats.s3_errors.empty() && stats.network_errors.empty()) out << "none";
  bool first = true;
  for (const auto& [code, n] : stats.s3_errors) {
    out << (first ? "" : ", ") << code << " " << n;
    first = false;
  }
  for (const auto& [cause, n] : stats.network_errors) {
    out << (first ? "" : ", ") << "network (" << cause << ") " << n;
    first = false;
  }
  out << "\n  cleanup: " << r.cleanup << "\n";
}

void PrintJson(const S3BenchOptions& o, const S3BenchReport& r, std::ostream& out) {
  const RunStats& stats = r.measured.stats;
  const double seconds = r.measured.seconds;
  const OpStats total = stats.Total();
  std::string ops = "{";
  for (int i = 0; i < kOpCount; i++) {
    const OpStats& s = stats.by_op[i];
    if (s.ops == 0 && !o.mix.uses(static_cast<Op>(i))) continue;
    if (ops.size() > 1) ops += ", ";
    ops += JsonString(OpName(static_cast<Op>(i))) + ": " + JsonOp(s, seconds);
  }
  ops += "}";
  out << "{\"endpoint\": " << JsonString(o.endpoint) << ", \"bucket\": " << JsonString(r.bucket)
      << ", \"bucket_created\": " << (r.bucket_created ? "true" : "false")
      << ", \"key_prefix\": " << JsonString(r.key_prefix)
      << ", \"workload\": " << JsonString(o.workload)
      << ", \"mix\": " << JsonString(o.mix.ToString())
      << ", \"size\": " << JsonString(o.sizes.ToString()) << ", \"objects\": " << r.objects
      << ", \"prepared\": " << r.prepared
      << ", \"prepare_seconds\": " << Number(r.prepare_seconds, 3)
      << ", \"connections\": " << o.connections
      << ", \"threads\": " << std::min(o.threads, o.connections)
      << ", \"warmup_seconds\": " << (o.workload == "delete" ? 0 : o.warmup.count())
      << ", \"seconds\": " << Number(seconds, 3)
      << ", \"interrupted\": " << (r.interrupted ? "true" : "false")
      << ", \"ran_out_of_keys\": " << (r.ran_out_of_keys ? "true" : "false")
      << ", \"ops\": " << total.ops << ", \"errors\": " << total.errors
      << ", \"bytes\": " << total.bytes
      << ", \"ops_per_sec\": " << Number(seconds > 0 ? total.ops / seconds : 0, 1)
      << ", \"mib_per_sec\": " << Number(seconds > 0 ? total.bytes / seconds / kMiB : 0, 2)
      << ", \"latency_us\": " << JsonLatency(total.latency) << ", \"operations\": " << ops
      << ", \"s3_errors\": " << JsonCounts(stats.s3_errors)
      << ", \"network_errors\": " << JsonCounts(stats.network_errors)
      << ", \"network_error_count\": " << stats.network_error_count()
      << ", \"cleanup\": " << JsonString(r.cleanup)
      << ", \"cleanup_ok\": " << (r.cleanup_ok ? "true" : "false") << "}\n";
}

}  // namespace bale::bench_s3
