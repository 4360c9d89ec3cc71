// CRC-32 (IEEE 802.3, the zlib/PNG/gzip CRC) and CRC-64/NVME (the CRC S3 calls
// CRC64NVME), table-driven with slicing-by-8. CRC32C lives in common/crc32c.h.
//
// Same convention as crc32c::Extend: pass 0 for no earlier bytes; the pre- and
// post-inversion are inside, so Extend(Extend(0, a), b) == Extend(0, a + b).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bale::auth {

// CRC-32: reflected polynomial 0xEDB88320, init and xorout 0xFFFFFFFF.
// Check value ("123456789"): 0xCBF43926.
uint32_t Crc32Extend(uint32_t crc, const void* data, size_t n);

// CRC-64/NVME: reflected polynomial 0x9A6C9329AC4BC9B5, init and xorout ~0.
// Check value ("123456789"): 0xAE8B14860A799888.
uint64_t Crc64NvmeExtend(uint64_t crc, const void* data, size_t n);

}  // namespace bale::auth
