// Background work (compaction, repair) yields the CPU and the disk to client
// requests: the calling thread gets nice 19 and the idle I/O class, so it
// runs at full speed only on what requests leave free.
#pragma once

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace bale {

inline void MakeThisThreadBackground() {
  const pid_t tid = static_cast<pid_t>(::syscall(SYS_gettid));
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(tid), 19);  // per thread on Linux
  constexpr int kWhoProcess = 1, kClassIdle = 3, kClassShift = 13;  // linux/ioprio.h
  ::syscall(SYS_ioprio_set, kWhoProcess, tid, kClassIdle << kClassShift);
}

}  // namespace bale
