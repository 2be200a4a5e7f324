// Small wx helpers shared by the desktop views: UTF-8 strings, translated names, dates.
#pragma once

#include <string>

#include <wx/colour.h>
#include <wx/datetime.h>
#include <wx/string.h>

#include "vertebra/common/time.hpp"
#include "vertebra/domain/types.hpp"
#include "vertebra/ui/calendar_layout.hpp"

namespace vertebra::ui {

inline wxString wx(const std::string& s) { return wxString::FromUTF8(s.c_str()); }
inline std::string utf8(const wxString& s) { return std::string(s.utf8_str()); }

inline wxColour to_wx(Rgb c) { return wxColour(c.r, c.g, c.b); }
/// `c` mixed with `with` (0 = c, 1 = with).
wxColour mix(const wxColour& c, const wxColour& with, double amount);

/// Translated name of an appointment status ("Arrived", "No-show", ...).
wxString status_name(core::AppointmentStatus s);
/// "chiropractic" -> "Chiropractic", "surgery_referral" -> "Surgery referral".
wxString key_label(const std::string& key);

wxDateTime to_wx_date(LocalDate d);
LocalDate from_wx_date(const wxDateTime& d);
/// "Mon 2 Nov" (short) or "Monday 2 November 2026" (long), in the user's language.
wxString format_day(LocalDate d, bool long_form);

}  // namespace vertebra::ui
