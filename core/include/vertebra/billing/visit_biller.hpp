// Bills one visit end to end: core items, every active module's section, pooled timed minutes.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "vertebra/billing/types.hpp"
#include "vertebra/common/time.hpp"
#include "vertebra/plugin_api/clinical.hpp"
#include "vertebra/plugins/module_registry.hpp"

namespace vertebra::core::billing {

class ClinicFeeTable;     // vertebra/billing/clinic_fees.hpp
class PayerSettingTable;  // vertebra/billing/payer_settings.hpp

struct BillOptions {
    std::string payer = "commercial";  ///< payer id from core/data/billing/payers.json
    std::filesystem::path data_dir;    ///< empty = data_dir()
    /// The clinic's own fees (FeeService::table()): the override in force on the date of service
    /// replaces the shipped fee of its code. Null = shipped fees only. Not owned.
    const ClinicFeeTable* clinic_fees = nullptr;
    /// The clinic's payer settings (FeeService::payer_setting_table()): each module gets the
    /// ones in force on the date of service as PayerRef::clinic_options. Null = the modules' own
    /// rules only. Not owned.
    const PayerSettingTable* payer_settings = nullptr;
};

/// The claim for one visit.
struct VisitBill {
    LocalDate date{};
    std::string payer;
    BillResult result;
};

/// Parses visit JSON text; malformed JSON is Invalid (field "input") with line and column.
nlohmann::json parse_visit_json(const std::string& text);

/// Parses the optional "patient" member: {"birth_date", "conditions": [{"name", "code",
/// "onset", "active"}], "medications": [{"name", "drug_class"}], "flags": [...], "extra": {}}.
plugin_api::PatientRecord parse_patient(const nlohmann::json& j);

/// Bills a visit (input shape: docs/cli.md "bill"). Members other than date, items, patient and
/// therapy_charges_ytd_cents are module sections: a section for a module that is not running and
/// enabled is Invalid naming the module. Steps: module sections in id order -> timed lines join
/// the core items in one pool -> the payer's timed method -> untimed and module lines -> payer
/// modifiers, fees (the clinic's fee in force replacing the shipped one), therapy KX threshold -> every active module reviews all lines (NCCI) ->
/// 0-unit lines dropped.
VisitBill bill_visit(const nlohmann::json& visit, const ModuleRegistry& modules,
                     const BillOptions& options = {});

/// {"lines": [{"code", "units", "modifiers"}], "warnings": [...], "date", "payer",
///  "total_timed_minutes", "charges": [{"code", "fee_cents"}], "total_cents"}.
nlohmann::json to_json(const VisitBill& bill);

}  // namespace vertebra::core::billing
