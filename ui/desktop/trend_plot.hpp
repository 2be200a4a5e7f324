// A custom-drawn outcome trend (NRS or ODI over time) with the baseline, the MCID line and the goal.
#pragma once

#include <vector>

#include <wx/geometry.h>
#include <wx/window.h>

#include "vertebra/ui/chart_presenter.hpp"

namespace vertebra::ui {

class TrendPlot : public wxWindow {
public:
    TrendPlot(wxWindow* parent, const wxString& name);
    void set_series(TrendSeries s);
    const TrendSeries& series() const { return series_; }
    /// Where each point was drawn at the last paint (tests check them against the data).
    const std::vector<wxPoint2DDouble>& drawn_points() const { return drawn_; }
    /// Value -> y and time -> x in the current size (what paint uses).
    double y_of(double value) const;
    double x_of(Instant t) const;
    int paints() const { return paints_; }
    /// Where a reference line's label of `height` goes: at `wanted`, or below the labels
    /// `placed` so far when it would overlap one; appended to `placed`.
    static double place_label(double wanted, double height, std::vector<double>& placed);

private:
    void on_paint(wxPaintEvent& e);
    wxRect plot_area() const;

    TrendSeries series_;
    std::vector<wxPoint2DDouble> drawn_;
    int paints_ = 0;
};

}  // namespace vertebra::ui
