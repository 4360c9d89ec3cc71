// Region arithmetic in GF(2^8) on gf-complete (through jerasure's galois
// layer): the inner loop of Reed-Solomon encode and decode.
//
// Thread-safety: after InitGaloisFields() has returned once, every function
// here may run concurrently from many threads on distinct destinations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace bale::erasure {

// Builds gf-complete's lazily made tables for w=8 (multiply) and w=32 (the XOR
// path). jerasure builds them on first use without a lock; calling this first
// makes later concurrent use race-free. Cheap after the first call.
void InitGaloisFields();

// dests[r] = sum over c of matrix[r * srcs.size() + c] * srcs[c], for `size`
// bytes of each region, destination row by row. Coefficients 1 are a copy or
// an XOR, 0 are skipped. Regions may start at any address; `size` may be any
// number of bytes.
void MatrixMultiply(std::span<const int> matrix, std::span<const uint8_t* const> srcs,
                    std::span<uint8_t* const> dests, size_t size);

}  // namespace bale::erasure
