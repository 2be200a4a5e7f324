// The core billing kernel: price a visit's items (pooled timed minutes, untimed codes) for a payer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vertebra/billing/catalog.hpp"
#include "vertebra/billing/types.hpp"

namespace vertebra::core::billing {

/// One code done in the visit. Timed codes need minutes; untimed codes ignore them.
struct VisitItem {
    std::string code;
    std::optional<int> minutes;
    std::string source = "core";  ///< module that contributed it ("core" for the items list)
    std::string region;           ///< optional body region(s), for pairing edits
};

/// Bills items of any module against the catalog: timed minutes are pooled across all items and
/// allocated by the payer's method; untimed codes are one unit each (capped by max_units_per_day
/// with a warning). Unknown codes and negative minutes are Invalid naming `items[i].code` /
/// `items[i].minutes`. Lines keep the order of first entry; 0-unit lines are dropped with a warning.
BillResult bill_items(const std::vector<VisitItem>& items, const Payer& payer,
                      const CoreRules& rules);

/// Adds the payer's per-discipline modifiers (e.g. GP) to lines whose code is in the catalog.
void apply_payer_modifiers(BillResult& result, const Payer& payer, const CodeCatalog& codes);

/// Fills fee_cents = units x fee per unit and total_cents; warns for codes without a fee.
void apply_fees(BillResult& result, const FeeSchedule& fees);

/// Medicare therapy threshold (§1.6): when the year's therapy charges before this visit plus the
/// visit's PT/OT charges exceed the payer option "therapy_kx_threshold_cents", append KX to PT/OT
/// lines (disciplines listed in payer option "therapy_kx_disciplines", default pt, ot).
void apply_therapy_threshold(BillResult& result, const Payer& payer, const CodeCatalog& codes,
                             std::int64_t therapy_charges_before_cents);

/// Appends `other`'s lines and warnings (module output) to `into`, merging same-code lines.
void merge_results(BillResult& into, const BillResult& other);

/// Drops 0-unit lines (the CLI and claims never show them).
void drop_empty_lines(BillResult& result);

}  // namespace vertebra::core::billing
