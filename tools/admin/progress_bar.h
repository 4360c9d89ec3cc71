// A one-line progress bar redrawn in place with '\r', for a terminal only:
// when the stream is a pipe or a file, nothing is drawn, so logs stay clean.
//
// Thread-safety: one thread per bar.
#pragma once

#include <ostream>
#include <string>

namespace bale::admin {

// "compacting volume 3 [#########-----------]  45%"; `fraction` clamped to 0..1.
std::string ProgressLine(const std::string& label, double fraction);

class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled, std::string label)
      : out_(out), enabled_(enabled), label_(std::move(label)) {}

  void Show(double fraction);
  // Ends the line if anything was drawn.
  void Finish();

 private:
  std::ostream& out_;
  const bool enabled_;
  const std::string label_;
  bool drawn_ = false;
};

}  // namespace bale::admin
