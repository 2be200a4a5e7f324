// Small wx helpers shared by the desktop views: UTF-8 strings, translated names, dates.
#include "ui_text.hpp"

#include <wx/intl.h>

namespace vertebra::ui {

wxColour mix(const wxColour& c, const wxColour& with, double amount) {
    auto ch = [&](unsigned char a, unsigned char b) {
        return static_cast<unsigned char>(a + (b - a) * amount + 0.5);
    };
    return wxColour(ch(c.Red(), with.Red()), ch(c.Green(), with.Green()),
                    ch(c.Blue(), with.Blue()));
}

wxString status_name(core::AppointmentStatus s) {
    using S = core::AppointmentStatus;
    switch (s) {
    case S::Booked: return _("Booked");
    case S::Confirmed: return _("Confirmed");
    case S::Arrived: return _("Arrived");
    case S::InSession: return _("In session");
    case S::Completed: return _("Completed");
    case S::Cancelled: return _("Cancelled");
    case S::NoShow: return _("No-show");
    }
    return wxString();
}

wxString key_label(const std::string& key) {
    wxString s = wx(key);
    s.Replace("_", " ");
    if (!s.empty()) s[0] = wxToupper(s[0]);
    return s;
}

wxDateTime to_wx_date(LocalDate d) {
    const date::year_month_day ymd{d};
    return wxDateTime(static_cast<wxDateTime::wxDateTime_t>(static_cast<unsigned>(ymd.day())),
                      static_cast<wxDateTime::Month>(static_cast<unsigned>(ymd.month()) - 1),
                      static_cast<int>(ymd.year()));
}

LocalDate from_wx_date(const wxDateTime& d) {
    return LocalDate{date::year{d.GetYear()} / date::month{static_cast<unsigned>(d.GetMonth()) + 1} /
                     date::day{static_cast<unsigned>(d.GetDay())}};
}

wxString format_day(LocalDate d, bool long_form) {
    const wxDateTime w = to_wx_date(d);
    const auto name = long_form ? wxDateTime::Name_Full : wxDateTime::Name_Abbr;
    wxString s = wxDateTime::GetWeekDayName(w.GetWeekDay(), name) + " " +
                 wxString::Format("%d", w.GetDay()) + " " +
                 wxDateTime::GetMonthName(w.GetMonth(), name);
    if (long_form) s += wxString::Format(" %d", w.GetYear());
    return s;
}

}  // namespace vertebra::ui
