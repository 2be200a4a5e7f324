// The core billing kernel: pooled timed minutes, untimed codes, payer modifiers, fees, KX threshold.
#include "vertebra/billing/visit_billing.hpp"

#include <algorithm>
#include <set>

#include "vertebra/common/error.hpp"

namespace vertebra::core::billing {

namespace {

std::string money(std::int64_t cents) {
    const std::int64_t a = cents < 0 ? -cents : cents;
    std::string frac = std::to_string(a % 100);
    if (frac.size() < 2) frac = "0" + frac;
    return std::string(cents < 0 ? "-" : "") + "$" + std::to_string(a / 100) + "." + frac;
}

}  // namespace

BillResult bill_items(const std::vector<VisitItem>& items, const Payer& payer,
                      const CoreRules& rules) {
    BillResult out;
    std::vector<TimedService> timed;
    // First-entry order of every code, timed or not, so that lines come out as entered.
    std::vector<std::string> order;

    for (std::size_t i = 0; i < items.size(); ++i) {
        const VisitItem& it = items[i];
        const std::string at = "items[" + std::to_string(i) + "]";
        const CodeDef* def = rules.codes.find(it.code);
        if (!def) throw invalid(at + ".code", "unknown code '" + it.code + "'");
        if (it.minutes && *it.minutes < 0)
            throw invalid(at + ".minutes", it.code + ": minutes must not be negative (got " +
                                               std::to_string(*it.minutes) + ")");
        if (std::find(order.begin(), order.end(), it.code) == order.end()) {
            order.push_back(it.code);
        }
        if (def->kind == CodeKind::Timed) {
            if (!it.minutes)
                throw invalid(at + ".minutes",
                              it.code + " is a timed code (each 15 minutes): minutes are required");
            timed.push_back({it.code, *it.minutes});
        } else {
            LineItem* l = out.line(it.code);
            if (!l) {
                out.lines.push_back(LineItem{it.code, 0, {}, 0, 0, it.source, it.region});
                l = &out.lines.back();
            }
            ++l->units;
        }
    }

    // Untimed codes: per-day cap.
    for (auto& l : out.lines) {
        const CodeDef* def = rules.codes.find(l.code);
        if (def->max_units_per_day > 0 && l.units > def->max_units_per_day) {
            out.warnings.push_back(l.code + ": entered " + std::to_string(l.units) +
                                   " times; billed " + std::to_string(def->max_units_per_day) +
                                   " (at most " + std::to_string(def->max_units_per_day) +
                                   " per day)");
            l.units = def->max_units_per_day;
        }
    }

    const auto alloc = allocate_timed(payer.method, timed, rules.unit_table);
    for (const auto& a : alloc) out.total_timed_minutes += a.minutes;
    for (const auto& a : alloc) {
        std::string source = "core";
        std::string region;
        bool found = false;
        for (const auto& it : items) {
            if (it.code != a.code) continue;
            if (!found) source = it.source;
            found = true;
            if (!it.region.empty() && region.find(it.region) == std::string::npos)
                region += (region.empty() ? "" : "+") + it.region;
        }
        out.lines.push_back(LineItem{a.code, a.units, {}, 0, a.minutes, source, region});
        if (a.units == 0) {
            if (payer.method == TimedMethod::TotalTime && alloc.size() > 1 &&
                out.total_timed_minutes >= rules.unit_table.threshold_minutes)
                out.warnings.push_back(
                    a.code + ": " + std::to_string(a.minutes) + " min billed no unit: the visit's " +
                    std::to_string(out.total_timed_minutes) + " timed minutes make " +
                    std::to_string(units_for_minutes(out.total_timed_minutes, rules.unit_table)) +
                    " unit(s) under the total-time method, allocated to codes with more time");
            else
                out.warnings.push_back(a.code + ": " + std::to_string(a.minutes) +
                                       " min is under the " +
                                       std::to_string(rules.unit_table.threshold_minutes) +
                                       "-minute threshold: no unit billed");
        }
    }

    // Restore entry order across timed and untimed lines.
    std::stable_sort(out.lines.begin(), out.lines.end(), [&](const LineItem& a, const LineItem& b) {
        return std::find(order.begin(), order.end(), a.code) <
               std::find(order.begin(), order.end(), b.code);
    });
    drop_empty_lines(out);
    return out;
}

void apply_payer_modifiers(BillResult& result, const Payer& payer, const CodeCatalog& codes) {
    for (auto& l : result.lines) {
        const CodeDef* def = codes.find(l.code);
        if (!def) continue;
        auto it = payer.discipline_modifiers.find(def->discipline);
        if (it == payer.discipline_modifiers.end()) continue;
        for (const auto& m : it->second) l.add_modifier(m);
    }
}

void apply_fees(BillResult& result, const FeeSchedule& fees) {
    result.total_cents = 0;
    for (auto& l : result.lines) {
        if (auto f = fees.per_unit(l.code)) {
            l.fee_cents = *f * l.units;
        } else {
            l.fee_cents = 0;
            result.warnings.push_back(l.code + ": no fee in the clinic's fee schedule");
        }
        result.total_cents += l.fee_cents;
    }
}

void apply_therapy_threshold(BillResult& result, const Payer& payer, const CodeCatalog& codes,
                             std::int64_t before_cents) {
    const std::int64_t threshold = payer.option_cents("therapy_kx_threshold_cents", -1);
    if (threshold < 0) return;
    std::set<std::string> disciplines{"pt", "ot"};
    if (payer.has_option("therapy_kx_disciplines"))
        disciplines = payer.options["therapy_kx_disciplines"].get<std::set<std::string>>();
    std::int64_t visit = 0;
    std::vector<LineItem*> therapy;
    for (auto& l : result.lines) {
        const CodeDef* def = codes.find(l.code);
        if (def && disciplines.count(def->discipline)) {
            visit += l.fee_cents;
            therapy.push_back(&l);
        }
    }
    if (therapy.empty() || before_cents + visit <= threshold) return;
    for (LineItem* l : therapy) l->add_modifier("KX");
    result.warnings.push_back("therapy charges this year (" + money(before_cents + visit) +
                              ") exceed the " + payer.name + " KX threshold (" +
                              money(threshold) +
                              "): KX appended; document medical necessity");
}

void merge_results(BillResult& into, const BillResult& other) {
    for (const auto& l : other.lines) {
        if (LineItem* mine = into.line(l.code)) {
            mine->units += l.units;
            mine->minutes += l.minutes;
            mine->fee_cents += l.fee_cents;
            for (const auto& m : l.modifiers) mine->add_modifier(m);
            if (!l.region.empty() && mine->region.find(l.region) == std::string::npos)
                mine->region += (mine->region.empty() ? "" : "+") + l.region;
        } else {
            into.lines.push_back(l);
        }
    }
    into.warnings.insert(into.warnings.end(), other.warnings.begin(), other.warnings.end());
    into.total_timed_minutes += other.total_timed_minutes;
    into.total_cents += other.total_cents;
}

void drop_empty_lines(BillResult& result) {
    std::erase_if(result.lines, [](const LineItem& l) { return l.units <= 0; });
}

}  // namespace vertebra::core::billing
