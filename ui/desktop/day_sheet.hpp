// Prints (and previews) a practitioner's day sheet with wx's printing framework.
#pragma once

#include <optional>
#include <vector>

#include <wx/bitmap.h>
#include <wx/print.h>

#include "vertebra/ui/day_sheet.hpp"

namespace vertebra::ui {

class DaySheetPrintout : public wxPrintout {
public:
    explicit DaySheetPrintout(std::vector<DaySheetPage> pages);
    bool HasPage(int page) override;
    void GetPageInfo(int* min_page, int* max_page, int* from, int* to) override;
    bool OnPrintPage(int page) override;

    /// Draws page `page` (1-based) on `dc`, scaled to `size` pixels.
    void draw_page(wxDC& dc, int page, const wxSize& size) const;

private:
    std::vector<DaySheetPage> pages_;
};

/// Opens the print preview for `day` (one practitioner, or everyone with appointments).
void show_day_sheet_preview(wxWindow* parent, core::Scheduler& scheduler,
                            core::SchedulingRepository& repo, LocalDate day,
                            std::optional<core::Id> practitioner);

/// Renders the first page as an A4-shaped bitmap `width` pixels wide (tests and docs).
wxBitmap render_day_sheet(const std::vector<DaySheetPage>& pages, int width);

}  // namespace vertebra::ui
