// One visit to claim lines: core items and module sections through the kernel and the plugins.
#include "vertebra/billing/visit_biller.hpp"

#include "vertebra/billing/clinic_fees.hpp"

#include <set>

#include "vertebra/billing/catalog.hpp"
#include "vertebra/billing/rule_data.hpp"
#include "vertebra/billing/visit_billing.hpp"
#include "vertebra/common/error.hpp"

namespace vertebra::core::billing {

namespace api = vertebra::plugin_api;

namespace {

/// Far above any year's therapy charges; keeps the KX sums far from overflow.
constexpr std::int64_t kMaxYtdCents = 100'000'000'000;

const std::set<std::string, std::less<>> kCoreMembers{"date", "items", "patient",
                                                      "therapy_charges_ytd_cents"};

std::string str_at(const nlohmann::json& j, const char* key, const std::string& field) {
    if (!j.contains(key) || j[key].is_null()) return "";
    if (!j[key].is_string()) throw invalid(field, "must be text");
    return j[key].get<std::string>();
}

std::vector<VisitItem> parse_items(const nlohmann::json& visit) {
    std::vector<VisitItem> out;
    if (!visit.contains("items")) return out;
    const auto& items = visit["items"];
    if (!items.is_array()) throw invalid("items", "must be a list of {code, minutes}");
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string at = "items[" + std::to_string(i) + "]";
        const auto& it = items[i];
        if (!it.is_object()) throw invalid(at, "must be an object {code, minutes}");
        if (!it.contains("code") || !it["code"].is_string() || it["code"].get<std::string>().empty())
            throw invalid(at + ".code", "a CPT/HCPCS code is required");
        VisitItem v;
        v.code = it["code"].get<std::string>();
        if (it.contains("minutes") && !it["minutes"].is_null()) {
            if (!it["minutes"].is_number_integer())
                throw invalid(at + ".minutes", "must be whole minutes");
            const bool huge = it["minutes"].is_number_unsigned()
                                  ? it["minutes"].get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxVisitMinutes)
                                  : it["minutes"].get<std::int64_t>() > kMaxVisitMinutes;
            if (huge)
                throw invalid(at + ".minutes", "must be at most " +
                                                   std::to_string(kMaxVisitMinutes) + " (a day)");
            const auto m = it["minutes"].get<std::int64_t>();
            if (m < 0)
                throw invalid(at + ".minutes", v.code + ": minutes must not be negative (got " +
                                                   std::to_string(m) + ")");
            v.minutes = static_cast<int>(m);
            if (*v.minutes < 0)
                throw invalid(at + ".minutes", v.code + ": minutes must not be negative (got " +
                                                   std::to_string(*v.minutes) + ")");
        }
        v.region = str_at(it, "region", at + ".region");
        out.push_back(std::move(v));
    }
    return out;
}

const ModuleHandle& active_module(const ModuleRegistry& modules, const std::string& id) {
    if (const auto* m = modules.active(id)) return *m;
    std::string why = "is not installed";
    try {
        const ModuleStatus st = modules.status(id);
        switch (st.state) {
            case ModuleState::Disabled:
                why = "is disabled (vertebra-cli modules enable " + id + ")";
                break;
            case ModuleState::Failed:
                why = "failed to load: " + st.error;
                break;
            default:
                break;
        }
    } catch (const Error&) {
    }
    throw invalid(id, "module '" + id + "' " + why + ": cannot bill its section");
}

api::LineItem to_api(const LineItem& l) {
    api::LineItem a;
    a.code = l.code;
    a.units = l.units;
    a.modifiers = l.modifiers;
    a.minutes = l.minutes;
    a.region = l.region;
    return a;
}

}  // namespace

nlohmann::json parse_visit_json(const std::string& text) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        // parse_error, and out_of_range for numbers beyond double (found by fuzz_bill: 1e400).
        throw invalid("input", std::string("malformed JSON: ") + e.what());
    }
}

api::PatientRecord parse_patient(const nlohmann::json& j) {
    // Wrong JSON types deep inside (a string where a number belongs...) are bad input too:
    // Invalid naming the patient, never nlohmann's own exception.
    try {
        return [&]() -> api::PatientRecord {
            api::PatientRecord p;
            if (!j.is_object()) throw invalid("patient", "must be an object");
            if (j.contains("birth_date"))
                p.birth_date = parse_local_date(str_at(j, "birth_date", "patient.birth_date"),
                                                "patient.birth_date");
            const auto conditions = j.value("conditions", nlohmann::json::array());
            if (!conditions.is_array()) throw invalid("patient.conditions", "must be a list");
            for (std::size_t i = 0; i < conditions.size(); ++i) {
                const std::string at = "patient.conditions[" + std::to_string(i) + "]";
                const auto& c = conditions[i];
                api::Condition cond;
                if (c.is_string()) {
                    cond.name = c.get<std::string>();
                } else if (c.is_object()) {
                    cond.name = str_at(c, "name", at + ".name");
                    cond.code = str_at(c, "code", at + ".code");
                    if (c.contains("onset"))
                        cond.onset = parse_local_date(str_at(c, "onset", at + ".onset"), at + ".onset");
                    cond.active = c.value("active", true);
                } else {
                    throw invalid(at, "must be a name or {name, code, onset}");
                }
                p.conditions.push_back(std::move(cond));
            }
            const auto meds = j.value("medications", nlohmann::json::array());
            if (!meds.is_array()) throw invalid("patient.medications", "must be a list");
            for (std::size_t i = 0; i < meds.size(); ++i) {
                const std::string at = "patient.medications[" + std::to_string(i) + "]";
                if (meds[i].is_string()) {
                    p.medications.push_back({meds[i].get<std::string>(), ""});
                } else if (meds[i].is_object()) {
                    p.medications.push_back({str_at(meds[i], "name", at + ".name"),
                                             str_at(meds[i], "drug_class", at + ".drug_class")});
                } else {
                    throw invalid(at, "must be a name or {name, drug_class}");
                }
            }
            const auto flags = j.value("flags", nlohmann::json::array());
            if (!flags.is_array()) throw invalid("patient.flags", "must be a list");
            for (const auto& f : flags) {
                if (!f.is_string()) throw invalid("patient.flags", "must be a list of names");
                p.flags.push_back(f.get<std::string>());
            }
            if (j.contains("extra")) p.extra = j["extra"];
            return p;
        }();
    } catch (const nlohmann::json::exception& e) {
        throw invalid("patient", std::string("malformed patient: ") + e.what());
    }
}

VisitBill bill_visit(const nlohmann::json& visit, const ModuleRegistry& modules,
                     const BillOptions& options) {
    // Wrong JSON types deep inside (a string where a number belongs...) are bad input too:
    // Invalid naming the visit, never nlohmann's own exception.
    try {
        return [&]() -> VisitBill {
            if (!visit.is_object()) throw invalid("input", "a visit must be a JSON object");
            if (!visit.contains("date") || !visit["date"].is_string())
                throw invalid("date", "the date of service is required (YYYY-MM-DD)");
            VisitBill bill;
            bill.date = parse_local_date(visit["date"].get<std::string>(), "date");
            bill.payer = options.payer;

            CoreRules rules = load_core_rules(bill.date, options.data_dir);
            const Payer& payer = rules.payer(options.payer);
            api::PayerRef ref;
            ref.id = payer.id;
            ref.method = payer.method == TimedMethod::TotalTime
                             ? api::TimedCodeMethod::MedicareTotalTime
                             : api::TimedCodeMethod::PerCodeMidpoint;

            // Each module sees the clinic's settings of its own payer options.
            const auto for_module = [&](api::PayerRef r, const std::string& module) {
                if (options.payer_settings)
                    r.clinic_options = options.payer_settings->module_options(r.id, module, bill.date);
                return r;
            };

            // Codes and fees of every active module join the catalog for this date.
            for (const ModuleHandle* m : modules.active_modules()) {
                if (const auto* codes = m->rules().find("codes", bill.date); codes && codes->contains("codes"))
                    rules.codes.add_from_json((*codes)["codes"], m->id());
                if (const auto* fees = m->rules().find("fees", bill.date); fees && fees->contains("fees"))
                    rules.fees.add_from_json((*fees)["fees"], m->id() + "/fees.json");
            }

            std::optional<api::PatientRecord> patient;
            if (visit.contains("patient")) patient = parse_patient(visit["patient"]);
            std::int64_t ytd = 0;
            if (visit.contains("therapy_charges_ytd_cents")) {
                if (!visit["therapy_charges_ytd_cents"].is_number_integer() ||
                    visit["therapy_charges_ytd_cents"].get<std::int64_t>() < 0 ||
                    visit["therapy_charges_ytd_cents"].get<std::int64_t>() > kMaxYtdCents)
                    throw invalid("therapy_charges_ytd_cents",
                                  "must be whole cents, 0 to " + std::to_string(kMaxYtdCents));
                ytd = visit["therapy_charges_ytd_cents"].get<std::int64_t>();
            }

            std::vector<VisitItem> items = parse_items(visit);
            // Check codes before any module runs, so the error names the item.
            for (std::size_t i = 0; i < items.size(); ++i)
                if (!rules.codes.find(items[i].code))
                    throw invalid("items[" + std::to_string(i) + "].code",
                                  "unknown code '" + items[i].code + "'");

            BillResult module_lines;
            std::vector<std::pair<std::string, std::int64_t>> module_fees;
            for (auto it = visit.begin(); it != visit.end(); ++it) {
                if (kCoreMembers.count(it.key())) continue;
                const ModuleHandle& m = active_module(modules, it.key());
                api::BillingRequest req;
                req.date_of_service = bill.date;
                req.payer = for_module(ref, m.id());
                req.section = it.value();
                req.visit = visit;
                req.patient = patient;
                const api::BillingResult r = m.bill(req);
                for (const auto& l : r.lines) {
                    if (l.timed) {
                        if (!rules.codes.find(l.code))
                            rules.codes.add({l.code, CodeKind::Timed, l.description, "", m.id()});
                        items.push_back({l.code, l.minutes, m.id(), l.region});
                    } else {
                        module_lines.lines.push_back(
                            LineItem{l.code, l.units, l.modifiers, 0, 0, m.id(), l.region});
                        if (l.unit_fee_cents) module_fees.push_back({l.code, *l.unit_fee_cents});
                    }
                }
                for (const auto& w : r.warnings) module_lines.warnings.push_back(w);
            }
            for (const auto& [code, cents] : module_fees) rules.fees.set(code, cents);
            // The clinic's own fee in force on the date of service wins over the shipped one.
            if (options.clinic_fees) options.clinic_fees->apply(rules.fees, payer.id, bill.date);

            BillResult result = bill_items(items, payer, rules);
            merge_results(result, module_lines);
            drop_empty_lines(result);
            apply_payer_modifiers(result, payer, rules.codes);
            apply_fees(result, rules.fees);
            apply_therapy_threshold(result, payer, rules.codes, ytd);

            api::VisitReview review;
            review.date_of_service = bill.date;
            review.payer = ref;
            review.visit = visit;
            for (const auto& l : result.lines) review.lines.push_back(to_api(l));
            for (const ModuleHandle* m : modules.active_modules()) {
                review.payer = for_module(ref, m->id());
                for (const auto& w : m->review_visit(review)) result.warnings.push_back(w);
            }

            bill.result = std::move(result);
            return bill;
        }();
    } catch (const nlohmann::json::exception& e) {
        throw invalid("input", std::string("malformed visit: ") + e.what());
    }
}

nlohmann::json to_json(const VisitBill& bill) {
    nlohmann::json lines = nlohmann::json::array();
    nlohmann::json charges = nlohmann::json::array();
    for (const auto& l : bill.result.lines) {
        if (l.units <= 0) continue;
        lines.push_back({{"code", l.code}, {"units", l.units}, {"modifiers", l.modifiers}});
        charges.push_back({{"code", l.code}, {"fee_cents", l.fee_cents}});
    }
    return {{"lines", lines},
            {"warnings", bill.result.warnings},
            {"date", format_date(bill.date)},
            {"payer", bill.payer},
            {"total_timed_minutes", bill.result.total_timed_minutes},
            {"charges", charges},
            {"total_cents", bill.result.total_cents}};
}

}  // namespace vertebra::core::billing
