// Note content parsing (plain text or JSON) and the signed content hash.
#include <gtest/gtest.h>

#include "vertebra/notes/notes.hpp"

namespace vertebra::core {
namespace {

TEST(NoteContentTest, PlainTextBecomesTheNarrative) {
    auto c = note_content_from_text("Low back pain improved.\n");
    EXPECT_EQ(c.text, "Low back pain improved.\n");
    EXPECT_TRUE(c.fields.empty());
}

TEST(NoteContentTest, JsonCarriesSoapModuleAndFields) {
    auto c = note_content_from_text(
        R"({"subjective":"S","objective":"O","assessment":"A","plan":"P","module":"massage",
            "fields":{"minutes":30}})");
    EXPECT_EQ(c.subjective, "S");
    EXPECT_EQ(c.plan, "P");
    EXPECT_EQ(c.module_id, "massage");
    EXPECT_EQ(c.fields["minutes"], 30);
}

TEST(NoteContentTest, UnknownJsonMemberIsNamed) {
    try {
        note_content_from_text(R"({"subjectiv":"typo"})");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_NE(std::string(e.what()).find("subjectiv"), std::string::npos);
    }
    EXPECT_THROW(note_content_from_text(R"({"fields":[1]})"), Error);
}

TEST(NoteContentTest, HashCoversEveryContentFieldAndIsStable) {
    SessionNote n;
    n.patient_id = 3;
    n.appointment_id = 9;
    n.author = "ann";
    n.content.text = "t";
    n.content.fields = {{"b", 1}, {"a", 2}};
    const auto h = note_hash(n);
    EXPECT_EQ(h.size(), 64u);
    EXPECT_EQ(note_hash(n), h);
    auto m = n;
    m.content.fields = {{"a", 2}, {"b", 1}};
    EXPECT_EQ(note_hash(m), h);  // key order does not matter
    for (auto change : std::vector<std::function<void(SessionNote&)>>{
             [](SessionNote& x) { x.content.text = "u"; },
             [](SessionNote& x) { x.content.plan = "p"; },
             [](SessionNote& x) { x.content.fields["a"] = 3; },
             [](SessionNote& x) { x.author = "bob"; },
             [](SessionNote& x) { x.patient_id = 4; },
             [](SessionNote& x) { x.content.text = ""; x.content.subjective = "t"; }}) {
        auto y = n;
        change(y);
        EXPECT_NE(note_hash(y), h);
    }
}

}  // namespace
}  // namespace vertebra::core
