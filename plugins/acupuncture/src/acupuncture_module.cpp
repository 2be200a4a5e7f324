// The acupuncture therapy module (plugin): increments billing, NCD 30.3.3, KX, e-stim safety.
#include "../../shared/module_support.hpp"
#include "acupuncture_rules.hpp"

namespace vertebra::plugins::acupuncture {

namespace {

bool is_estim_code(const std::string& c) { return c == "97813" || c == "97814"; }

std::vector<LocalDate> history_dates(const std::vector<api::BilledService>& history,
                                     std::vector<LocalDate> extra) {
    for (const auto& h : history) extra.push_back(h.date);
    return extra;
}

}  // namespace

class AcupunctureModule final : public api::TherapyModule {
public:
    void start(const api::ModuleContext& ctx) override {
        defs_ = shared::load_definitions(ctx.data_dir());
        shared::check_definitions(defs_, guards(), "acupuncture");
        shared::check_contraindication_data(ctx.rules(), "acupuncture");
        for (const char* set : {"increments", "codes", "payer_options", "ncd_30_3_3"})
            if (!ctx.rules().has(set))
                throw invalid(set, std::string("acupuncture: rule data '") + set + "' is missing");
    }

    std::vector<api::ServiceOffer> services() const override {
        return {{"acupuncture_session", "Acupuncture", 45, "acupuncture", {"treatment_table"},
                 {"97810", "97811", "97813", "97814"}, {"eligibility", "session_note"},
                 "acupuncture_visit"}};
    }
    std::vector<api::FormSchema> forms() const override { return defs_.forms; }
    std::vector<api::Workflow> workflows() const override { return defs_.workflows; }
    std::vector<std::string> guards() const override {
        return {"no_absolute_contraindication", "needle_count_matches"};
    }
    api::GuardResult evaluate_guard(const std::string& guard,
                                    const nlohmann::json& record) const override {
        if (guard == "no_absolute_contraindication") {
            for (const auto& f : record.value("findings", nlohmann::json::array()))
                if (f.value("severity", "") == "absolute" && f.value("override_reason", "").empty())
                    return {false, "Absolute contraindication: " + f.value("reason", "")};
            return {};
        }
        if (guard == "needle_count_matches") {
            if (!record.contains("needles_in") || !record.contains("needles_out"))
                return {false, "Record the needles inserted and removed"};
            if (record["needles_in"] != record["needles_out"])
                return {false, "Needle count does not match: find every needle"};
            return {};
        }
        throw invalid("guard", "unknown guard " + guard);
    }

    api::BillingResult bill(const api::BillingRequest& req,
                            const api::RuleData& rules) const override {
        const LocalDate dos = req.date_of_service;
        const AcupunctureSession s = parse_session(req.section);
        const nlohmann::json options = shared::payer_options(rules, req.payer, dos);
        bool initial_today = false;
        for (const auto& h : req.history)
            if (h.date == dos && (h.code == "97810" || h.code == "97813")) initial_today = true;
        api::BillingResult out =
            bill_increments(s.increments, rules.at("increments", dos), options, initial_today);

        if (req.patient) {
            api::PlannedService planned{"acupuncture", "acupuncture_session", dos, {}, req.payer,
                                        {{"estim", false}}};
            for (const auto& i : s.increments) planned.details["estim"] =
                planned.details["estim"].get<bool>() || i.estim;
            for (const auto& f : shared::contraindications(rules, *req.patient, planned))
                if (f.severity == api::Severity::Absolute)
                    out.warnings.push_back("Absolute contraindication: " + f.reason);
        }

        const bool ncd_applies = options.value("ncd_30_3_3", false);
        const int kx_from = options.value("kx_from_visit", 0);
        if (!ncd_applies && kx_from <= 0) return out;
        const nlohmann::json* ncd = rules.find("ncd_30_3_3", dos);
        if (!ncd) {
            out.warnings.push_back("Acupuncture is not covered by this payer on " +
                                   format_date(dos) + " (NCD 30.3.3 starts 2020-01-21)");
            return out;
        }
        if (ncd_applies) {
            std::vector<api::Finding> elig;
            if (req.patient)
                elig = check_eligibility(*req.patient, dos, *ncd);
            else if (s.indication)
                elig = check_eligibility(*s.indication, *ncd);
            else
                out.warnings.push_back("NCD 30.3.3: acupuncture is covered only for chronic low "
                                       "back pain (>= 12 weeks, nonspecific, not tied to surgery "
                                       "or pregnancy): document eligibility");
            for (const auto& f : elig) out.warnings.push_back("Not covered: " + f.reason);
        }
        const auto prior = history_dates(req.history, s.prior_visits);
        for (const auto& f : check_limits(dos, prior, s.improvement_documented, *ncd, options)) {
            if (f.rule == "acupuncture_kx") {
                for (auto& l : out.lines) l.modifiers.push_back("KX");
                out.warnings.push_back(f.reason + ": KX appended");
            } else if (ncd_applies) {
                out.warnings.push_back("Not covered: " + f.reason);
            }
        }
        return out;
    }

    std::vector<api::Finding> check_contraindications(
        const api::PatientRecord& patient, const api::PlannedService& planned,
        const api::RuleData& rules) const override {
        api::PlannedService p = planned;
        if (!p.details.is_object()) p.details = nlohmann::json::object();
        for (const auto& c : p.codes)
            if (is_estim_code(c)) p.details["estim"] = true;
        return shared::contraindications(rules, patient, p);
    }

    std::vector<api::Finding> check_coverage(const api::CoverageRequest& req,
                                             const api::RuleData& rules) const override {
        const LocalDate dos = req.planned.date;
        const nlohmann::json options = shared::payer_options(rules, req.planned.payer, dos);
        const bool ncd_applies = options.value("ncd_30_3_3", false);
        if (!ncd_applies && options.value("kx_from_visit", 0) <= 0) return {};
        const nlohmann::json* ncd = rules.find("ncd_30_3_3", dos);
        if (!ncd)
            return {{api::Severity::Absolute, "ncd_30_3_3_not_in_force",
                     "Acupuncture is not covered before NCD 30.3.3 (2020-01-21)", ""}};
        std::vector<api::Finding> out;
        if (ncd_applies) out = check_eligibility(req.patient, dos, *ncd);
        for (auto& f : check_limits(dos, history_dates(req.history, {}),
                                    req.planned.details.is_object() &&
                                        req.planned.details.value("improvement_documented", false),
                                    *ncd, options))
            if (ncd_applies || f.rule == "acupuncture_kx") out.push_back(std::move(f));
        return out;
    }

private:
    shared::Definitions defs_;
};

}  // namespace vertebra::plugins::acupuncture

VERTEBRA_PLUGIN(vertebra::plugins::acupuncture::AcupunctureModule)
