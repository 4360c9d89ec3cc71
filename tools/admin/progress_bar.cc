#include "tools/admin/progress_bar.h"

#include <algorithm>
#include <cstdio>

namespace bale::admin {
namespace {

constexpr int kBarWidth = 30;

}  // namespace

std::string ProgressLine(const std::string& label, double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int filled = static_cast<int>(fraction * kBarWidth);
  char percent[8];
  std::snprintf(percent, sizeof(percent), "%3d%%", static_cast<int>(fraction * 100));
  return label + " [" + std::string(filled, '#') + std::string(kBarWidth - filled, '-') + "] " +
         percent;
}

void ProgressBar::Show(double fraction) {
  if (!enabled_) return;
  out_ << '\r' << ProgressLine(label_, fraction) << std::flush;
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (drawn_) out_ << '\n' << std::flush;
  drawn_ = false;
}

}  // namespace bale::admin
