// The narrow view of the clinic a module gets from the host: its data, a log, read-only records.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/config.hpp>
#include <nlohmann/json.hpp>

#include "vertebra/common/time.hpp"
#include "vertebra/plugin_api/clinical.hpp"
#include "vertebra/plugin_api/rule_data.hpp"

namespace vertebra::plugin_api {

class TherapyModule;

/// A session of any discipline, as the referral summary needs it.
struct VisitSummary {
    LocalDate date;
    std::string module_id;    ///< "" for core PT services
    std::string discipline;   ///< "chiropractic", "physical_therapy", ...
    std::string service_key;
    std::vector<std::string> codes;
    nlohmann::json section = nlohmann::json::object();  ///< that module's recorded section
};

/// An outcome score (RULES.md §7): "odi" 0-100, "nprs" 0-10, "rmdq" 0-24.
struct OutcomeScore {
    LocalDate date;
    std::string measure;
    double value = 0;
};

/// Read-only access to a patient's record. Implemented by the host over the database.
class BOOST_SYMBOL_VISIBLE ClinicalRecords {
public:
    virtual ~ClinicalRecords() = default;
    virtual std::optional<PatientRecord> patient(PatientId id) const = 0;
    /// Visits of every discipline with from <= date <= to, oldest first.
    virtual std::vector<VisitSummary> visits(PatientId id, LocalDate from, LocalDate to) const = 0;
    virtual std::vector<OutcomeScore> outcomes(PatientId id) const = 0;
};

/// Where a module's messages go (the host prefixes the module id).
class BOOST_SYMBOL_VISIBLE ModuleLog {
public:
    virtual ~ModuleLog() = default;
    virtual void info(const std::string& message) = 0;
    virtual void warning(const std::string& message) = 0;
};

/// Given to TherapyModule::start(); owned by the host and alive until after stop().
class BOOST_SYMBOL_VISIBLE ModuleContext {
public:
    virtual ~ModuleContext() = default;
    virtual const std::string& module_id() const = 0;
    /// The plugin's directory and its data dir (`<plugin dir>/data` unless plugin.json says).
    virtual const std::filesystem::path& plugin_dir() const = 0;
    virtual const std::filesystem::path& data_dir() const = 0;
    /// Rule sets loaded from data_dir() before the module was created.
    virtual const RuleData& rules() const = 0;
    virtual ModuleLog& log() const = 0;
    /// nullptr when no clinic database is open (e.g. `vertebra-cli bill`).
    virtual const ClinicalRecords* records() const = 0;
    /// A running module this one declared in plugin.json "dependencies"; nullptr otherwise.
    virtual const TherapyModule* dependency(const std::string& id) const = 0;
};

}  // namespace vertebra::plugin_api
