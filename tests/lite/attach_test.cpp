// The attach socket's frames and docker's --detach-keys syntax (lite/attach_protocol.hpp,
// lite/attach_client.hpp).
#include <gtest/gtest.h>

#include "lite/attach_client.hpp"
#include "lite/attach_protocol.hpp"
#include "util/error.hpp"

namespace wb::lite {
namespace {

TEST(AttachFrames, RoundTripAcrossSplitReads) {
    std::string bytes = encode_frame(Frame::out, "hello") + encode_frame(Frame::err, std::string("a\0b", 3)) +
                        encode_frame(Frame::exit_status, "3") + encode_window(24, 300);
    FrameReader reader;
    std::vector<DecodedFrame> frames;
    for (char ch : bytes) {  // one byte at a time: frames come out whole
        reader.feed(&ch, 1);
        while (auto f = reader.next()) frames.push_back(*f);
    }
    ASSERT_EQ(frames.size(), 4u);
    EXPECT_EQ(frames[0].type, Frame::out);
    EXPECT_EQ(frames[0].payload, "hello");
    EXPECT_EQ(frames[1].type, Frame::err);
    EXPECT_EQ(frames[1].payload, std::string("a\0b", 3));
    EXPECT_EQ(frames[2].type, Frame::exit_status);
    EXPECT_EQ(frames[2].payload, "3");
    EXPECT_EQ(frames[3].type, Frame::window);
    EXPECT_EQ(frames[3].payload, std::string("\x18\x00\x2c\x01", 4));  // 24, 300 little endian
}

TEST(AttachFrames, AnOversizedFrameIsRefused) {
    FrameReader reader;
    std::string bad = "o\xff\xff\xff\x7f";
    reader.feed(bad.data(), bad.size());
    EXPECT_THROW(reader.next(), Error);
}

TEST(AttachFrames, HelloFlags) {
    AttachHello h{true, false};
    AttachHello back = AttachHello::decode(h.encode());
    EXPECT_TRUE(back.input);
    EXPECT_FALSE(back.input_once);
    EXPECT_FALSE(AttachHello::decode("").input);
}

TEST(DetachKeys, DockerSyntax) {
    EXPECT_EQ(parse_detach_keys("ctrl-p,ctrl-q"), "\x10\x11");
    EXPECT_EQ(parse_detach_keys("ctrl-x"), "\x18");
    EXPECT_EQ(parse_detach_keys("a,ctrl-@"), std::string("a\0", 2));
    EXPECT_EQ(parse_detach_keys("ctrl-[,ctrl-_"), "\x1b\x1f");
    EXPECT_EQ(parse_detach_keys("CTRL-P,q"), "\x10q");
    EXPECT_THROW(parse_detach_keys("ctrl-1"), Error);
    EXPECT_THROW(parse_detach_keys("ab"), Error);
    EXPECT_THROW(parse_detach_keys(""), Error);
}

}  // namespace
}  // namespace wb::lite
