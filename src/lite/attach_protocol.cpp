#include "lite/attach_protocol.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace wb::lite {
namespace {

void put_u32(std::string& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t get_u32(const char* p) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    return v;
}

constexpr uint32_t kMaxPayload = 1u << 20;

// sockaddr_un for dir/attach.sock through /proc/self/fd/N of an O_PATH descriptor of dir.
struct SocketAddress {
    UniqueFd dir;
    struct sockaddr_un addr {};
    explicit SocketAddress(const std::string& container_dir) {
        dir.reset(::open(container_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!dir) return;
        std::string path = "/proc/self/fd/" + std::to_string(dir.get()) + "/attach.sock";
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    }
};

}  // namespace

std::string AttachHello::encode() const {
    return std::string(1, input ? '1' : '0') + (input_once ? '1' : '0');
}

AttachHello AttachHello::decode(std::string_view payload) {
    AttachHello h;
    h.input = payload.size() > 0 && payload[0] == '1';
    h.input_once = payload.size() > 1 && payload[1] == '1';
    return h;
}

std::string encode_frame(Frame type, std::string_view payload) {
    std::string out;
    out.reserve(payload.size() + 5);
    out.push_back(static_cast<char>(type));
    put_u32(out, static_cast<uint32_t>(payload.size()));
    out.append(payload);
    return out;
}

std::string encode_window(uint16_t rows, uint16_t cols) {
    std::string p;
    for (uint16_t v : {rows, cols}) {
        p.push_back(static_cast<char>(v & 0xff));
        p.push_back(static_cast<char>(v >> 8));
    }
    return encode_frame(Frame::window, p);
}

std::optional<DecodedFrame> FrameReader::next() {
    if (buffer_.size() < 5) return std::nullopt;
    uint32_t len = get_u32(buffer_.data() + 1);
    if (len > kMaxPayload) throw Error("attach: a frame of " + std::to_string(len) + " bytes");
    if (buffer_.size() < 5 + static_cast<size_t>(len)) return std::nullopt;
    DecodedFrame f{static_cast<Frame>(buffer_[0]), buffer_.substr(5, len)};
    buffer_.erase(0, 5 + static_cast<size_t>(len));
    return f;
}

std::string attach_socket_path(const std::string& container_dir) { return container_dir + "/attach.sock"; }

UniqueFd listen_attach(const std::string& container_dir) {
    SocketAddress a(container_dir);
    if (!a.dir) throw_errno("open " + container_dir);
    ::unlink(attach_socket_path(container_dir).c_str());
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) throw_errno("socket");
    if (::bind(fd.get(), reinterpret_cast<struct sockaddr*>(&a.addr), sizeof a.addr) < 0)
        throw_errno("bind " + attach_socket_path(container_dir));
    ::chmod(attach_socket_path(container_dir).c_str(), 0600);
    if (::listen(fd.get(), 16) < 0) throw_errno("listen " + attach_socket_path(container_dir));
    return fd;
}

UniqueFd connect_attach(const std::string& container_dir) {
    SocketAddress a(container_dir);
    if (!a.dir) return {};
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw_errno("socket");
    int r;
    do {
        r = ::connect(fd.get(), reinterpret_cast<struct sockaddr*>(&a.addr), sizeof a.addr);
    } while (r < 0 && errno == EINTR);
    if (r < 0) return {};
    return fd;
}

}  // namespace wb::lite
