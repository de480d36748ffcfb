// SHA-256 (FIPS 180-4) for content digests of layers and image configs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wb::lite {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t len);
    void update(std::string_view s) { update(s.data(), s.size()); }
    // Lower-case hex of the digest; the object is spent afterwards.
    std::string hex_digest();

private:
    void block(const uint8_t* p);
    uint32_t h_[8];
    uint8_t buf_[64];
    size_t buf_len_ = 0;
    uint64_t total_ = 0;
};

// "sha256:<hex>" of a string.
std::string sha256_digest(std::string_view data);

}  // namespace wb::lite
