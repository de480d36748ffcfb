// The attach socket of a lite container: a unix socket (attach.sock in the container's
// directory) that its detached monitor listens on. An attach client (attach, start -a,
// run --restart in the foreground) gets the container's output through it and sends its
// input, its window size and the end of its input; the monitor sends the exit status when
// the container's run ends. Every message is one frame: a type byte, a 4-byte length
// (little endian) and the payload.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/unique_fd.hpp"

namespace wb::lite {

enum class Frame : char {
    // client -> monitor
    hello = 'h',       // payload: AttachHello::encode
    input = 'i',       // bytes for the container's stdin
    input_end = 'd',   // the client's stdin ended
    window = 'w',      // rows and columns, 2 bytes each (little endian)
    // monitor -> client
    out = 'o',         // the container's stdout (its terminal's output with -t)
    err = 'e',         // the container's stderr
    exit_status = 'x'  // the run ended: its status as decimal text
};

// What a client asks for when it connects.
struct AttachHello {
    bool input = false;       // sends input
    bool input_once = false;  // its end of input closes the container's stdin (docker run -i)
    std::string encode() const;
    static AttachHello decode(std::string_view payload);
};

std::string encode_frame(Frame type, std::string_view payload);
std::string encode_window(uint16_t rows, uint16_t cols);

struct DecodedFrame {
    Frame type;
    std::string payload;
};

// Splits a byte stream into frames.
class FrameReader {
public:
    void feed(const char* data, size_t len) { buffer_.append(data, len); }
    std::optional<DecodedFrame> next();

private:
    std::string buffer_;
};

// attach.sock below the container's directory.
std::string attach_socket_path(const std::string& container_dir);
// The monitor's listening socket (removed first if stale). The path may be longer than
// sun_path holds: it is reached through an O_PATH descriptor of the directory.
UniqueFd listen_attach(const std::string& container_dir);
// A connection to the monitor; an empty fd when nobody listens (no monitor, or one that
// predates attach sockets).
UniqueFd connect_attach(const std::string& container_dir);

}  // namespace wb::lite
