// Fuzzes the data files an owner may edit or import: the first byte picks the loader, the rest
// is the JSON document. 0 plan template (parse_plan_template, to_json), 1 ICD-10 table
// (Icd10Table::parse, then check() of a few codes on a few dates), 2 effective-dated rule set
// (RuleSet::from_json, effective_on), 3 billing code catalog entries, 4 fee schedule,
// 5 payer (parse_payer and its option lookups), 6 RuleData::load_dir on a one-file directory.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "fuzz_support.hpp"
#include "vertebra/billing/catalog.hpp"
#include "vertebra/plans/icd10.hpp"
#include "vertebra/plans/templates.hpp"
#include "vertebra/plugin_api/rule_data.hpp"

namespace {
vertebra::LocalDate day(int y, unsigned m, unsigned d) {
    return vertebra::LocalDate{date::year{y} / m / d};
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    vertebra::fuzz::use_source_data();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vertebra::core;
    if (size < 1) return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    const unsigned which = data[0] % 7;
    if (which == 6) {
        static const std::filesystem::path dir =
            std::filesystem::temp_directory_path() /
            ("vertebra-fuzz-rules-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        {
            std::ofstream out(dir / "limits.json", std::ios::binary | std::ios::trunc);
            out.write(text.data(), static_cast<std::streamsize>(text.size()));
        }
        vertebra::fuzz::expect_clean([&] {
            const auto rd = vertebra::plugin_api::RuleData::load_dir(dir);
            (void)rd.find("limits", day(2024, 6, 1));
        });
        return 0;
    }
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return 0;
    vertebra::fuzz::expect_clean([&] {
        switch (which) {
            case 0: {
                const auto t = plans::parse_plan_template(j, "fuzz.json");
                (void)plans::to_json(t).dump();
                break;
            }
            case 1: {
                const auto table = plans::Icd10Table::parse(j, "fuzz.json");
                for (const char* code : {"M54.5", "M54.50", "m545", "M51.16", "Z", ""})
                    for (auto d : {day(2015, 10, 1), day(2021, 9, 30), day(2024, 10, 1)})
                        (void)table.check(code, d);
                for (const auto& [code, e] : table.entries()) (void)table.check(code, day(2024, 1, 1));
                break;
            }
            case 2: {
                const auto set = vertebra::plugin_api::RuleSet::from_json(j, "fuzz.json");
                for (auto d : {day(1999, 1, 1), day(2024, 1, 1), day(2099, 12, 31)})
                    (void)set.effective_on(d);
                break;
            }
            case 3: {
                billing::CodeCatalog c;
                c.add_from_json(j, "fuzz");
                for (const auto& [code, def] : c.all()) (void)c.is_timed(code);
                break;
            }
            case 4: {
                billing::FeeSchedule f;
                f.add_from_json(j, "fuzz.json");
                (void)f.per_unit("97110");
                break;
            }
            case 5: {
                const auto p = billing::parse_payer("fuzz", j);
                (void)p.is_medicare();
                (void)p.option_int("acupuncture.additional_increment_min_minutes", 8);
                (void)p.option_cents("therapy_kx_threshold_cents", -1);
                (void)p.option_bool("medicare_rules", false);
                (void)p.option_string("name", "");
                break;
            }
        }
    });
    return 0;
}
