// Parsing a `bale` subcommand's flags with boost::program_options, the same
// way for every subcommand: --help/-h prints the usage and the flags; a bad
// flag prints the error, the usage and the flags to stderr.
//
// Thread-safety: call from main's thread.
#pragma once

#include <iostream>
#include <optional>
#include <string_view>

#include <boost/program_options.hpp>

namespace bale::tools {

// Parses argv into `vm`. nullopt: go on; otherwise the exit code (0 after
// --help, 2 after a bad flag).
inline std::optional<int> ParseCommandLine(std::string_view usage,
                                           boost::program_options::options_description& desc,
                                           int argc, char** argv,
                                           boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  desc.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "bale: " << e.what() << "\n\n" << usage << "\n" << desc;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << usage << "\n" << desc;
    return 0;
  }
  return std::nullopt;
}

}  // namespace bale::tools
