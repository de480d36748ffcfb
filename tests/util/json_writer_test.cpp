// json::ObjectWriter writes what nlohmann's dump() writes for the same values.
#include "util/json_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using nlohmann::json;

TEST(JsonWriter, StringsAreEscapedAsDumpEscapesThem) {
    for (std::string s : {std::string(""), std::string("plain/path"), std::string("\"\\\b\f\n\r\t/"),
                          std::string("\x01\x02\x1e\x1f\x7f", 5), std::string("caf\xc3\xa9 \xe2\x82\xac")}) {
        std::string out;
        wb::json::append_string(out, s);
        EXPECT_EQ(out, json(s).dump()) << s;
    }
    std::string out;
    EXPECT_THROW(wb::json::append_string(out, "bad \xff utf-8"), json::type_error);  // as dump()
}

TEST(JsonWriter, AnObjectOfEveryKindOfField) {
    std::string out;
    wb::json::ObjectWriter w(out);
    w.field("a", std::map<std::string, std::string>{}).field("b", std::vector<std::string>{}).field_bool("c", false)
        .field_int("d", -1).field_uint("e", 0).field("f", "x");
    w.close();
    EXPECT_EQ(out, R"({"a":{},"b":[],"c":false,"d":-1,"e":0,"f":"x"})");
    EXPECT_EQ(json::parse(out).dump(), out);
}

