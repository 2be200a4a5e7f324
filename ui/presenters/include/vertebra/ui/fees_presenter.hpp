// The owner's "Fees and payers" screen without wx: the fee list for a date, setting a fee, the
// payers, and the payer options the clinic may set.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vertebra/auth/auth.hpp"
#include "vertebra/billing/clinic_fees.hpp"
#include "vertebra/plugins/module_registry.hpp"
#include "vertebra/ui/calendar_presenter.hpp"

namespace vertebra::ui {

/// One line of the fee list, as text for the view.
struct FeeListRow {
    std::string code;
    std::string description;
    std::string module;        ///< "Core" or the module's name key ("chiropractic")
    std::string payer;         ///< whose fee it is: "All payers" or the payer id
    std::string default_fee;   ///< "$42.00" or "-"
    std::string clinic_fee;    ///< "$48.00" or "" when the shipped fee applies
    std::string since;         ///< "2027-01-01" when a clinic fee is in force
    std::string set_by;        ///< "olga: new price list 2027"
    bool clinic = false;       ///< a clinic fee is in force (the view highlights it)
    std::string payer_id;      ///< whose fee: "" = every payer
};

/// One payer with its settings in force, as text.
struct PayerRow {
    std::string id;
    std::string name;
    std::string timed_method;  ///< "medicare" (total time) or "commercial" (per code)
    std::string modifiers;     ///< "pt: GP"
    std::string clinic_fees;   ///< "2 of its own" or ""
    std::string options;       ///< "therapy_kx_threshold_cents=241000; acupuncture.ncd_30_3_3=true"
    /// The same settings for a details pane, one line per group ("Acupuncture: ncd_30_3_3 = true,
    /// kx_from_visit = 0").
    std::vector<std::string> detail_lines;
};

/// One payer option the clinic may set (a module declares it), with the value in force, as text.
struct PayerOptionLine {
    std::string option;   ///< "chiropractic.visits_per_year"
    std::string label;    ///< "Chiropractic visits a plan year (0 = no cap)"
    std::string value;    ///< in force on the date: "20", "yes", "calendar"
    std::string source;   ///< "module's own" or "clinic, from 2027-01-01 (olga: new contract)"
    std::string accepts;  ///< "a whole number from 0 to 366"
    /// The values to offer for a yes/no or choice option (empty: type a number).
    std::vector<std::string> choices;
    bool clinic = false;  ///< a clinic setting is in force (the view highlights it)
};

class FeesPresenter {
public:
    FeesPresenter(core::billing::FeeRepository& repo, const core::ModuleRegistry& modules,
                  const core::Principal& who, LocalDate today);

    /// Owners (fee.manage) may set fees; everyone else sees the lists read-only.
    bool can_edit() const;
    /// A sentence for the view: who may change fees, or why this user cannot.
    std::string edit_hint() const;

    LocalDate date() const { return date_; }
    void set_date(LocalDate d) { date_ = d; }
    /// "" = every payer, else the fee list as that payer's visits are billed.
    const std::string& payer_filter() const { return payer_; }
    void set_payer_filter(const std::string& payer) { payer_ = payer; }

    /// The fee list for date() and payer_filter(); empty with problem() set when it fails.
    std::vector<FeeListRow> rows();
    /// Forgets what was read, so that the next lists read the database again (the view calls it
    /// when it reloads: after a change here or to see one made elsewhere).
    void refresh() { payers_date_.reset(); }
    std::vector<PayerRow> payers();
    /// Payer ids in force on date() (for the payer choices), sorted.
    std::vector<std::string> payer_ids();
    const std::string& problem() const { return problem_; }

    /// Sets a fee through core (permission, validation and audit there). `amount` is dollars
    /// as people type them: "48", "48.5", "$48.50". The failure message is a sentence.
    ActionResult set_fee(const std::string& code, const std::string& amount, LocalDate from,
                         const std::string& payer, const std::string& reason, Instant now);

    /// The options enabled modules let the clinic set for `payer` on date(); empty with
    /// problem() set when it fails.
    std::vector<PayerOptionLine> payer_options(const std::string& payer);
    /// Sets the clinic's value of a payer option through core (fee.manage, validation against
    /// the module's declaration, audit). The failure message is a sentence.
    ActionResult set_payer_option(const std::string& payer, const std::string& option,
                                  const std::string& value, LocalDate from,
                                  const std::string& reason, Instant now);

    /// "48.50" -> 4850; empty when it is not an amount of money.
    static std::optional<std::int64_t> parse_amount(const std::string& text);

private:
    /// FeeService::payers(date()), read once per refresh() and date: a reload of the screen
    /// asks for the payer list, the payer ids and the selected payer's options, and each
    /// reading loads the rule data and both clinic tables.
    const std::vector<core::billing::PayerSettings>& payers_in_force();

    core::billing::FeeService service_;
    core::Principal who_;
    LocalDate date_;
    std::string payer_;
    std::string problem_;
    std::optional<LocalDate> payers_date_;
    std::vector<core::billing::PayerSettings> payers_cache_;
};

}  // namespace vertebra::ui
