// Rule data for a date of service: parsing codes, payers, fees and the unit table from JSON.
#include "vertebra/billing/catalog.hpp"

#include "vertebra/billing/rule_data.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/common/json_number.hpp"

namespace vertebra::core::billing {

namespace {

CodeKind kind_from_string(const std::string& s, const std::string& code) {
    if (s == "timed") return CodeKind::Timed;
    if (s == "untimed") return CodeKind::Untimed;
    throw invalid("kind", code + ": kind must be timed or untimed (got '" + s + "')");
}

const nlohmann::json* option_at(const nlohmann::json& options, const std::string& key) {
    auto it = options.find(key);
    return it == options.end() || it->is_null() ? nullptr : &*it;
}

}  // namespace

void CodeCatalog::add(CodeDef def) {
    if (def.code.empty()) throw invalid("code", "a code definition has an empty code");
    auto it = codes_.find(def.code);
    if (it != codes_.end()) {
        const CodeDef& old = it->second;
        if (old.kind != def.kind || old.owner != def.owner)
            throw invalid("code", def.code + " is defined twice (by " + old.owner + " and " +
                                      def.owner + ") with different meaning");
        return;
    }
    codes_.emplace(def.code, std::move(def));
}

void CodeCatalog::add_from_json(const nlohmann::json& codes, const std::string& owner) {
    // Wrong JSON types deep inside (a string where a number belongs...) are bad input too:
    // Invalid naming the code list, never nlohmann's own exception.
    try {
        [&] {
            if (!codes.is_array()) throw invalid("codes", owner + ": \"codes\" must be an array");
            for (const auto& c : codes) {
                if (!c.is_object() || !c.contains("code") || !c["code"].is_string())
                    throw invalid("codes", owner + ": every code entry needs a \"code\" string");
                CodeDef d;
                d.code = c["code"].get<std::string>();
                d.kind = kind_from_string(c.value("kind", "untimed"), d.code);
                d.description = c.value("description", "");
                d.discipline = c.value("discipline", "");
                d.owner = c.value("owner", owner);
                d.max_units_per_day = json_integer_member<int>(c, "max_units_per_day", 0);
                add(std::move(d));
            }
        }();
    } catch (const nlohmann::json::exception& e) {
        throw invalid("codes", owner + ": malformed code list: " + e.what());
    } catch (const Error& e) {
        if (e.field() == "codes") throw;
        throw invalid("codes", owner + ": " + e.what());  // "max_units_per_day: must be a whole..."
    }
}

const CodeDef* CodeCatalog::find(std::string_view code) const {
    auto it = codes_.find(code);
    return it == codes_.end() ? nullptr : &it->second;
}

bool CodeCatalog::is_timed(std::string_view code) const {
    const CodeDef* d = find(code);
    return d && d->kind == CodeKind::Timed;
}

int Payer::option_int(const std::string& key, int fallback) const {
    const auto* v = option_at(options, key);
    if (!v) return fallback;
    if (!v->is_number_integer()) throw invalid(key, "payer " + id + ": option must be an integer");
    return json_integer<int>(*v, key);
}

std::int64_t Payer::option_cents(const std::string& key, std::int64_t fallback) const {
    const auto* v = option_at(options, key);
    if (!v) return fallback;
    if (!v->is_number_integer())
        throw invalid(key, "payer " + id + ": option must be whole cents (integer)");
    return json_integer<std::int64_t>(*v, key);
}

bool Payer::option_bool(const std::string& key, bool fallback) const {
    const auto* v = option_at(options, key);
    if (!v) return fallback;
    if (!v->is_boolean()) throw invalid(key, "payer " + id + ": option must be true or false");
    return v->get<bool>();
}

std::string Payer::option_string(const std::string& key, const std::string& fallback) const {
    const auto* v = option_at(options, key);
    if (!v) return fallback;
    if (!v->is_string()) throw invalid(key, "payer " + id + ": option must be a string");
    return v->get<std::string>();
}

void FeeSchedule::set(const std::string& code, std::int64_t cents_per_unit) {
    if (cents_per_unit < 0) throw invalid("fees", code + ": fee must not be negative");
    cents_[code] = cents_per_unit;
}

void FeeSchedule::add_from_json(const nlohmann::json& fees, const std::string& origin) {
    if (!fees.is_object()) throw invalid("fees", origin + ": \"fees\" must be an object");
    for (auto it = fees.begin(); it != fees.end(); ++it) {
        if (!it->is_number_integer())
            throw invalid("fees", origin + ": fee for " + it.key() +
                                      " must be an integer number of cents");
        set(it.key(), json_integer<std::int64_t>(*it, "fees." + it.key()));
    }
}

std::optional<std::int64_t> FeeSchedule::per_unit(std::string_view code) const {
    auto it = cents_.find(code);
    if (it == cents_.end()) return std::nullopt;
    return it->second;
}

const Payer& CoreRules::payer(std::string_view id) const {
    auto it = payers.find(id);
    if (it != payers.end()) return it->second;
    std::string known;
    for (const auto& [k, _] : payers) known += (known.empty() ? "" : ", ") + k;
    throw invalid("payer", "unknown payer '" + std::string(id) + "' (known: " + known + ")");
}

Payer parse_payer(const std::string& id, const nlohmann::json& j) {
    // Wrong JSON types deep inside (a string where a number belongs...) are bad input too:
    // Invalid naming the payer, never nlohmann's own exception.
    try {
        return [&]() -> Payer {
            if (!j.is_object()) throw invalid("payers", "payer " + id + " must be an object");
            Payer p;
            p.id = id;
            p.name = j.value("name", id);
            if (!j.contains("timed_method") || !j["timed_method"].is_string())
                throw invalid("timed_method", "payer " + id + " needs \"timed_method\"");
            p.method = timed_method_from_string(j["timed_method"].get<std::string>(), "timed_method");
            if (j.contains("discipline_modifiers")) {
                for (auto it = j["discipline_modifiers"].begin(); it != j["discipline_modifiers"].end();
                     ++it)
                    p.discipline_modifiers[it.key()] = it->get<std::vector<std::string>>();
            }
            if (j.contains("options")) {
                if (!j["options"].is_object())
                    throw invalid("options", "payer " + id + ": options must be an object");
                p.options = j["options"];
            }
            return p;
        }();
    } catch (const nlohmann::json::exception& e) {
        throw invalid("payers", "payer " + id + ": malformed: " + e.what());
    }
}

CoreRules load_core_rules(LocalDate dos, const std::filesystem::path& dir) {
    const plugin_api::RuleData data = load_billing_data(dir);
    CoreRules r;
    r.date_of_service = dos;

    const auto& table = rules_on(data, "unit_table", dos);
    r.unit_table.unit_minutes = json_integer_member<int>(table, "unit_minutes", 15);
    r.unit_table.threshold_minutes = json_integer_member<int>(table, "threshold_minutes", 8);
    (void)units_for_minutes(0, r.unit_table);  // validates the parameters

    const auto& codes = rules_on(data, "codes", dos);
    if (!codes.contains("codes")) throw invalid("codes", "codes.json: needs a \"codes\" array");
    r.codes.add_from_json(codes["codes"], "core");

    const auto& payers = rules_on(data, "payers", dos);
    if (!payers.contains("payers") || !payers["payers"].is_object())
        throw invalid("payers", "payers.json: needs a \"payers\" object");
    for (auto it = payers["payers"].begin(); it != payers["payers"].end(); ++it)
        r.payers.emplace(it.key(), parse_payer(it.key(), *it));

    const auto& fees = rules_on(data, "fees", dos);
    if (fees.contains("fees")) r.fees.add_from_json(fees["fees"], "fees.json");
    return r;
}

}  // namespace vertebra::core::billing
