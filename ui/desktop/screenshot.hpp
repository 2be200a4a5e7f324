// Saves what a window shows as a PNG (for --screenshot, GUI tests and docs/screenshots).
#pragma once

#include <wx/bitmap.h>
#include <wx/string.h>
#include <wx/window.h>

namespace vertebra::ui {

/// Grabs the window's pixels from the X server (the window must be shown and painted).
/// Returns an invalid bitmap when the display cannot be read.
wxBitmap grab_window(wxWindow* w);
/// Grabs and writes a PNG; returns false (and a sentence in `error`) when it cannot.
bool save_window_png(wxWindow* w, const wxString& path, wxString* error = nullptr);
/// Distinct colours in a bitmap, capped at `cap` (a blank capture has 1 or 2).
int distinct_colours(const wxBitmap& b, int cap = 256);

}  // namespace vertebra::ui
