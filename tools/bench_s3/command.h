// The command lines of `bale bench s3` and `bale bench null-server`: flags
// to options (boost::program_options, like the other `bale bench` commands),
// then RunS3Bench or NullServer.
#pragma once

namespace bale::bench_s3 {

// argv[0] is "s3"; returns the exit code (2 for usage errors).
int RunS3BenchCommand(int argc, char** argv);
// argv[0] is "null-server".
int RunNullServerCommand(int argc, char** argv);

}  // namespace bale::bench_s3
