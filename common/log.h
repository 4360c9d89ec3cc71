// Leveled logging to stderr: one line per message, with time, level, file:line.
//
//   BALE_LOG(kWarning) << "volume " << vid << ": torn tail truncated at " << off;
//
// Thread-safety: a message is assembled privately and written with one call,
// so lines from different threads never interleave.
#pragma once

#include <sstream>
#include <string_view>

namespace bale {

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Parses "debug", "info", "warning", "error". Returns false on anything else.
bool ParseLogLevel(std::string_view name, LogLevel* out);

class LogMessage {
 public:
  LogMessage(LogLevel level, const char* file, int line);
  ~LogMessage();
  std::ostream& stream() { return os_; }

 private:
  LogLevel level_;
  std::ostringstream os_;
};

}  // namespace bale

// A for-loop rather than if/else, so `if (x) BALE_LOG(kInfo) << ...;` nests safely.
#define BALE_LOG(level)                                                                    \
  for (bool _bale_log_on = ::bale::LogLevel::level >= ::bale::GetLogLevel(); _bale_log_on; \
       _bale_log_on = false)                                                               \
  ::bale::LogMessage(::bale::LogLevel::level, __FILE__, __LINE__).stream()
