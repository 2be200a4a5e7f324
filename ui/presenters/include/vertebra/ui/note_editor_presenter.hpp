// The note editor's logic: the module's session-note form, SOAP sections, inline validation per
// field, draft autosave, sign and addendum, and the billing preview of a signed note. wx-free.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/billing/visit_biller.hpp"
#include "vertebra/notes/notes.hpp"
#include "vertebra/ui/record_services.hpp"

namespace vertebra::ui {

/// One line of the billing preview.
struct PreviewLine {
    std::string code;
    int units = 0;
    std::string modifiers;  ///< "AT,GP"
    std::int64_t fee_cents = 0;
};

struct BillingPreview {
    std::vector<PreviewLine> lines;
    std::vector<std::string> warnings;
    std::int64_t total_cents = 0;
    std::string payer;
    std::string problem;  ///< why there is no preview (a sentence), else ""
};

class NoteEditorPresenter {
public:
    using Clock = std::function<Instant()>;
    /// Opens the note of `appointment_id` (its draft or signed note, else a new one that is
    /// created on the first save). The form is the appointment's service's module's
    /// session-note form, if that module runs.
    NoteEditorPresenter(RecordServices& r, const core::Principal& who, core::Id appointment_id,
                        Clock now = {});

    /// "Chiropractic session note — Ava Garcia, Mon 23 Nov 2026 09:00"
    const std::string& title() const { return title_; }
    const std::optional<plugin_api::FormSchema>& schema() const { return schema_; }
    core::Id appointment_id() const { return appointment_id_; }
    std::optional<core::Id> note_id() const { return note_id_; }
    bool is_signed() const { return signed_; }
    const core::NoteContent& content() const { return content_; }
    /// For a signed note: who signed it and when, and its addenda, as sentences.
    std::vector<std::string> signature_lines() const;

    // Edits from the view.
    void set_section(const std::string& section, const std::string& text);  ///< subjective...
    /// A typed value (JSON null clears the field).
    void set_field(const std::string& key, const nlohmann::json& value);
    /// What the clinician typed in a number field: parsed as the field's type; text that is not
    /// a number is kept as an error naming the field until it is corrected.
    void set_field_text(const std::string& key, const std::string& text);
    nlohmann::json field(const std::string& key) const;
    bool dirty() const { return dirty_; }

    /// Problems by field key ("" = the form as a whole), with the field's label in the sentence.
    std::map<std::string, std::string> validate() const;

    /// Saves the draft (creates it first time). Core keeps only drafts whose form passes the
    /// module's checks (validation is also enforced at sign): an incomplete form is refused with
    /// Error(Invalid). No-op when nothing changed or signed. Throws Error with a sentence.
    /// A successful save removes the recovery file (below).
    void autosave();

    /// Nothing typed is lost while core refuses the draft (or the database is unreachable): what
    /// is typed goes to a recovery file on this computer, `dir`/note-<appointment>-<user>.json
    /// (mode 0600; the desktop uses $XDG_DATA_HOME/vertebra/unsaved-notes), and is offered back
    /// when the note is opened again. Without a directory nothing is written.
    void set_recovery_dir(std::string dir);
    std::string recovery_file() const;
    /// Writes the recovery file now (only when there is something unsaved). Returns false with
    /// `why` set when it cannot be written.
    bool keep_unsaved(std::string* why = nullptr);
    /// Reads this note's recovery file back into the editor (the fields, sections and number
    /// text typed) when it belongs to this appointment, user and unsigned note. Returns when it
    /// was written (clinic time, "Mon 23 Nov 2026 09:00"), or nothing.
    std::optional<std::string> restore_unsaved();
    /// Text typed into a number field that is not a number (kept for the recovery file).
    std::optional<std::string> unparsed_text(const std::string& key) const;
    /// Validates; when fine saves and signs. Returns the problems (empty = signed).
    std::map<std::string, std::string> sign();
    /// An addendum to the signed note; Invalid (field "reason") without a reason.
    core::Id addend(const std::string& reason, const std::string& text);

    /// The claim lines this signed note's module section would produce (the module's own
    /// billing rules through core's visit biller). A draft gives a problem sentence.
    BillingPreview billing_preview(const std::string& payer = "commercial") const;
    /// The visit the billing preview sends to core (module section from the form fields).
    nlohmann::json visit_json() const;

private:
    void load_existing();

    RecordServices& r_;
    core::Principal who_;
    core::Id appointment_id_;
    Clock now_;
    core::Appointment appointment_;
    std::string module_id_;
    std::optional<plugin_api::FormSchema> schema_;
    std::string title_;
    core::NoteContent content_;
    std::map<std::string, std::string> parse_errors_;  ///< number text that is not a number
    std::map<std::string, std::string> unparsed_;      ///< that text as typed
    std::string recovery_dir_;
    void forget_unsaved();
    std::optional<core::Id> note_id_;
    bool signed_ = false;
    bool dirty_ = false;
    std::optional<core::SessionNote> loaded_;
};

/// Formats cents as "$84.00".
std::string money(std::int64_t cents);

}  // namespace vertebra::ui
