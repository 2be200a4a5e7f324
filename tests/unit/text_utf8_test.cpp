// vertebra::is_valid_utf8: the input check behind the CLI's refusal of non-UTF-8 text.
#include <gtest/gtest.h>

#include "vertebra/common/text.hpp"

namespace {

using vertebra::is_valid_utf8;

TEST(Utf8, AcceptsWellFormedText) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("Robert'); DROP TABLE patients;--"));
    EXPECT_TRUE(is_valid_utf8("Jos\xC3\xA9 M\xC3\xBCller"));                 // 2-byte
    EXPECT_TRUE(is_valid_utf8("\xE2\x80\x8F\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D"));  // RLM + Hebrew
    EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));                          // emoji U+1F600
    EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));                          // U+10FFFF
    EXPECT_TRUE(is_valid_utf8("\xEF\xBB\xBF" "bom"));
    EXPECT_TRUE(is_valid_utf8(std::string_view("a\0b", 3)));  // NUL is valid UTF-8
}

TEST(Utf8, RefusesMalformedText) {
    EXPECT_FALSE(is_valid_utf8("\xFF"));
    EXPECT_FALSE(is_valid_utf8("\x80"));                // stray continuation
    EXPECT_FALSE(is_valid_utf8("caf\xC3"));             // truncated
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));            // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));        // overlong
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));        // surrogate D800
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));    // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
    EXPECT_FALSE(is_valid_utf8("\xE2\x82"));            // truncated 3-byte
    EXPECT_FALSE(is_valid_utf8("Lat\xE9"));             // Latin-1
}

}  // namespace
